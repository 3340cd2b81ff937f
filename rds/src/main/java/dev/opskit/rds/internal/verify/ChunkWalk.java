package dev.opskit.rds.internal.verify;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The chunked comparison of tables. On the source, each table is walked by a chain of scans: one
 * query checksums the next {@code chunkSize} rows and returns the last key, which starts the next
 * scan, so finding boundaries costs no pass of its own. As soon as a scan returns, the next one is
 * queued on the source and the same key range is queued on the target: both servers stay busy, the
 * target one chunk behind. A key whose first column is an integer is cut instead into ranges as
 * wide as its first chunk, all queued at once. A table without a primary key is one chunk.
 */
final class ChunkWalk {
    private final PairedServers servers;
    private final int chunkSize;

    ChunkWalk(PairedServers servers, int chunkSize) {
        this.servers = servers;
        this.chunkSize = chunkSize;
    }

    /** Starts the chunked comparison of a table; {@code run.scanned} completes when its chunks are all queued. */
    void start(TableRun run, TableSpec onTarget) {
        TableSpec s = run.table;
        if (!s.hasPrimaryKey()) {
            run.add(servers.compare(new Chunk(s, ChunkBounds.WHOLE_TABLE)));
            run.scanned.complete(null);
        } else if (s.integerKey() && onTarget.integerKey()) { // the first key column is an integer
            servers.runOnSource(() -> split(run));
        } else {
            servers.runOnSource(() -> scan(run, List.of(), null));
        }
    }

    /** A full chunk scanned on the source whose range ends only when the next scan says whether rows follow. */
    private record Pending(List<Object> after, ChunkScan scan) {
    }

    /**
     * Checksums the next chunk on the source, queues the previous one's range on the target, then
     * queues the next scan. A full chunk waits for the next scan: if that finds no rows, the full
     * chunk becomes the last one and reaches to the table's end (for rows only the target has),
     * instead of adding an empty chunk. Outcomes stay in key order as only one scan of a table
     * runs at a time.
     */
    private void scan(TableRun run, List<Object> after, Pending previous) {
        try {
            TableSpec t = run.table;
            ChunkScan s = servers.source.scan(t, after, chunkSize);
            if (previous != null) {
                boolean last = s.checksum().rows() == 0;
                queue(run, previous.after(), last ? List.of() : after, previous.scan().checksum());
                if (last) {
                    run.scanned.complete(null);
                    return;
                }
            }
            if (s.checksum().rows() < chunkSize) {
                queue(run, after, List.of(), s.checksum());
                run.scanned.complete(null);
            } else {
                Pending p = new Pending(after, s);
                servers.runOnSource(() -> scan(run, s.lastKey(), p));
            }
        } catch (RuntimeException | Error e) {
            run.scanned.completeExceptionally(e);
        }
    }

    /**
     * For a key whose first column is an integer: scans the first chunk, then cuts the rest of that
     * column's range into ranges as wide as the first chunk turned out to be, and queues them all at
     * once on both servers (a composite key's first chunk is checksummed again up to the end of its
     * last group of the first column, as ranges bound that column only). No query waits for
     * another's boundary, and the source runs plain range checksums like the target. Keys spread
     * unlike the first chunk make chunks of other sizes, still correct; when the widths would give
     * far more or fewer chunks than the row estimate asks for (a sparse or clustered key), the
     * table is walked by scans instead.
     */
    private void split(TableRun run) {
        try {
            TableSpec t = run.table;
            ChunkScan first = servers.source.scan(t, List.of(), chunkSize);
            if (first.checksum().rows() < chunkSize) {
                queue(run, List.of(), List.of(), first.checksum());
                run.scanned.complete(null);
                return;
            }
            Optional<Long> lead = leading(first.lastKey().get(0));
            Optional<List<ChunkBounds>> ranges = lead.flatMap(last -> servers.source.keyRange(t)
                    .flatMap(r -> ranges(t, r, last, chunkSize)));
            if (ranges.isEmpty()) {
                scan(run, first.lastKey(), new Pending(List.of(), first));
                return;
            }
            if (t.keyColumns().size() == 1) {
                queue(run, List.of(), first.lastKey(), first.checksum());
            } else {
                // the scan ended inside a group of the first column: checksum up to the group's end instead
                run.add(servers.compare(new Chunk(t, new ChunkBounds(List.of(), List.of(lead.get())))));
            }
            for (ChunkBounds b : ranges.get()) {
                run.add(servers.compare(new Chunk(t, b)));
            }
            run.scanned.complete(null);
        } catch (RuntimeException | Error e) {
            run.scanned.completeExceptionally(e);
        }
    }

    /** The first key column's value as a long: a number, or text (a session variable's value). */
    private static Optional<Long> leading(Object v) {
        if (v instanceof Number n && !(n instanceof BigInteger)) {
            return Optional.of(n.longValue());
        }
        try {
            return v instanceof String text ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // beyond a long: walked instead
        }
    }

    /**
     * The ranges after the first chunk {@code [min, last]}, each as wide, the last one open;
     * empty if their count is off the row estimate by more than 4 times (and 16 chunks).
     */
    static Optional<List<ChunkBounds>> ranges(TableSpec t, ChunkSource.KeyRange r, long last, int chunkSize) {
        long width;
        try {
            width = Math.addExact(Math.subtractExact(last, r.min()), 1);
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
        double count = Math.max(0, ((double) r.max() - last) / width);
        double expected = Math.max(0, (double) t.estimatedRows() - chunkSize) / chunkSize;
        if (count > 4 * expected + 16 || expected > 4 * count + 16) {
            return Optional.empty();
        }
        List<ChunkBounds> ranges = new ArrayList<>();
        long lo = last;
        while (true) {
            long hi;
            try {
                hi = Math.addExact(lo, width);
            } catch (ArithmeticException e) {
                hi = Long.MAX_VALUE;
            }
            if (hi >= r.max()) {
                ranges.add(new ChunkBounds(List.of(lo), List.of())); // open: rows only the target has
                return Optional.of(ranges);
            }
            ranges.add(new ChunkBounds(List.of(lo), List.of(hi)));
            lo = hi;
        }
    }

    private void queue(TableRun run, List<Object> after, List<Object> upTo, Checksum onSource) {
        run.add(servers.compareOnTarget(new Chunk(run.table, new ChunkBounds(after, upTo)), onSource));
    }
}
