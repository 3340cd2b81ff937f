package dev.opskit.rds.internal.verify;

import static software.amazon.awssdk.utils.CompletableFutureUtils.joinLikeSync;

import dev.opskit.core.InvalidInputException;
import dev.opskit.rds.VerificationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Compares the tables of two servers, in phases:
 * <ol>
 *   <li>pair the tables by name; those missing on one side, or with other columns or keys, are
 *       reported as not compared;</li>
 *   <li>compare the others whole with {@code CHECKSUM TABLE} where that can decide
 *       ({@link TableChecksumFastPath}), else, and wherever it cannot, in chunks
 *       ({@link ChunkWalk}); tables are compared at the same time, up to {@code parallelism}
 *       queries per server ({@link PairedServers});</li>
 *   <li>re-check the chunks that differed once the replica caught up, and confirm rows that
 *       differed every time with the source's copy locked ({@link Rechecks});</li>
 *   <li>report what still differs, row keys included ({@link ReportAssembly}).</li>
 * </ol>
 */
public final class Verifier {
    /**
     * How a check runs; {@code ConsistencyCheck} fills it from its options.
     *
     * @param chunkSize rows per chunk, 1 or more
     * @param parallelism queries at once per server, 1 or more
     * @param maxRechecks re-check rounds of differing chunks, 0 or more
     * @param tableChecksums whether tables are first compared whole with {@code CHECKSUM TABLE}
     * @param confirmUnderLock whether rows that differed in every re-check are read again with the source's copy locked
     */
    public record Options(int chunkSize, int parallelism, int maxRechecks, boolean tableChecksums,
                          boolean confirmUnderLock) {
        /** Checks the counts. */
        public Options {
            if (chunkSize < 1 || parallelism < 1 || maxRechecks < 0) {
                throw new InvalidInputException("options", "chunkSize=" + chunkSize + ", parallelism=" + parallelism
                        + ", maxRechecks=" + maxRechecks, "give a chunk size and parallelism of 1 or more, re-checks of 0 or more");
            }
        }
    }

    private final ChunkSource source;
    private final ChunkSource target;
    private final ReplicaSync sync;
    private final Options options;

    public Verifier(ChunkSource source, ChunkSource target, ReplicaSync sync, Options options) {
        this.source = source;
        this.target = target;
        this.sync = sync;
        this.options = options;
    }

    public VerificationReport verify(List<TableSpec> sourceTables, List<TableSpec> targetTables) {
        long start = System.nanoTime();
        Map<String, TableSpec> onSource = byName(sourceTables);
        Map<String, TableSpec> onTarget = byName(targetTables);
        try (PairedServers servers = new PairedServers(source, target, options.parallelism());
             TableChecksumFastPath fastPath = new TableChecksumFastPath(servers, options.parallelism())) {
            ChunkWalk walk = new ChunkWalk(servers, options.chunkSize());
            String noFastPath = options.tableChecksums() ? fastPath.versionsDiffer() : TableChecksumFastPath.CHECKSUMS_OFF;
            List<TableRun> runs = pair(onSource, onTarget);
            List<TableRun> comparable = runs.stream().filter(r -> r.problem == null).toList();
            if (noFastPath == null) {
                fastPath.start(comparable, onTarget, walk);
            } else {
                for (TableRun run : comparable) {
                    run.reason = noFastPath;
                    walk.start(run, onTarget.get(run.table.fullName()));
                }
            }
            List<ChunkOutcome> differing = firstComparisons(comparable);
            // Chunks are compared by identity: their keys may be byte arrays.
            Map<Chunk, ChunkOutcome> latest = new IdentityHashMap<>();
            Rechecks.Result checked = new Rechecks(servers, sync, options.maxRechecks(), options.confirmUnderLock())
                    .run(differing, latest);
            return new ReportAssembly(servers).assemble(runs, checked, latest, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** One run per table name on either server, with the reason if it cannot be compared. */
    private static List<TableRun> pair(Map<String, TableSpec> onSource, Map<String, TableSpec> onTarget) {
        TreeSet<String> names = new TreeSet<>(onSource.keySet());
        names.addAll(onTarget.keySet());
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
            }
        }
        return runs;
    }

    /** Waits for every table's first comparison; returns the chunks that differed. */
    private static List<ChunkOutcome> firstComparisons(List<TableRun> runs) {
        for (TableRun run : runs) {
            joinLikeSync(run.scanned);
        }
        List<ChunkOutcome> differing = new ArrayList<>();
        for (TableRun run : runs) {
            for (CompletableFuture<ChunkOutcome> f : run.outcomes()) {
                ChunkOutcome o = joinLikeSync(f);
                if (!o.same()) {
                    differing.add(o);
                }
            }
        }
        return differing;
    }

    private static Map<String, TableSpec> byName(List<TableSpec> tables) {
        Map<String, TableSpec> m = new TreeMap<>();
        tables.forEach(t -> m.put(t.fullName(), t));
        return m;
    }
}
