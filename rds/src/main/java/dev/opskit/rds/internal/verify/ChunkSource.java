package dev.opskit.rds.internal.verify;

import java.util.List;
import java.util.Optional;

/** One side of a comparison: checksums chunks of a table. */
public interface ChunkSource {
    /** The smallest and largest value of a single integer key column. */
    record KeyRange(long min, long max) {
    }

    /**
     * Checksums the first {@code rows} rows in key order after the key {@code after} (exclusive),
     * or from the table's start when {@code after} is empty, and returns the last key seen.
     */
    ChunkScan scan(TableSpec table, List<Object> after, int rows);

    /** Computes the checksum of the rows within the bounds. */
    Checksum checksum(TableSpec table, ChunkBounds bounds);

    /**
     * Reads {@code MIN} and {@code MAX} of a table's single integer key (two index dives).
     *
     * @return empty if the table is empty or a value does not fit a {@code long}
     */
    Optional<KeyRange> keyRange(TableSpec table);
}
