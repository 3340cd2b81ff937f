package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last error of a replica's IO or SQL thread ({@code Last_IO_Errno}/{@code Last_IO_Error},
 * {@code Last_SQL_Errno}/{@code Last_SQL_Error}), with what can be read from the message: the
 * duplicate entry and key of error 1062, the default database, the failing statement, the table,
 * and where the failing event ends in the source's binlog.
 *
 * <p>Passwords in the message ({@code IDENTIFIED BY '...'}, {@code PASSWORD('...')},
 * {@code MASTER_PASSWORD='...'}) are replaced by {@code ********} when the error is created, so
 * it is safe to log.
 *
 * <pre>{@code
 * status.lastSqlError().ifPresent(e -> {
 *     if (e.isDuplicateKey()) {
 *         System.out.println(e.table().orElse("?") + " " + e.duplicateEntry().orElse("?"));
 *     }
 * });
 * }</pre>
 *
 * @param number the MySQL error number, such as 1062; never 0
 * @param message the server's message, passwords redacted
 */
public record ReplicationError(int number, String message) {
    /** MySQL's "Duplicate entry ... for key ..." error. */
    public static final int DUPLICATE_KEY = 1062;
    /** MySQL's "Can't find record" error (a row to update or delete is missing on the replica). */
    public static final int ROW_NOT_FOUND = 1032;

    private static final Pattern SECRET = Pattern.compile(
            "(?i)(IDENTIFIED\\s+(?:WITH\\s+\\S+\\s+)?(?:BY|AS)\\s+|PASSWORD\\s*\\(\\s*|(?:MASTER|SOURCE)_PASSWORD\\s*=\\s*)"
                    + "('(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.)*\")");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate entry '(.*)' for key '([^']*)'", Pattern.DOTALL);
    private static final Pattern DATABASE = Pattern.compile("Default database: '([^']*)'");
    private static final Pattern QUERY = Pattern.compile("Query: '(.*)'\\s*$", Pattern.DOTALL);
    private static final Pattern ON_TABLE = Pattern.compile("event on table ([^\\s;,]+)");
    private static final Pattern QUERY_TABLE = Pattern.compile(
            "(?i)^\\s*(?:insert\\s+(?:ignore\\s+)?(?:into\\s+)?|replace\\s+(?:into\\s+)?|update\\s+(?:ignore\\s+)?|delete\\s+(?:ignore\\s+)?from\\s+)"
                    + "((?:`[^`]+`|[\\w$]+)(?:\\s*\\.\\s*(?:`[^`]+`|[\\w$]+))?)");
    private static final Pattern EVENT_END = Pattern.compile(
            "(?:master|source) log ([^\\s,]+), end_log_pos (\\d+)");

    /**
     * @throws InvalidInputException if the number is not positive or the message is null
     */
    public ReplicationError {
        if (number <= 0) {
            throw new InvalidInputException("error number", Integer.toString(number),
                    "a replication error has a positive MySQL error number");
        }
        if (message == null) {
            throw new InvalidInputException("error message", null, "pass the server's message, or an empty text");
        }
        message = redact(message);
    }

    /**
     * Replaces password literals in a statement or message by {@code ********}.
     *
     * @param text any text, may be null
     * @return the text without password literals
     */
    static String redact(String text) {
        return text == null ? null : SECRET.matcher(text).replaceAll("$1'********'");
    }

    /** @return whether this is error 1062, a duplicate key */
    public boolean isDuplicateKey() {
        return number == DUPLICATE_KEY;
    }

    /** @return the duplicated key value of error 1062, such as {@code 42} or {@code 7-eu} */
    public Optional<String> duplicateEntry() {
        Matcher m = DUPLICATE.matcher(message);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** @return the key of error 1062, such as {@code PRIMARY} or {@code orders.PRIMARY} */
    public Optional<String> key() {
        Matcher m = DUPLICATE.matcher(message);
        return m.find() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** @return the default database of a failing statement ({@code Default database: 'shop'}) */
    public Optional<String> defaultDatabase() {
        Matcher m = DATABASE.matcher(message);
        return m.find() && !m.group(1).isEmpty() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** @return the failing statement, when replicated as a statement ({@code Query: '...'}) */
    public Optional<String> statement() {
        Matcher m = QUERY.matcher(message);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The table the failing event changed: from a row event's {@code on table db.t}, or from the
     * failing statement's {@code INSERT INTO}/{@code UPDATE}/{@code DELETE FROM}/{@code REPLACE},
     * qualified with the default database when the statement does not name one.
     *
     * @return such as {@code shop.orders}, without backquotes
     */
    public Optional<String> table() {
        Matcher m = ON_TABLE.matcher(message);
        if (m.find()) {
            return Optional.of(m.group(1).replace("`", ""));
        }
        return statement().flatMap(q -> {
            Matcher t = QUERY_TABLE.matcher(q);
            if (!t.find()) {
                return Optional.empty();
            }
            String name = t.group(1).replace("`", "").replaceAll("\\s+", "");
            return Optional.of(name.contains(".") ? name
                    : defaultDatabase().map(db -> db + "." + name).orElse(name));
        });
    }

    /** @return where the failing event ends in the source's binlog, when the message says */
    public Optional<BinlogPosition> eventEnd() {
        Matcher m = EVENT_END.matcher(message);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(BinlogPosition.of(m.group(1), Long.parseLong(m.group(2))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @return {@code "1062: <message>"} */
    @Override
    public String toString() {
        return number + ": " + message;
    }
}
