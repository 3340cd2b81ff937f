package dev.opskit.rds.internal.verify;

import static software.amazon.awssdk.utils.CompletableFutureUtils.joinLikeSync;

import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ChunkDifference;
import dev.opskit.rds.TableResult;
import dev.opskit.rds.VerificationReport;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * Compares tables chunk by chunk. On the source, each table is walked by a chain of scans: one
 * query checksums the next {@code chunkSize} rows and returns the last key, which starts the next
 * scan, so finding boundaries costs no pass of its own. As soon as a scan returns, the next one is
 * queued on the source and the same key range is queued on the target: both servers stay busy, the
 * target one chunk behind. Tables are walked at the same time, up to {@code parallelism} queries
 * per server.
 *
 * <p>With a live source (the target replicates from it) a chunk can differ only because the
 * target has not applied the latest events yet. Differing chunks are therefore checked again:
 * read the source's binlog position (after every first read, so it covers all of them), wait
 * until the replica has executed up to it, and compare again, row by row where the table has a
 * primary key: a row counts only if it has differed in every round, which a change in flight
 * does not (it is applied by the next round), so a chunk that keeps being written settles where
 * its checksums never would. A chunk is reported only if it still differs after
 * {@code maxRechecks} rounds, and then, if it has rows that differed in every round, only if one
 * of them still differs when read again with the source's copy locked (a row rewritten all the
 * time differs in every round; see {@link #confirmUnderLock}). Nothing of this runs when no chunk
 * differs.
 *
 * <p>Fast path ({@code tableChecksums}): when both servers report the same version, each table
 * whose definition is the same on both is first compared whole with {@code CHECKSUM TABLE ...
 * EXTENDED} and its row count on both servers at once, up to {@code parallelism} tables at a
 * time, largest first. Equal: the table is identical, one whole-table chunk. Anything else sends
 * the table to the chunked comparison above, which alone decides what is reported as different:
 * the fast path can only ever say "identical". The source's binlog position is read when the run
 * starts, before each table's checksums and after them: once it has moved, the source is being
 * written, its tables' checksums would differ from a lagging replica's by timing, each failed one
 * paying a whole-table read on both servers for nothing, so the tables not started yet go
 * straight to chunks, whose re-checks handle a live source. At most the tables in flight when the
 * move is seen ({@code parallelism}) pay that read.
 */
public final class Verifier {
    private final ChunkSource source;
    private final ChunkSource target;
    private final ReplicaSync sync;
    private final int chunkSize;
    private final int parallelism;
    private final int maxRechecks;
    private final boolean tableChecksums;
    private final boolean confirmUnderLock;

    public Verifier(ChunkSource source, ChunkSource target, ReplicaSync sync, int chunkSize, int parallelism,
                    int maxRechecks, boolean tableChecksums) {
        this(source, target, sync, chunkSize, parallelism, maxRechecks, tableChecksums, true);
    }

    public Verifier(ChunkSource source, ChunkSource target, ReplicaSync sync, int chunkSize, int parallelism,
                    int maxRechecks, boolean tableChecksums, boolean confirmUnderLock) {
        this.source = source;
        this.target = target;
        this.sync = sync;
        this.chunkSize = chunkSize;
        this.parallelism = parallelism;
        this.maxRechecks = maxRechecks;
        this.tableChecksums = tableChecksums;
        this.confirmUnderLock = confirmUnderLock;
    }

    /** At most this many rows are confirmed under a lock per check; beyond them, rows are reported as they differed. */
    static final int MAX_LOCKED_ROWS = 200;
    /** How long to wait for a row lock that writers hold. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(1);
    /** How long a row stays locked at most while the replica catches up with it. */
    static final Duration LOCK_HOLD = Duration.ofSeconds(2);

    /** Why the fast path did not decide, as the report says it. */
    static final String CHECKSUMS_OFF = "table checksums turned off";
    static final String CHECKSUMS_DIFFERED = "table checksums differed";
    static final String DEFINITIONS_DIFFER = "table definitions differ, so table checksums cannot be compared";
    static final String NO_CHECKSUM = "CHECKSUM TABLE returned NULL";
    static final String SOURCE_WRITTEN = "source being written, table checksums skipped";

    private record Chunk(TableSpec table, ChunkBounds bounds) {
    }

    /**
     * A chunk's checksums on both servers; after a re-check by rows, also the rows that have
     * differed in every such re-check so far, their keys as text to their values (empty: the chunk
     * is settled as the same).
     */
    private record Outcome(Chunk chunk, Checksum source, Checksum target, Map<List<String>, List<Object>> differingRows) {
        Outcome(Chunk chunk, Checksum source, Checksum target) {
            this(chunk, source, target, null);
        }

        boolean same() {
            return differingRows != null ? differingRows.isEmpty() : source.equals(target);
        }
    }

    /** Per-table state, filled by the scan chain and the checksum tasks. */
    private static final class TableRun {
        final TableSpec table;
        /** In key order; added to by one scan at a time. */
        final List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        /** Completes when the chain has scanned the whole table. */
        final CompletableFuture<Void> scanned = new CompletableFuture<>();
        String problem;
        /** The count and table checksum both servers agreed on, if the fast path decided. */
        volatile Checksum wholeTable;
        /** Why the table was compared the way it was. */
        volatile String reason = "";

        TableRun(TableSpec table) {
            this.table = table;
        }
    }

    public VerificationReport verify(List<TableSpec> sourceTables, List<TableSpec> targetTables) {
        long start = System.nanoTime();
        Map<String, TableSpec> onSource = byName(sourceTables);
        Map<String, TableSpec> onTarget = byName(targetTables);
        TreeSet<String> names = new TreeSet<>(onSource.keySet());
        names.addAll(onTarget.keySet());

        ExecutorService sourcePool = Executors.newFixedThreadPool(parallelism, threads("verify-source"));
        ExecutorService targetPool = Executors.newFixedThreadPool(parallelism, threads("verify-target"));
        // Runs each table's fast path, blocking on the two pools: at most `parallelism` tables at once.
        ExecutorService fastPool = Executors.newFixedThreadPool(parallelism, threads("verify-table-checksum"));
        try {
            String noFastPath = tableChecksums ? versionsDiffer(targetPool) : CHECKSUMS_OFF;
            Optional<BinlogPosition> startPosition = noFastPath == null ? source.binlogPosition() : Optional.empty();
            AtomicBoolean sourceWritten = new AtomicBoolean();
            List<TableRun> fast = new ArrayList<>();
            List<TableRun> runs = new ArrayList<>();
            for (String name : names) {
                TableSpec s = onSource.get(name);
                TableSpec t = onTarget.get(name);
                TableRun run = new TableRun(s != null ? s : t);
                runs.add(run);
                if (s == null) {
                    run.problem = "missing on the source, present on the target";
                } else if (t == null) {
                    run.problem = "missing on the target";
                } else if (!new TreeSet<>(s.columns()).equals(new TreeSet<>(t.columns()))) {
                    run.problem = "columns differ: source " + s.columns() + ", target " + t.columns();
                } else if (!s.keyColumns().equals(t.keyColumns())) {
                    run.problem = "primary keys differ: source " + s.keyColumns() + ", target " + t.keyColumns();
                } else if (noFastPath == null) {
                    fast.add(run);
                } else {
                    run.reason = noFastPath;
                    chunks(run, t, sourcePool, targetPool);
                }
            }
            // Largest first, so that the last table to finish is a small one.
            fast.sort(Comparator.comparingLong((TableRun r) -> r.table.estimatedRows()).reversed());
            for (TableRun run : fast) {
                TableSpec t = onTarget.get(run.table.fullName());
                fastPool.execute(() -> fastPath(run, t, startPosition, sourceWritten, sourcePool, targetPool));
            }
            for (TableRun run : runs) {
                if (run.problem == null) {
                    joinLikeSync(run.scanned);
                }
            }
            List<Outcome> differing = new ArrayList<>();
            for (TableRun run : runs) {
                List<CompletableFuture<Outcome>> outcomes;
                synchronized (run) {
                    outcomes = List.copyOf(run.outcomes);
                }
                for (CompletableFuture<Outcome> f : outcomes) {
                    Outcome o = joinLikeSync(f);
                    if (!o.same()) {
                        differing.add(o);
                    }
                }
            }
            int rounds = 0;
            // Chunks are compared by identity: their keys may be byte arrays.
            Map<Chunk, Outcome> latest = new IdentityHashMap<>();
            Optional<BinlogPosition> position = differing.isEmpty() ? Optional.empty() : sync.sourcePosition();
            while (!differing.isEmpty() && position.isPresent() && rounds < maxRechecks) {
                rounds++;
                sync.awaitExecuted(position.get());
                List<CompletableFuture<Outcome>> again = new ArrayList<>();
                for (Outcome o : differing) {
                    again.add(o.chunk().table().hasPrimaryKey() ? compareRows(o, sourcePool, targetPool)
                            : compare(o.chunk(), sourcePool, targetPool));
                }
                differing = new ArrayList<>();
                for (CompletableFuture<Outcome> f : again) {
                    Outcome o = joinLikeSync(f);
                    latest.put(o.chunk(), o);
                    if (!o.same()) {
                        differing.add(o);
                    }
                }
                position = differing.isEmpty() ? Optional.empty() : sync.sourcePosition();
            }
            int locked = 0;
            if (rounds > 0 && confirmUnderLock && !differing.isEmpty()) {
                LockedRound confirmed = confirmUnderLock(differing, latest, sourcePool);
                differing = confirmed.differing();
                locked = confirmed.rows();
            }
            // Which rows differ, for the report, where no round has compared them row by row yet
            // (a target that does not replicate). A chunk whose rows now all agree (a source written
            // since) keeps the verdict of its checksums, without rows.
            List<CompletableFuture<Outcome>> byRows = new ArrayList<>();
            for (Outcome o : differing) {
                if (o.differingRows() == null && o.chunk().table().hasPrimaryKey()) {
                    byRows.add(compareRows(o, sourcePool, targetPool));
                }
            }
            for (CompletableFuture<Outcome> f : byRows) {
                Outcome o = joinLikeSync(f);
                if (!o.same()) {
                    latest.put(o.chunk(), o);
                }
            }
            List<TableResult> results = new ArrayList<>();
            for (TableRun run : runs) {
                results.add(result(run, latest));
            }
            return new VerificationReport(results, rounds, locked, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            fastPool.shutdownNow();
            sourcePool.shutdownNow();
            targetPool.shutdownNow();
        }
    }

    /** @return why table checksums cannot be compared at all, or null if they can */
    private String versionsDiffer(ExecutorService targetPool) {
        CompletableFuture<String> onTarget = CompletableFuture.supplyAsync(target::serverVersion, targetPool);
        String onSource = source.serverVersion();
        String t = joinLikeSync(onTarget);
        return onSource.equals(t) ? null
                : "server versions differ (source " + onSource + ", target " + t + "), so table checksums cannot be compared";
    }

    /** Starts the chunked comparison of a table; {@code run.scanned} completes when its chunks are all queued. */
    private void chunks(TableRun run, TableSpec onTarget, ExecutorService sourcePool, ExecutorService targetPool) {
        TableSpec s = run.table;
        if (!s.hasPrimaryKey()) {
            CompletableFuture<Outcome> o = compare(new Chunk(s, ChunkBounds.WHOLE_TABLE), sourcePool, targetPool);
            synchronized (run) {
                run.outcomes.add(o);
            }
            run.scanned.complete(null);
        } else if (s.integerKey() && onTarget.integerKey()) { // the first key column is an integer
            sourcePool.execute(() -> split(run, sourcePool, targetPool));
        } else {
            sourcePool.execute(() -> scan(run, List.of(), null, sourcePool, targetPool));
        }
    }

    /**
     * Compares a table whole by {@code CHECKSUM TABLE} and row count, on both servers at once; if
     * anything differs, or cannot be compared, starts the chunked comparison instead.
     * Runs on its own thread and waits for the queries on the two pools.
     */
    private void fastPath(TableRun run, TableSpec onTarget, Optional<BinlogPosition> start, AtomicBoolean sourceWritten,
                          ExecutorService sourcePool, ExecutorService targetPool) {
        try {
            TableSpec s = run.table;
            CompletableFuture<Optional<String>> targetDefinition =
                    CompletableFuture.supplyAsync(() -> target.definition(onTarget), targetPool);
            CompletableFuture<Optional<BinlogPosition>> before = CompletableFuture.supplyAsync(source::binlogPosition,
                    sourcePool);
            Optional<String> sourceDefinition = joinLikeSync(CompletableFuture.supplyAsync(() -> source.definition(s), sourcePool));
            if (moved(start, joinLikeSync(before), sourceWritten)) {
                run.reason = SOURCE_WRITTEN;
                chunks(run, onTarget, sourcePool, targetPool);
                return;
            }
            if (sourceDefinition.isEmpty() || !sourceDefinition.equals(joinLikeSync(targetDefinition))) {
                run.reason = DEFINITIONS_DIFFER;
                chunks(run, onTarget, sourcePool, targetPool);
                return;
            }
            String definition = sourceDefinition.get();
            CompletableFuture<Optional<Checksum>> onTargetSum =
                    CompletableFuture.supplyAsync(() -> target.tableChecksum(onTarget, definition), targetPool);
            Optional<Checksum> a = joinLikeSync(CompletableFuture.supplyAsync(() -> source.tableChecksum(s, definition), sourcePool));
            Optional<Checksum> b = joinLikeSync(onTargetSum);
            // for the tables after this one
            moved(start, joinLikeSync(CompletableFuture.supplyAsync(source::binlogPosition, sourcePool)), sourceWritten);
            if (a.isPresent() && a.equals(b)) { // the same count and checksum
                run.reason = "";
                run.wholeTable = a.get();
                run.scanned.complete(null);
                return;
            }
            run.reason = a.isEmpty() || b.isEmpty() ? NO_CHECKSUM : CHECKSUMS_DIFFERED;
            chunks(run, onTarget, sourcePool, targetPool);
        } catch (RuntimeException | Error e) {
            run.scanned.completeExceptionally(e);
        }
    }

    /** @return whether the source was seen being written: now, or by another table before */
    private static boolean moved(Optional<BinlogPosition> start, Optional<BinlogPosition> now, AtomicBoolean written) {
        if (start.isPresent() && !start.equals(now)) {
            written.set(true);
        }
        return written.get();
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
    private void scan(TableRun run, List<Object> after, Pending previous, ExecutorService sourcePool,
                      ExecutorService targetPool) {
        try {
            TableSpec t = run.table;
            ChunkScan s = source.scan(t, after, chunkSize);
            if (previous != null) {
                boolean last = s.checksum().rows() == 0;
                queue(run, previous.after(), last ? List.of() : after, previous.scan().checksum(), targetPool);
                if (last) {
                    run.scanned.complete(null);
                    return;
                }
            }
            if (s.checksum().rows() < chunkSize) {
                queue(run, after, List.of(), s.checksum(), targetPool);
                run.scanned.complete(null);
            } else {
                Pending p = new Pending(after, s);
                sourcePool.execute(() -> scan(run, s.lastKey(), p, sourcePool, targetPool));
            }
        } catch (RuntimeException | Error e) {
            run.scanned.completeExceptionally(e);
        }
    }

    /**
     * For a key whose first column is an integer: scans the first chunk, then cuts the rest of that
     * column's range into ranges as wide as the first chunk turned out to be, and queues them all at
     * once on both servers (a composite key's first chunk is checksummed again up to the end of its
     * last group of the first column, as ranges bound that column only). No query waits for another's boundary, and the source runs plain range checksums
     * like the target. Keys spread unlike the first chunk make chunks of other sizes, still
     * correct; when the widths would give far more or fewer chunks than the row estimate asks for
     * (a sparse or clustered key), the table is walked by scans instead.
     */
    private void split(TableRun run, ExecutorService sourcePool, ExecutorService targetPool) {
        try {
            TableSpec t = run.table;
            ChunkScan first = source.scan(t, List.of(), chunkSize);
            if (first.checksum().rows() < chunkSize) {
                queue(run, List.of(), List.of(), first.checksum(), targetPool);
                run.scanned.complete(null);
                return;
            }
            Optional<Long> lead = leading(first.lastKey().get(0));
            Optional<List<ChunkBounds>> ranges = lead.flatMap(last -> source.keyRange(t).flatMap(r -> ranges(t, r, last)));
            if (ranges.isEmpty()) {
                scan(run, first.lastKey(), new Pending(List.of(), first), sourcePool, targetPool);
                return;
            }
            if (t.keyColumns().size() == 1) {
                queue(run, List.of(), first.lastKey(), first.checksum(), targetPool);
            } else {
                // the scan ended inside a group of the first column: checksum up to the group's end instead
                CompletableFuture<Outcome> o = compare(new Chunk(t, new ChunkBounds(List.of(), List.of(lead.get()))),
                        sourcePool, targetPool);
                synchronized (run) {
                    run.outcomes.add(o);
                }
            }
            for (ChunkBounds b : ranges.get()) {
                CompletableFuture<Outcome> o = compare(new Chunk(t, b), sourcePool, targetPool);
                synchronized (run) {
                    run.outcomes.add(o);
                }
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
    Optional<List<ChunkBounds>> ranges(TableSpec t, ChunkSource.KeyRange r, long last) {
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

    private void queue(TableRun run, List<Object> after, List<Object> upTo, Checksum onSource,
                       ExecutorService targetPool) {
        Chunk c = new Chunk(run.table, new ChunkBounds(after, upTo));
        CompletableFuture<Outcome> o = CompletableFuture
                .supplyAsync(() -> target.checksum(c.table(), c.bounds()), targetPool)
                .thenApply(x -> new Outcome(c, onSource, x));
        synchronized (run) {
            run.outcomes.add(o);
        }
    }

    private CompletableFuture<Outcome> compare(Chunk c, ExecutorService sourcePool, ExecutorService targetPool) {
        CompletableFuture<Checksum> s = CompletableFuture.supplyAsync(() -> source.checksum(c.table(), c.bounds()),
                sourcePool);
        CompletableFuture<Checksum> t = CompletableFuture.supplyAsync(() -> target.checksum(c.table(), c.bounds()),
                targetPool);
        return s.thenCombine(t, (a, b) -> new Outcome(c, a, b));
    }

    /**
     * Re-checks a chunk row by row: each row's key and hash on both servers at once. A row that
     * differs only because the replica had not applied its latest change yet differs in one round
     * and not in the next (each round waits until the replica has passed the position the source
     * had before it); a real difference differs in every round. So a row counts only if it has
     * differed in every round so far, and the chunk is settled as the same once no row has. A
     * chunk whose rows keep changing, such as the end of a table that is appended to, thus settles
     * in two rounds, where its checksums would differ every time.
     */
    private CompletableFuture<Outcome> compareRows(Outcome previous, ExecutorService sourcePool,
                                                   ExecutorService targetPool) {
        Chunk c = previous.chunk();
        CompletableFuture<Map<List<String>, ChunkSource.RowHash>> s =
                CompletableFuture.supplyAsync(() -> source.rowHashes(c.table(), c.bounds()), sourcePool);
        CompletableFuture<Map<List<String>, ChunkSource.RowHash>> t =
                CompletableFuture.supplyAsync(() -> target.rowHashes(c.table(), c.bounds()), targetPool);
        return s.thenCombine(t, (a, b) -> {
            Map<List<String>, List<Object>> differing = new HashMap<>();
            a.forEach((key, row) -> {
                ChunkSource.RowHash other = b.get(key);
                if (other == null || other.hash() != row.hash()) {
                    differing.put(key, row.key());
                }
            });
            b.forEach((key, row) -> {
                if (!a.containsKey(key)) {
                    differing.put(key, row.key());
                }
            });
            if (previous.differingRows() != null) {
                differing.keySet().retainAll(previous.differingRows().keySet());
            }
            return new Outcome(c, sum(a), sum(b), differing);
        });
    }

    /** The chunks that still differ after the rows were confirmed under a lock, and how many rows were. */
    private record LockedRound(List<Outcome> differing, int rows) {
    }

    private record Candidate(Outcome outcome, List<String> text, List<Object> key) {
    }

    /**
     * The last word on rows that have differed in every round: a row written many times a second
     * differs every time, as the two servers are never read at the same binlog position. Each such
     * row is read on the source under a shared lock, which holds off its writers; the source's
     * position read after the lock was granted covers every change to it; once the replica has
     * executed up to that position (waited for at most {@link #LOCK_HOLD}), its copy of the row is
     * exactly what the source's should be, and the two are compared. The lock is then released.
     * One lock per transaction, so it never takes part in a deadlock; writers of that one row wait
     * for as long as the replica takes to catch up (its lag, typically milliseconds). A row whose
     * lock is not granted within {@link #LOCK_WAIT} or whose replica does not catch up in time is
     * reported as it differed; once the replica has not caught up with one row, no further row
     * is locked (it would not catch up with those either), so writers are held off that long at
     * most once per concurrent lock. Up to {@link #MAX_LOCKED_ROWS} rows, {@code parallelism} at
     * a time; more than that differing in every round is a real difference, reported without this.
     */
    private LockedRound confirmUnderLock(List<Outcome> differing, Map<Chunk, Outcome> latest, ExecutorService pool) {
        List<Candidate> candidates = new ArrayList<>();
        for (Outcome o : differing) {
            if (o.differingRows() != null) {
                o.differingRows().entrySet().stream().sorted(Map.Entry.comparingByKey(KEY_TEXT_ORDER))
                        .forEach(e -> candidates.add(new Candidate(o, e.getKey(), e.getValue())));
            }
        }
        if (candidates.isEmpty() || candidates.size() > MAX_LOCKED_ROWS) {
            return new LockedRound(differing, 0);
        }
        List<CompletableFuture<Locked>> verdicts = new ArrayList<>();
        // A replica that did not catch up with one locked row will not with the next: lock no more.
        AtomicBoolean replicaBehind = new AtomicBoolean();
        for (Candidate c : candidates) {
            verdicts.add(CompletableFuture.supplyAsync(() -> {
                if (replicaBehind.get()) {
                    return Locked.NOT_TRIED;
                }
                Locked verdict = underLock(c.outcome().chunk().table(), c.key());
                if (verdict == Locked.NOT_CAUGHT_UP) {
                    replicaBehind.set(true);
                }
                return verdict;
            }, pool));
        }
        Map<Outcome, Set<List<String>>> settled = new IdentityHashMap<>();
        int locked = 0;
        for (int i = 0; i < candidates.size(); i++) {
            Locked verdict = joinLikeSync(verdicts.get(i));
            if (verdict != Locked.NOT_GRANTED && verdict != Locked.NOT_TRIED) {
                locked++;
            }
            if (verdict == Locked.SAME) {
                Candidate c = candidates.get(i);
                settled.computeIfAbsent(c.outcome(), o -> new HashSet<>()).add(c.text());
            }
        }
        List<Outcome> still = new ArrayList<>();
        for (Outcome o : differing) {
            Set<List<String>> rows = settled.get(o);
            Outcome now = o;
            if (rows != null) {
                Map<List<String>, List<Object>> left = new HashMap<>(o.differingRows());
                left.keySet().removeAll(rows);
                now = new Outcome(o.chunk(), o.source(), o.target(), left);
                latest.put(o.chunk(), now);
            }
            if (!now.same()) {
                still.add(now);
            }
        }
        return new LockedRound(still, locked);
    }

    /** What reading a row under a lock found. */
    private enum Locked { NOT_TRIED, NOT_GRANTED, NOT_CAUGHT_UP, SAME, DIFFERENT }

    /** Reads a row under a lock on the source and compares it once the replica has caught up with it. */
    private Locked underLock(TableSpec table, List<Object> key) {
        Optional<ChunkSource.LockedRow> lock = source.lockRow(table, key, LOCK_WAIT);
        if (lock.isEmpty()) {
            return Locked.NOT_GRANTED;
        }
        try (ChunkSource.LockedRow row = lock.get()) {
            if (row.position().isEmpty() || !sync.awaitExecuted(row.position().get(), LOCK_HOLD)) {
                return Locked.NOT_CAUGHT_UP;
            }
            return row.hash().equals(target.rowHash(table, key)) ? Locked.SAME : Locked.DIFFERENT;
        }
    }

    /** The chunk checksum of rows' hashes, as {@code COUNT(*), BIT_XOR(hash)} computes it. */
    private static Checksum sum(Map<List<String>, ChunkSource.RowHash> rows) {
        long xor = 0;
        for (ChunkSource.RowHash r : rows.values()) {
            xor ^= r.hash();
        }
        return new Checksum(rows.size(), xor);
    }

    private static TableResult result(TableRun run, Map<Chunk, Outcome> latest) {
        TableSpec t = run.table;
        if (run.problem != null) {
            return new TableResult(t.fullName(), t.keyColumns(), 0, 0, 0, List.of(), Optional.of(run.problem),
                    TableResult.Method.NOT_COMPARED, "");
        }
        if (run.wholeTable != null) {
            long rows = run.wholeTable.rows();
            return new TableResult(t.fullName(), t.keyColumns(), rows, rows, 1, List.of(), Optional.empty(),
                    TableResult.Method.TABLE_CHECKSUM, "");
        }
        long sourceRows = 0;
        long targetRows = 0;
        List<ChunkDifference> differences = new ArrayList<>();
        List<CompletableFuture<Outcome>> outcomes;
        synchronized (run) {
            outcomes = List.copyOf(run.outcomes);
        }
        for (CompletableFuture<Outcome> f : outcomes) {
            Outcome first = f.join();
            Outcome o = latest.getOrDefault(first.chunk(), first);
            sourceRows += o.source().rows();
            targetRows += o.target().rows();
            if (!o.same()) {
                Map<List<String>, List<Object>> rows = o.differingRows();
                differences.add(new ChunkDifference(t.keyColumns(), text(o.chunk().bounds().after()),
                        text(o.chunk().bounds().upTo()), o.source().rows(), o.target().rows(),
                        rows == null ? -1 : rows.size(), rows == null ? List.of() : sample(rows.keySet())));
            }
        }
        return new TableResult(t.fullName(), t.keyColumns(), sourceRows, targetRows, outcomes.size(),
                differences, Optional.empty(), TableResult.Method.CHUNKS, run.reason);
    }

    /** The first {@link ChunkDifference#MAX_KEYS} keys, in key order where the values are numbers. */
    private static List<List<String>> sample(Set<List<String>> keys) {
        return keys.stream().sorted(KEY_TEXT_ORDER).limit(ChunkDifference.MAX_KEYS).toList();
    }

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

    /** Keys as text, ordered column by column: as numbers where both values are integers. */
    private static final Comparator<List<String>> KEY_TEXT_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            String x = a.get(i);
            String y = b.get(i);
            int c;
            if (INTEGER.matcher(x).matches() && INTEGER.matcher(y).matches()) {
                c = Long.compare(Long.parseLong(x), Long.parseLong(y));
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    static List<String> text(List<Object> key) {
        List<String> out = new ArrayList<>();
        for (Object v : key) {
            out.add(v instanceof byte[] bytes ? "0x" + HexFormat.of().formatHex(bytes) : String.valueOf(v));
        }
        return out;
    }

    private static Map<String, TableSpec> byName(List<TableSpec> tables) {
        Map<String, TableSpec> m = new TreeMap<>();
        tables.forEach(t -> m.put(t.fullName(), t));
        return m;
    }


    private static ThreadFactory threads(String name) {
        return new ThreadFactoryBuilder().threadNamePrefix("opskit-" + name).daemonThreads(true).build();
    }
}
