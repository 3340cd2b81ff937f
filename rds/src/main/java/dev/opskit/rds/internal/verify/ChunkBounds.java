package dev.opskit.rds.internal.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A range of primary key values: after {@code after} (exclusive) up to {@code upTo} (inclusive);
 * an empty list means unbounded on that side. Both empty: the whole table. A bound may hold fewer
 * values than the key has columns: it then bounds the leading columns only.
 */
public record ChunkBounds(List<Object> after, List<Object> upTo) {
    public static final ChunkBounds WHOLE_TABLE = new ChunkBounds(List.of(), List.of());

    public ChunkBounds {
        // Key values may be byte[] (binary keys), so keep them as given but unmodifiable.
        after = Collections.unmodifiableList(new ArrayList<>(after));
        upTo = Collections.unmodifiableList(new ArrayList<>(upTo));
    }

    public boolean isWholeTable() {
        return after.isEmpty() && upTo.isEmpty();
    }
}
