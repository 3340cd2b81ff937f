package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of checking one table.
 *
 * <pre>{@code
 * TableResult t = report.table("shop.orders").orElseThrow();
 * t.identical();       // false
 * t.differences();     // the differing key ranges
 * }</pre>
 *
 * @param table {@code schema.table}
 * @param keyColumns the primary key's columns; empty if the table has none and was checked as a whole
 * @param sourceRows rows counted on the source
 * @param targetRows rows counted on the target
 * @param chunks how many chunks were compared
 * @param differences the key ranges that differ
 * @param problem why the table could not be compared chunk by chunk (missing on one side,
 *     different columns), if so
 */
public record TableResult(String table, List<String> keyColumns, long sourceRows, long targetRows, int chunks,
                          List<ChunkDifference> differences, Optional<String> problem) {
    /** @throws InvalidInputException if a component is null */
    public TableResult {
        if (table == null || keyColumns == null || differences == null || problem == null) {
            throw new InvalidInputException("table result", table, "every component is required");
        }
        keyColumns = List.copyOf(keyColumns);
        differences = List.copyOf(differences);
    }

    /** @return true if the table exists on both sides with the same columns and every chunk matches */
    public boolean identical() {
        return problem.isEmpty() && differences.isEmpty();
    }

    /** @return whether the table has a primary key and was compared in key ranges */
    public boolean chunked() {
        return !keyColumns.isEmpty();
    }

    /** @return such as {@code shop.orders: identical (120000 rows, 12 chunks)} */
    @Override
    public String toString() {
        String how = chunked() ? chunks + " chunks by " + keyColumns : "whole table, no primary key";
        if (problem.isPresent()) {
            return table + ": DIFFERENT, " + problem.get();
        }
        if (identical()) {
            return table + ": identical (" + sourceRows + " rows, " + how + ")";
        }
        return table + ": DIFFERENT in " + differences.size() + " of " + chunks + " chunks (source " + sourceRows
                + " rows, target " + targetRows + " rows, " + how + ")";
    }
}
