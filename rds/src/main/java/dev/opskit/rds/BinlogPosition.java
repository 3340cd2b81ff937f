package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a MySQL binary log: the log file name and the byte offset in it, as shown by
 * {@code SHOW MASTER STATUS} or in the RDS event {@code Binlog position from crash recovery is
 * <file> <position>}.
 *
 * <p>Positions order by file sequence number, then offset, so {@code a.compareTo(b) >= 0} means
 * that a replica that executed up to {@code a} has applied everything up to {@code b}. Files of
 * different base names (which never happens within one server) order by name.
 *
 * <pre>{@code
 * BinlogPosition start = BinlogPosition.parse("mysql-bin-changelog.000002 154");
 * start.file();                    // "mysql-bin-changelog.000002"
 * start.position();                // 154
 * replicaExecuted.isAtOrAfter(start);
 * }</pre>
 *
 * @param file the binlog file name, such as {@code mysql-bin-changelog.000002}
 * @param position the byte offset in that file, at least 4 (the size of the file header)
 */
public record BinlogPosition(String file, long position) implements Comparable<BinlogPosition> {
    // Base name, a dot, and the numeric sequence that the server increments on each rotation.
    private static final Pattern FILE = Pattern.compile("([A-Za-z0-9_.\\-]*?)\\.?(\\d+)");
    private static final Pattern TEXT = Pattern.compile("\\s*(\\S+)[\\s:,]+(\\d+)\\s*");

    private static final Comparator<BinlogPosition> ORDER = Comparator
            .comparing((BinlogPosition p) -> p.baseName())
            .thenComparingLong(BinlogPosition::sequence)
            .thenComparingLong(BinlogPosition::position);

    /**
     * @throws InvalidInputException if the file name is not {@code <name>.<digits>} or the
     *     position is below 4
     */
    public BinlogPosition {
        if (file == null || !FILE.matcher(file).matches()) {
            throw new InvalidInputException("binlog file", file,
                    "a binlog file name ends with a sequence number, such as mysql-bin-changelog.000002");
        }
        if (position < 4) {
            throw new InvalidInputException("binlog position", Long.toString(position),
                    "a binlog position is a byte offset of at least 4 (the file header's size)");
        }
    }

    /**
     * Creates a position.
     *
     * @param file the binlog file name
     * @param position the offset in it
     * @return the position
     */
    public static BinlogPosition of(String file, long position) {
        return new BinlogPosition(file, position);
    }

    /**
     * Reads a position written as {@code "<file> <position>"} (also accepts {@code ':'} or
     * {@code ','} between them), the form RDS uses in its events and {@link #toString()} prints.
     *
     * @param text such as {@code "mysql-bin-changelog.000002 154"}
     * @return the position
     * @throws InvalidInputException if the text is not a file name followed by a number
     */
    public static BinlogPosition parse(String text) {
        Matcher m = text == null ? null : TEXT.matcher(text);
        if (m == null || !m.matches()) {
            throw new InvalidInputException("binlog position", text,
                    "write it as '<file> <position>', such as 'mysql-bin-changelog.000002 154'");
        }
        long position;
        try {
            position = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("binlog position", text, "the position does not fit in a long");
        }
        return new BinlogPosition(m.group(1), position);
    }

    /** @return the file name without its sequence number, such as {@code mysql-bin-changelog} */
    public String baseName() {
        Matcher m = FILE.matcher(file);
        m.matches();
        return m.group(1);
    }

    /** @return the file's sequence number, such as 2 for {@code mysql-bin-changelog.000002} */
    public long sequence() {
        Matcher m = FILE.matcher(file);
        m.matches();
        String digits = m.group(2);
        // Sequence numbers have 6 digits in practice; keep the last 18 so a silly name cannot overflow.
        return Long.parseLong(digits.length() > 18 ? digits.substring(digits.length() - 18) : digits);
    }

    /**
     * Whether this position is the same as or later than another in the same log.
     *
     * @param other the other position
     * @return true if everything up to {@code other} comes at or before this position
     */
    public boolean isAtOrAfter(BinlogPosition other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(BinlogPosition other) {
        return ORDER.compare(this, other);
    }

    /** @return {@code "<file> <position>"}, the form {@link #parse} reads */
    @Override
    public String toString() {
        return file + " " + position;
    }
}
