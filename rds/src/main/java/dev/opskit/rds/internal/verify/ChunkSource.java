package dev.opskit.rds.internal.verify;

import java.util.List;
import java.util.Optional;

/** One side of a comparison: finds chunk boundaries and computes chunk checksums. */
public interface ChunkSource {
    /**
     * Finds the primary key of the row {@code offset} rows after {@code from} (inclusive) in key
     * order, or after the table's start when {@code from} is empty.
     *
     * @return the key values, empty when the table ends first
     */
    Optional<List<Object>> keyAfter(TableSpec table, List<Object> from, int offset);

    /** Computes the checksum of the rows within the bounds. */
    Checksum checksum(TableSpec table, ChunkBounds bounds);
}
