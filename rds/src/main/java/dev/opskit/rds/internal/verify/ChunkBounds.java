package dev.opskit.rds.internal.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A range of primary key values: from {@code lower} (inclusive) to {@code upper} (exclusive);
 * an empty list means unbounded on that side. Both empty: the whole table.
 */
public record ChunkBounds(List<Object> lower, List<Object> upper) {
    public static final ChunkBounds WHOLE_TABLE = new ChunkBounds(List.of(), List.of());

    public ChunkBounds {
        // Key values may be byte[] (binary keys), so keep them as given but unmodifiable.
        lower = Collections.unmodifiableList(new ArrayList<>(lower));
        upper = Collections.unmodifiableList(new ArrayList<>(upper));
    }

    public boolean isWholeTable() {
        return lower.isEmpty() && upper.isEmpty();
    }
}
