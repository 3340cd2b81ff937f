package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.event.EventBus;
import dev.opskit.rds.internal.jdbc.ConnectionPool;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import dev.opskit.rds.internal.verify.JdbcChunkSource;
import dev.opskit.rds.internal.verify.JdbcReplicaSync;
import dev.opskit.rds.internal.verify.ReplicaSync;
import dev.opskit.rds.internal.verify.TableDiscovery;
import dev.opskit.rds.internal.verify.TableSpec;
import dev.opskit.rds.internal.verify.Verifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.utils.CompletableFutureUtils;

/**
 * Compares the data of two MySQL-compatible servers, such as an Aurora cluster and its clone, by
 * checksums: every base table of the user schemas, on both servers at once. Only checksums
 * travel, never rows.
 *
 * <p><b>How it decides.</b> Each table is first compared whole, when that can work: if both
 * servers report the same {@code VERSION()} and the table's {@code SHOW CREATE TABLE} is the same
 * on both (the {@code AUTO_INCREMENT} counter aside), {@code CHECKSUM TABLE ... EXTENDED} runs on
 * both servers at once, and counts the rows too (on InnoDB from the checksum's own scan, by the
 * session's {@code Handler_read_rnd_next}; elsewhere by {@code COUNT(*)}). Equal checksums and
 * counts: the table is identical,
 * reported as one whole-table chunk with {@link TableResult.Method#TABLE_CHECKSUM}. The server
 * computes that checksum in C over every row's record, all columns and the null bits, so NULL and
 * the empty string differ; on InnoDB it reads a snapshot and does not block writes. In any other
 * case (different checksums or counts, different versions or definitions, whose checksums are not
 * comparable) the table is compared in chunks as described below, and only the chunks decide what
 * is reported as different: a table checksum can say "identical", never "different". The two
 * checksums are not taken at one binlog position, so on a source being written they differ by
 * timing: once the source's binlog position is seen to move (it is read at the start and around
 * each table's checksums), the tables not started yet go straight to chunks, whose re-checks
 * handle a live source; at most the tables in flight then pay a wasted whole-table read. Turn the
 * table checksums off with {@link #tableChecksums(boolean)}.
 * Which method decided is in each {@link TableResult} and in the {@link VerificationReport#summary()}.
 * Both methods hash to 32 bits (the table checksum sums per-row checksums, a chunk XORs per-row
 * {@code CRC32}s) next to an exact row count: a difference goes unnoticed with a chance of about
 * one in four billion per table or chunk.
 *
 * <p><b>Chunks.</b> A table is checked in primary key ranges of {@link #chunkSize(int) 10,000
 * rows}. Tables without a primary key are compared as a whole. No pass over the key is spent on
 * finding chunk boundaries: when the key's first column is an integer (an {@code AUTO_INCREMENT}
 * id, say), the first chunk's width in key values cuts the rest of the table into ranges that both
 * servers checksum in parallel; other keys are walked on the source by one query per chunk that
 * returns the chunk's checksum and its last key, while the target checksums the previous range. A
 * differing range is reported as the key it starts after and the key it ends at.
 *
 * <p>The source may be live: when the target replicates from it, a range that differs is checked
 * again, row by row where the table has a primary key, once the replica has executed everything
 * the source had written at the first read; a row counts only if it differed in every such
 * re-check ({@link #maxRechecks(int) 3} by default). A row written many times a second differs
 * every time, as the two servers are never read at the same binlog position, so each row that
 * is left is compared once more with the source's copy locked: read with a shared lock ({@code
 * LOCK IN SHARE MODE}, one row per transaction, waiting at most a second for writers that hold
 * it), the source's binlog position read after the lock was granted, the replica waited for up
 * to that position (at most 2 seconds), its copy read and compared, the lock released. Writers
 * of that one row wait meanwhile, for about the replica's lag; nothing else is locked, and a
 * single lock never takes part in a deadlock. Only a row that still differs is reported. Up to
 * 200 rows are confirmed so; more than that is reported as it differed, and once the replica
 * has not caught up with one locked row in time, no further row is locked. Turn it off with
 * {@link #confirmUnderLock(boolean)}, then a row written all the time can be reported; run
 * again, or verify after stopping writes. A table without a primary key is re-checked whole and
 * never locked (a lock on every row could make the server roll back a writer as a deadlock
 * victim): one written all the time can be reported; verify it with its writes paused. The users need {@code SELECT} on the checked schemas
 * (which is all the locked read needs too, on MySQL 5.7, 8.0.22 and later, and MariaDB), and
 * {@code REPLICATION CLIENT} to read binlog and replica positions.
 *
 * <p>In a chunk, each row hashes to {@code CRC32} over its columns joined with {@code '#'}, plus
 * one integer of null flags so that NULL and the empty string differ; a chunk's checksum is the
 * row count and the {@code BIT_XOR} of its rows' hashes, like {@code pt-table-checksum}'s. Values
 * are compared as the server prints them: two FLOAT values that print alike are not told apart.
 *
 * <pre>{@code
 * VerificationReport report = ConsistencyCheck.between(source, clone)
 *         .excludeSchemas("scratch")
 *         .run();
 * System.out.println(report.summary());
 * // IDENTICAL: 4 tables (4 by table checksum, 0 in chunks), 65100 source rows, 4 chunks in 180 ms
 * report.identical();
 * }</pre>
 */
public final class ConsistencyCheck {
    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final Set<String> excluded = new LinkedHashSet<>();
    private int chunkSize = 10_000;
    private int parallelism = 2;
    private int maxRechecks = 3;
    private Duration catchUpTimeout = Duration.ofMinutes(2);
    private boolean tableChecksums = true;
    private boolean confirmUnderLock = true;
    private EventBus events;

    private ConsistencyCheck(DatabaseEndpoint source, DatabaseEndpoint target) {
        this.source = source;
        this.target = target;
    }

    /**
     * Starts a check of {@code target} against {@code source}.
     *
     * @param source the server whose data is the reference
     * @param target the copy to check
     * @return a check with default options; call {@link #run()}
     * @throws InvalidInputException if an endpoint is missing
     */
    public static ConsistencyCheck between(DatabaseEndpoint source, DatabaseEndpoint target) {
        if (source == null || target == null) {
            throw new InvalidInputException(source == null ? "source" : "target", null, "pass both endpoints");
        }
        return new ConsistencyCheck(source, target);
    }

    /**
     * Skips schemas, in addition to {@code mysql}, {@code sys}, {@code information_schema} and
     * {@code performance_schema}, which are always skipped.
     *
     * @param schemas schema names, compared without regard to case
     * @return this check
     */
    public ConsistencyCheck excludeSchemas(String... schemas) {
        if (schemas == null || Arrays.stream(schemas).anyMatch(s -> s == null || s.isBlank())) {
            throw new InvalidInputException("excludeSchemas", Arrays.toString(schemas), "pass non-empty schema names");
        }
        excluded.addAll(Arrays.asList(schemas));
        return this;
    }

    /**
     * Sets how many rows a chunk holds: exactly, when chunks are found by walking the key; on
     * average, when a key starting with an integer column is cut into ranges as wide as its first
     * chunk (keys spread unevenly make some ranges hold more rows, some fewer).
     *
     * @param rows 100 to 1,000,000; default 10,000
     * @return this check
     */
    public ConsistencyCheck chunkSize(int rows) {
        if (rows < 100 || rows > 1_000_000) {
            throw new InvalidInputException("chunkSize", Integer.toString(rows), "use 100 to 1000000 rows");
        }
        this.chunkSize = rows;
        return this;
    }

    /**
     * Sets how many chunk queries run at once on each server. Each one keeps a core of its server
     * busy; the default of 2 was the fastest on a 2-core machine running both servers (4 was about
     * 25% slower there). Raise it for servers with cores to spare, where the check is the only load.
     *
     * @param queries 1 to 16; default 2
     * @return this check
     */
    public ConsistencyCheck parallelism(int queries) {
        if (queries < 1 || queries > 16) {
            throw new InvalidInputException("parallelism", Integer.toString(queries), "use 1 to 16 queries per server");
        }
        this.parallelism = queries;
        return this;
    }

    /**
     * Sets how many times a differing chunk is checked again after the replica caught up.
     *
     * @param times 0 to 10; default 3
     * @return this check
     */
    public ConsistencyCheck maxRechecks(int times) {
        if (times < 0 || times > 10) {
            throw new InvalidInputException("maxRechecks", Integer.toString(times), "use 0 to 10");
        }
        this.maxRechecks = times;
        return this;
    }

    /**
     * Sets how long to wait, per re-check, for the replica to execute up to the source's position.
     *
     * @param timeout positive; default 2 minutes
     * @return this check
     */
    public ConsistencyCheck catchUpTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidInputException("catchUpTimeout", String.valueOf(timeout), "use a positive duration");
        }
        this.catchUpTimeout = timeout;
        return this;
    }

    /**
     * Sets whether each table is first compared whole with {@code CHECKSUM TABLE} (see the class
     * description). Turn it off where most tables are expected to differ, or are being written
     * (each failed table checksum costs one extra read of the table on both servers before the
     * chunks), or to compare every table in chunks.
     *
     * <pre>{@code
     * ConsistencyCheck.between(source, target).tableChecksums(false).run();
     * }</pre>
     *
     * @param on default true
     * @return this check
     */
    public ConsistencyCheck tableChecksums(boolean on) {
        this.tableChecksums = on;
        return this;
    }

    /**
     * Sets whether rows of a replicating target that differed in every re-check are compared once
     * more with the source's copy locked (see the class description): the only way to tell a row
     * written all the time from a real difference, at the cost of holding off that row's writers
     * for about the replica's lag. Turn it off where no lock may be taken on the source.
     *
     * @param on default true
     * @return this check
     */
    public ConsistencyCheck confirmUnderLock(boolean on) {
        this.confirmUnderLock = on;
        return this;
    }

    /**
     * Sets where the check's {@link dev.opskit.core.event.Waiting} events go: one per look at a
     * replicating target while the check waits for it to catch up with the source.
     *
     * @param bus the bus
     * @return this check
     */
    public ConsistencyCheck events(EventBus bus) {
        this.events = Objects.requireNonNull(bus, "bus");
        return this;
    }

    /**
     * Runs the check: table checksums first where they apply, chunks for the rest and for every
     * table whose table checksums differed.
     *
     * @return the report
     * @throws DatabaseException if a server cannot be reached or a query fails
     * @throws dev.opskit.core.WaitTimeoutException if the target replicates but does not catch up
     *     with the source within {@link #catchUpTimeout(Duration)}; its last state is the target's
     *     replication status
     */
    public VerificationReport run() {
        // one connection per concurrent chunk query, and one for discovery, positions and status
        try (ConnectionPool s = ConnectionPool.openAll(source, parallelism + 1, "verify-source");
             ConnectionPool t = ConnectionPool.openAll(target, parallelism + 1, "verify-target")) {
            Set<String> skip = Set.copyOf(excluded);
            // The two servers are read at once, each with its first connection's start-up: all of
            // this is on the critical path before the first checksum.
            CompletableFuture<TargetInfo> targetRead = CompletableFuture.supplyAsync(() -> {
                EngineDialect d = EngineDialect.of(t.version());
                Optional<ReplicationStatus> status = t.replicaStatus(d);
                return new TargetInfo(d, status, TableDiscovery.discover(t, skip));
            });
            EngineDialect sourceDialect = EngineDialect.of(s.version());
            List<TableSpec> onSource = TableDiscovery.discover(s, skip);
            TargetInfo onTarget = CompletableFutureUtils.joinLikeSync(targetRead);
            EngineDialect targetDialect = onTarget.dialect();
            Optional<ReplicationStatus> replica = onTarget.status();
            // Only a running applier will catch up; a stopped or absent one makes the target static.
            ReplicaSync sync = replica.isPresent() && replica.get().sqlThreadRunning()
                    ? JdbcReplicaSync.between(s, sourceDialect, t, targetDialect, catchUpTimeout, events)
                    : ReplicaSync.none();
            Verifier verifier = new Verifier(new JdbcChunkSource(s, sourceDialect), new JdbcChunkSource(t, targetDialect),
                    sync, new Verifier.Options(chunkSize, parallelism, maxRechecks, tableChecksums, confirmUnderLock));
            return verifier.verify(onSource, onTarget.tables());
        }
    }

    /** What the target's first connection reads before the comparison starts. */
    private record TargetInfo(EngineDialect dialect, Optional<ReplicationStatus> status, List<TableSpec> tables) {
    }


    /** @return such as {@code consistency check of admin@clone:3306 against admin@orders:3306 (chunks of 10000 rows, table checksums first)} */
    @Override
    public String toString() {
        return "consistency check of " + target + " against " + source + " (chunks of " + chunkSize + " rows"
                + (tableChecksums ? ", table checksums first)" : ")");
    }
}
