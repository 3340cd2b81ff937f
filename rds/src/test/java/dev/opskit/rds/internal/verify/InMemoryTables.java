package dev.opskit.rds.internal.verify;

import dev.opskit.rds.BinlogPosition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/** A server in memory: tables of rows keyed by integer or string key values, for unit tests. */
final class InMemoryTables implements ChunkSource {
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final Comparator<List<Object>> KEY_ORDER = (a, b) -> {
        // over the shorter of the two: a bound of the first key columns only compares those
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = ((Comparable) a.get(i)).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    final Map<String, TreeMap<List<Object>, String>> tables = new HashMap<>();
    int checksums;
    int rowHashReads;
    /** Runs before every scan and chunk read: a writer at work between reads. */
    Runnable beforeRead = () -> { };
    int scans;
    int keyRanges;
    /** Whether scans return a composite key's last values as text, as MariaDB does. */
    boolean textKeys;
    String version = "11.4.5-MariaDB-log (mariadb.org binary distribution)";
    /** Definitions by table name; a table not listed has {@code CREATE TABLE <name>}. */
    final Map<String, String> definitions = new HashMap<>();
    /** Added to every table checksum: a server whose CHECKSUM TABLE disagrees with the rows' chunks. */
    long tableChecksumSkew;
    /** Whether CHECKSUM TABLE returns NULL, as for an engine without checksums. */
    boolean noTableChecksums;
    /** Moves on by one event per table checksum when the server is being written. */
    BinlogPosition position = BinlogPosition.of("mysql-bin.000001", 4);
    boolean written;
    /** Moves on at every read of the position: a server written all the time. */
    boolean busy;
    int tableChecksums;
    /** The tables checksummed whole, in order. */
    final List<String> tableChecksummed = new ArrayList<>();

    TreeMap<List<Object>, String> table(String name) {
        return tables.computeIfAbsent(name, n -> new TreeMap<>(KEY_ORDER));
    }

    @Override
    public synchronized ChunkScan scan(TableSpec table, List<Object> after, int rows) {
        scans++;
        beforeRead.run();
        TreeMap<List<Object>, String> all = table(table.fullName());
        var chunk = (after.isEmpty() ? all : all.tailMap(after, false)).entrySet().stream().limit(rows).toList();
        long xor = 0;
        for (Map.Entry<List<Object>, String> e : chunk) {
            xor ^= crc(e);
        }
        List<Object> last = chunk.isEmpty() ? List.of() : new ArrayList<>(chunk.get(chunk.size() - 1).getKey());
        if (textKeys && last.size() > 1) {
            last.replaceAll(String::valueOf); // as a composite key's session variables come back
        }
        return new ChunkScan(new Checksum(chunk.size(), xor), last);
    }

    @Override
    public synchronized Optional<KeyRange> keyRange(TableSpec table) {
        TreeMap<List<Object>, String> all = table(table.fullName());
        keyRanges++;
        return all.isEmpty() ? Optional.empty() : Optional.of(new KeyRange(((Number) all.firstKey().get(0)).longValue(),
                ((Number) all.lastKey().get(0)).longValue()));
    }

    private static long crc(Map.Entry<List<Object>, String> row) {
        CRC32 crc = new CRC32();
        crc.update((row.getKey() + "#" + row.getValue()).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    @Override
    public synchronized Checksum checksum(TableSpec table, ChunkBounds bounds) {
        checksums++;
        beforeRead.run();
        long rows = 0;
        long xor = 0;
        for (Map.Entry<List<Object>, String> e : within(table, bounds)) {
            rows++;
            xor ^= crc(e);
        }
        return new Checksum(rows, xor);
    }

    @Override
    public synchronized Map<List<String>, RowHash> rowHashes(TableSpec table, ChunkBounds bounds) {
        rowHashReads++;
        beforeRead.run();
        Map<List<String>, RowHash> rows = new HashMap<>();
        for (Map.Entry<List<Object>, String> e : within(table, bounds)) {
            rows.put(KeyText.of(e.getKey()), new RowHash(e.getKey(), crc(e)));
        }
        return rows;
    }

    @Override
    public synchronized OptionalLong rowHash(TableSpec table, List<Object> key) {
        beforeRead.run();
        String value = table(table.fullName()).get(key);
        return value == null ? OptionalLong.empty() : OptionalLong.of(crc(Map.entry(key, value)));
    }

    /** Keys locked by {@link #lockRow} and not released yet: a writer must leave them alone. */
    final Set<List<Object>> locked = new HashSet<>();
    /** Every key ever locked, in order. */
    final List<List<Object>> lockedKeys = new ArrayList<>();
    /** Whether locks are granted; false, as if a writer held every row longer than the wait. */
    boolean grantLocks = true;

    @Override
    public synchronized Optional<LockedRow> lockRow(TableSpec table, List<Object> key, Duration wait) {
        beforeRead.run(); // writers get in before the lock is granted
        if (!grantLocks) {
            return Optional.empty();
        }
        locked.add(key);
        lockedKeys.add(key);
        String value = table(table.fullName()).get(key);
        OptionalLong hash = value == null ? OptionalLong.empty() : OptionalLong.of(crc(Map.entry(key, value)));
        Optional<BinlogPosition> at = Optional.of(position);
        return Optional.of(new LockedRow() {
            @Override
            public OptionalLong hash() {
                return hash;
            }

            @Override
            public Optional<BinlogPosition> position() {
                return at;
            }

            @Override
            public void close() {
                synchronized (InMemoryTables.this) {
                    locked.remove(key);
                }
            }
        });
    }

    private List<Map.Entry<List<Object>, String>> within(TableSpec table, ChunkBounds bounds) {
        List<Map.Entry<List<Object>, String>> rows = new ArrayList<>();
        for (Map.Entry<List<Object>, String> e : table(table.fullName()).entrySet()) {
            if (!bounds.after().isEmpty() && KEY_ORDER.compare(e.getKey(), bounds.after()) <= 0) {
                continue;
            }
            if (!bounds.upTo().isEmpty() && KEY_ORDER.compare(e.getKey(), bounds.upTo()) > 0) {
                continue;
            }
            rows.add(e);
        }
        return rows;
    }

    @Override
    public String serverVersion() {
        return version;
    }

    @Override
    public synchronized Optional<String> definition(TableSpec table) {
        return Optional.of(definitions.getOrDefault(table.fullName(), "CREATE TABLE " + table.quotedName()));
    }

    @Override
    public synchronized Optional<Checksum> tableChecksum(TableSpec table, String definition) {
        tableChecksums++;
        tableChecksummed.add(table.fullName());
        if (written) {
            position = BinlogPosition.of(position.file(), position.position() + 100);
        }
        if (noTableChecksums) {
            return Optional.empty();
        }
        long sum = tableChecksumSkew; // a sum of the rows' CRCs in 32 bits, as the servers compute it
        for (Map.Entry<List<Object>, String> e : table(table.fullName()).entrySet()) {
            sum += crc(e);
        }
        return Optional.of(new Checksum(table(table.fullName()).size(), sum & 0xFFFF_FFFFL));
    }

    @Override
    public synchronized Optional<BinlogPosition> binlogPosition() {
        if (busy) {
            position = BinlogPosition.of(position.file(), position.position() + 100);
        }
        return Optional.of(position);
    }
}
