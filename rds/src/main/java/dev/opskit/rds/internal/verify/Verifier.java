package dev.opskit.rds.internal.verify;

import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ChunkDifference;
import dev.opskit.rds.TableResult;
import dev.opskit.rds.VerificationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compares tables chunk by chunk. Boundaries are found once, on the source, by walking the
 * primary key {@code chunkSize} rows at a time; each chunk is checksummed on both servers at the
 * same time as soon as its boundary is known, so finding boundaries overlaps with checksumming.
 *
 * <p>With a live source (the target replicates from it) a chunk can differ only because the
 * target has not applied the latest events yet. Differing chunks are therefore checked again:
 * read the source's binlog position (after every first read, so it covers all of them), wait
 * until the replica has executed up to it, and compare again; a chunk is reported only if it
 * still differs after {@code maxRechecks} rounds.
 */
public final class Verifier {
    private final ChunkSource source;
    private final ChunkSource target;
    private final ReplicaSync sync;
    private final int chunkSize;
    private final int parallelism;
    private final int maxRechecks;

    public Verifier(ChunkSource source, ChunkSource target, ReplicaSync sync, int chunkSize, int parallelism,
                    int maxRechecks) {
        this.source = source;
        this.target = target;
        this.sync = sync;
        this.chunkSize = chunkSize;
        this.parallelism = parallelism;
        this.maxRechecks = maxRechecks;
    }

    private record Chunk(TableSpec table, ChunkBounds bounds) {
    }

    private record Outcome(Chunk chunk, Checksum source, Checksum target) {
        boolean same() {
            return source.equals(target);
        }
    }

    /** Per-table state, filled by the planner and the checksum tasks. */
    private static final class TableRun {
        final TableSpec table;
        final List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        String problem;

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
        ExecutorService planners = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, names.size())),
                threads("verify-plan"));
        try {
            List<TableRun> runs = new ArrayList<>();
            List<CompletableFuture<Void>> planning = new ArrayList<>();
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
                } else {
                    planning.add(CompletableFuture.runAsync(() -> plan(run, sourcePool, targetPool), planners));
                }
            }
            join(planning);
            List<Outcome> differing = new ArrayList<>();
            for (TableRun run : runs) {
                for (CompletableFuture<Outcome> f : run.outcomes) {
                    Outcome o = join(f);
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
                    again.add(compare(o.chunk(), sourcePool, targetPool));
                }
                differing = new ArrayList<>();
                for (CompletableFuture<Outcome> f : again) {
                    Outcome o = join(f);
                    latest.put(o.chunk(), o);
                    if (!o.same()) {
                        differing.add(o);
                    }
                }
                position = differing.isEmpty() ? Optional.empty() : sync.sourcePosition();
            }
            List<TableResult> results = new ArrayList<>();
            for (TableRun run : runs) {
                results.add(result(run, latest));
            }
            return new VerificationReport(results, rounds, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            planners.shutdownNow();
            sourcePool.shutdownNow();
            targetPool.shutdownNow();
        }
    }

    /** Walks the key on the source and starts each chunk's comparison as soon as it is known. */
    private void plan(TableRun run, ExecutorService sourcePool, ExecutorService targetPool) {
        TableSpec t = run.table;
        if (!t.hasPrimaryKey()) {
            run.outcomes.add(compare(new Chunk(t, ChunkBounds.WHOLE_TABLE), sourcePool, targetPool));
            return;
        }
        List<Object> lower = List.of();
        while (true) {
            Optional<List<Object>> next = source.keyAfter(t, lower, chunkSize);
            if (next.isEmpty()) {
                run.outcomes.add(compare(new Chunk(t, new ChunkBounds(lower, List.of())), sourcePool, targetPool));
                return;
            }
            run.outcomes.add(compare(new Chunk(t, new ChunkBounds(lower, next.get())), sourcePool, targetPool));
            lower = next.get();
        }
    }

    private CompletableFuture<Outcome> compare(Chunk c, ExecutorService sourcePool, ExecutorService targetPool) {
        CompletableFuture<Checksum> s = CompletableFuture.supplyAsync(() -> source.checksum(c.table(), c.bounds()),
                sourcePool);
        CompletableFuture<Checksum> t = CompletableFuture.supplyAsync(() -> target.checksum(c.table(), c.bounds()),
                targetPool);
        return s.thenCombine(t, (a, b) -> new Outcome(c, a, b));
    }

    private static TableResult result(TableRun run, Map<Chunk, Outcome> latest) {
        TableSpec t = run.table;
        if (run.problem != null) {
            return new TableResult(t.fullName(), t.keyColumns(), 0, 0, 0, List.of(), Optional.of(run.problem));
        }
        long sourceRows = 0;
        long targetRows = 0;
        List<ChunkDifference> differences = new ArrayList<>();
        for (CompletableFuture<Outcome> f : run.outcomes) {
            Outcome first = f.join();
            Outcome o = latest.getOrDefault(first.chunk(), first);
            sourceRows += o.source().rows();
            targetRows += o.target().rows();
            if (!o.same()) {
                differences.add(new ChunkDifference(t.keyColumns(), text(o.chunk().bounds().lower()),
                        text(o.chunk().bounds().upper()), o.source().rows(), o.target().rows()));
            }
        }
        return new TableResult(t.fullName(), t.keyColumns(), sourceRows, targetRows, run.outcomes.size(),
                differences, Optional.empty());
    }

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

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static void join(List<CompletableFuture<Void>> fs) {
        fs.forEach(Verifier::join);
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "opskit-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
