package dev.opskit.rds.internal.verify;

import java.util.List;
import java.util.Map;

/**
 * A chunk's checksums on both servers; after a re-check by rows, also the rows that have differed
 * in every such re-check so far, their keys as text to their values (empty: the chunk is settled
 * as the same).
 */
record ChunkOutcome(Chunk chunk, Checksum source, Checksum target, Map<List<String>, List<Object>> differingRows) {
    ChunkOutcome(Chunk chunk, Checksum source, Checksum target) {
        this(chunk, source, target, null);
    }

    boolean same() {
        return differingRows != null ? differingRows.isEmpty() : source.equals(target);
    }
}
