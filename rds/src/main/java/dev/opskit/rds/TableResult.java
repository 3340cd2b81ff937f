package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of checking one table, and how it was decided ({@link #method()}).
 *
 * <pre>{@code
 * TableResult t = report.table("shop.orders").orElseThrow();
 * t.identical();       // false
 * t.method();          // CHUNKS
 * t.reason();          // "table checksums differed"
 * t.differences();     // the differing key ranges
 * }</pre>
 *
 * @param table {@code schema.table}
 * @param keyColumns the primary key's columns; empty if the table has none
 * @param sourceRows rows counted on the source
 * @param targetRows rows counted on the target
 * @param chunks how many chunks were compared; 1 when the table was compared whole
 * @param differences the key ranges that differ
 * @param problem why the table could not be compared (missing on one side, different columns),
 *     if so
 * @param method how the table was compared
 * @param reason why by chunks rather than by table checksums, such as {@code "table checksums
 *     differed"}; empty otherwise
 */
public record TableResult(String table, List<String> keyColumns, long sourceRows, long targetRows, int chunks,
                          List<ChunkDifference> differences, Optional<String> problem, Method method,
                          String reason) {
    /** How a table was compared. */
    public enum Method {
        /**
         * {@code CHECKSUM TABLE ... EXTENDED} and the row count were equal on both servers: the
         * table is identical. Never the method of a table reported as different.
         */
        TABLE_CHECKSUM,
        /** Chunk by chunk, in primary key ranges (or whole, for a table without a primary key). */
        CHUNKS,
        /** Not compared: see {@link TableResult#problem()}. */
        NOT_COMPARED
    }

    /** @throws InvalidInputException if a component is null, or a table checksum is said to have found differences */
    public TableResult {
        if (table == null || keyColumns == null || differences == null || problem == null || method == null
                || reason == null) {
            throw new InvalidInputException("table result", table, "every component is required");
        }
        if (method == Method.TABLE_CHECKSUM && (!differences.isEmpty() || problem.isPresent())) {
            throw new InvalidInputException("table result", table,
                    "a table checksum only ever finds a table identical; report differences from chunks");
        }
        keyColumns = List.copyOf(keyColumns);
        differences = List.copyOf(differences);
    }

    /** @return true if the table exists on both sides with the same columns and every chunk matches */
    public boolean identical() {
        return problem.isEmpty() && differences.isEmpty();
    }

    /** @return whether the table was compared in primary key ranges */
    public boolean chunked() {
        return method == Method.CHUNKS && !keyColumns.isEmpty();
    }

    /**
     * @return such as {@code shop.orders: identical (120000 rows, whole table by CHECKSUM TABLE)} or
     *     {@code shop.orders: identical (120000 rows, 12 chunks by [id]; table checksums differed)}
     */
    @Override
    public String toString() {
        if (problem.isPresent()) {
            return table + ": DIFFERENT, " + problem.get();
        }
        String how = method == Method.TABLE_CHECKSUM ? "whole table by CHECKSUM TABLE"
                : (chunked() ? chunks + " chunks by " + keyColumns : "whole table, no primary key")
                        + (reason.isEmpty() ? "" : "; " + reason);
        if (identical()) {
            return table + ": identical (" + sourceRows + " rows, " + how + ")";
        }
        return table + ": DIFFERENT in " + differences.size() + " of " + chunks + " chunks (source " + sourceRows
                + " rows, target " + targetRows + " rows, " + how + ")";
    }
}
