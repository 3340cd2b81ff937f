package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a {@link ConsistencyCheck}: one {@link TableResult} per table found on either
 * side.
 *
 * <pre>{@code
 * VerificationReport report = ConsistencyCheck.between(source, target).run();
 * if (!report.identical()) {
 *     System.out.println(report.summary());
 * }
 * }</pre>
 *
 * @param tables one result per table, ordered by name
 * @param rechecks how many times differing chunks were checked again after the target caught up
 * @param lockedRows how many rows that differed in every re-check were then read again under a
 *     shared lock on the source, to be compared once the replica caught up with them (see
 *     {@link ConsistencyCheck#confirmUnderLock(boolean)})
 * @param elapsed how long the check took
 */
public record VerificationReport(List<TableResult> tables, int rechecks, int lockedRows, Duration elapsed) {
    /** @throws InvalidInputException if a component is null */
    public VerificationReport {
        if (tables == null || elapsed == null) {
            throw new InvalidInputException("verification report", null, "tables and elapsed are required");
        }
        tables = List.copyOf(tables);
    }

    /** A report of a check that read no row under a lock. */
    public VerificationReport(List<TableResult> tables, int rechecks, Duration elapsed) {
        this(tables, rechecks, 0, elapsed);
    }

    /** @return true if every table is identical */
    public boolean identical() {
        return tables.stream().allMatch(TableResult::identical);
    }

    /** @return the tables that are not identical */
    public List<TableResult> differences() {
        return tables.stream().filter(t -> !t.identical()).toList();
    }

    /**
     * Finds one table's result.
     *
     * @param table {@code schema.table}
     * @return its result, if the table was found on either side
     */
    public Optional<TableResult> table(String table) {
        return tables.stream().filter(t -> t.table().equals(table)).findFirst();
    }

    /** @return rows counted on the source over all tables */
    public long sourceRows() {
        return tables.stream().mapToLong(TableResult::sourceRows).sum();
    }

    /** @return chunks compared over all tables */
    public long chunks() {
        return tables.stream().mapToLong(TableResult::chunks).sum();
    }

    /**
     * @return a multi-line summary: the verdict with how many tables each method decided, then one
     *     line per table, then each differing range
     */
    public String summary() {
        StringBuilder b = new StringBuilder();
        long whole = tables.stream().filter(t -> t.method() == TableResult.Method.TABLE_CHECKSUM).count();
        long chunked = tables.stream().filter(t -> t.method() == TableResult.Method.CHUNKS).count();
        b.append(identical() ? "IDENTICAL" : "DIFFERENT").append(": ").append(tables.size()).append(" tables (")
                .append(whole).append(" by table checksum, ").append(chunked).append(" in chunks), ")
                .append(sourceRows()).append(" source rows, ").append(chunks()).append(" chunks in ")
                .append(elapsed.toMillis()).append(" ms");
        if (rechecks > 0) {
            b.append(", ").append(rechecks).append(" re-checks after catching up");
        }
        if (lockedRows > 0) {
            b.append(", ").append(lockedRows).append(lockedRows == 1 ? " row" : " rows")
                    .append(" read under a lock on the source");
        }
        for (TableResult t : tables) {
            b.append('\n').append("  ").append(t);
            for (ChunkDifference d : t.differences()) {
                b.append('\n').append("    ").append(d);
            }
        }
        return b.toString();
    }

    /** @return {@link #summary()} */
    @Override
    public String toString() {
        return summary();
    }
}
