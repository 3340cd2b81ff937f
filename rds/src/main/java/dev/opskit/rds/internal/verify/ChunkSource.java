package dev.opskit.rds.internal.verify;

import java.util.List;

/** One side of a comparison: checksums chunks of a table. */
public interface ChunkSource {
    /**
     * Checksums the first {@code rows} rows in key order after the key {@code after} (exclusive),
     * or from the table's start when {@code after} is empty, and returns the last key seen.
     */
    ChunkScan scan(TableSpec table, List<Object> after, int rows);

    /** Computes the checksum of the rows within the bounds. */
    Checksum checksum(TableSpec table, ChunkBounds bounds);
}
