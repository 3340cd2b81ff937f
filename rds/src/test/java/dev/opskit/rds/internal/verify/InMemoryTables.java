package dev.opskit.rds.internal.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;

/** A server in memory: tables of rows keyed by integer or string key values, for unit tests. */
final class InMemoryTables implements ChunkSource {
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final Comparator<List<Object>> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = ((Comparable) a.get(i)).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    final Map<String, TreeMap<List<Object>, String>> tables = new HashMap<>();
    int checksums;

    TreeMap<List<Object>, String> table(String name) {
        return tables.computeIfAbsent(name, n -> new TreeMap<>(KEY_ORDER));
    }

    @Override
    public synchronized Optional<List<Object>> keyAfter(TableSpec table, List<Object> from, int offset) {
        TreeMap<List<Object>, String> rows = table(table.fullName());
        var keys = (from.isEmpty() ? rows : rows.tailMap(from, true)).keySet().iterator();
        for (int i = 0; i < offset && keys.hasNext(); i++) {
            keys.next();
        }
        return keys.hasNext() ? Optional.of(new ArrayList<>(keys.next())) : Optional.empty();
    }

    @Override
    public synchronized Checksum checksum(TableSpec table, ChunkBounds bounds) {
        checksums++;
        long rows = 0;
        long xor = 0;
        for (Map.Entry<List<Object>, String> e : table(table.fullName()).entrySet()) {
            if (!bounds.lower().isEmpty() && KEY_ORDER.compare(e.getKey(), bounds.lower()) < 0) {
                continue;
            }
            if (!bounds.upper().isEmpty() && KEY_ORDER.compare(e.getKey(), bounds.upper()) >= 0) {
                continue;
            }
            CRC32 crc = new CRC32();
            crc.update((e.getKey() + "#" + e.getValue()).getBytes(StandardCharsets.UTF_8));
            rows++;
            xor ^= crc.getValue();
        }
        return new Checksum(rows, xor);
    }
}
