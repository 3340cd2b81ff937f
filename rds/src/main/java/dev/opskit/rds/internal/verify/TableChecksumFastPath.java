package dev.opskit.rds.internal.verify;

import static software.amazon.awssdk.utils.CompletableFutureUtils.joinLikeSync;

import dev.opskit.rds.BinlogPosition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first comparison of tables, when both servers report the same version: each table whose
 * definition is the same on both is compared whole with {@code CHECKSUM TABLE ... EXTENDED} and
 * its row count on both servers at once, up to {@code parallelism} tables at a time, largest
 * first. Equal: the table is identical, one whole-table chunk. Anything else sends the table to
 * the {@link ChunkWalk}, which alone decides what is reported as different: this path can only
 * ever say "identical".
 *
 * <p>The source's binlog position is read when the check starts, before each table's checksums
 * and after them: once it has moved, the source is being written, its tables' checksums would
 * differ from a lagging replica's by timing, each failed one paying a whole-table read on both
 * servers for nothing, so the tables not started yet go straight to chunks, whose re-checks
 * handle a live source. At most the tables in flight when the move is seen ({@code parallelism})
 * pay that read. Closing stops its threads.
 */
final class TableChecksumFastPath implements AutoCloseable {
    /** Why the fast path did not decide, as the report says it. */
    static final String CHECKSUMS_OFF = "table checksums turned off";
    static final String CHECKSUMS_DIFFERED = "table checksums differed";
    static final String DEFINITIONS_DIFFER = "table definitions differ, so table checksums cannot be compared";
    static final String NO_CHECKSUM = "CHECKSUM TABLE returned NULL";
    static final String SOURCE_WRITTEN = "source being written, table checksums skipped";

    private final PairedServers servers;
    /** Runs each table's fast path, blocking on the two servers' pools: at most `parallelism` tables at once. */
    private final ExecutorService tables;
    private final AtomicBoolean sourceWritten = new AtomicBoolean();

    TableChecksumFastPath(PairedServers servers, int parallelism) {
        this.servers = servers;
        this.tables = Executors.newFixedThreadPool(parallelism, PairedServers.threads("verify-table-checksum"));
    }

    /** @return why table checksums cannot be compared at all, or null if they can */
    String versionsDiffer() {
        CompletableFuture<String> onTarget = servers.onTarget(servers.target::serverVersion);
        String onSource = servers.source.serverVersion();
        String t = joinLikeSync(onTarget);
        return onSource.equals(t) ? null
                : "server versions differ (source " + onSource + ", target " + t + "), so table checksums cannot be compared";
    }

    /**
     * Starts the fast path of every table, largest first; each one's {@code scanned} completes when
     * it is decided, or when the walk has queued its chunks.
     */
    void start(List<TableRun> runs, Map<String, TableSpec> onTarget, ChunkWalk walk) {
        Optional<BinlogPosition> startPosition = servers.source.binlogPosition();
        List<TableRun> bySize = new ArrayList<>(runs);
        // Largest first, so that the last table to finish is a small one.
        bySize.sort(Comparator.comparingLong((TableRun r) -> r.table.estimatedRows()).reversed());
        for (TableRun run : bySize) {
            TableSpec t = onTarget.get(run.table.fullName());
            tables.execute(() -> compare(run, t, startPosition, walk));
        }
    }

    /**
     * Compares a table whole by {@code CHECKSUM TABLE} and row count, on both servers at once; if
     * anything differs, or cannot be compared, starts the chunked comparison instead.
     * Runs on its own thread and waits for the queries on the two pools.
     */
    private void compare(TableRun run, TableSpec onTarget, Optional<BinlogPosition> start, ChunkWalk walk) {
        try {
            TableSpec s = run.table;
            CompletableFuture<Optional<String>> targetDefinition = servers.onTarget(() -> servers.target.definition(onTarget));
            CompletableFuture<Optional<BinlogPosition>> before = servers.onSource(servers.source::binlogPosition);
            Optional<String> sourceDefinition = joinLikeSync(servers.onSource(() -> servers.source.definition(s)));
            if (moved(start, joinLikeSync(before))) {
                run.reason = SOURCE_WRITTEN;
                walk.start(run, onTarget);
                return;
            }
            if (sourceDefinition.isEmpty() || !sourceDefinition.equals(joinLikeSync(targetDefinition))) {
                run.reason = DEFINITIONS_DIFFER;
                walk.start(run, onTarget);
                return;
            }
            String definition = sourceDefinition.get();
            CompletableFuture<Optional<Checksum>> onTargetSum =
                    servers.onTarget(() -> servers.target.tableChecksum(onTarget, definition));
            Optional<Checksum> a = joinLikeSync(servers.onSource(() -> servers.source.tableChecksum(s, definition)));
            Optional<Checksum> b = joinLikeSync(onTargetSum);
            // for the tables after this one
            moved(start, joinLikeSync(servers.onSource(servers.source::binlogPosition)));
            if (a.isPresent() && a.equals(b)) { // the same count and checksum
                run.reason = "";
                run.wholeTable = a.get();
                run.scanned.complete(null);
                return;
            }
            run.reason = a.isEmpty() || b.isEmpty() ? NO_CHECKSUM : CHECKSUMS_DIFFERED;
            walk.start(run, onTarget);
        } catch (RuntimeException | Error e) {
            run.scanned.completeExceptionally(e);
        }
    }

    /** @return whether the source was seen being written: now, or by another table before */
    private boolean moved(Optional<BinlogPosition> start, Optional<BinlogPosition> now) {
        if (start.isPresent() && !start.equals(now)) {
            sourceWritten.set(true);
        }
        return sourceWritten.get();
    }

    @Override
    public void close() {
        tables.shutdownNow();
    }
}
