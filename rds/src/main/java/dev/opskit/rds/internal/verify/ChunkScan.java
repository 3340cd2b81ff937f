package dev.opskit.rds.internal.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The checksum of the next rows of a table in key order, and the key of the last of them (empty if none). */
public record ChunkScan(Checksum checksum, List<Object> lastKey) {
    public ChunkScan {
        lastKey = Collections.unmodifiableList(new ArrayList<>(lastKey));
    }
}
