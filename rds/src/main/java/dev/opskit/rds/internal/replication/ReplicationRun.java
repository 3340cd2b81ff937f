package dev.opskit.rds.internal.replication;

import dev.opskit.core.Backoff;
import dev.opskit.core.RunContext;
import dev.opskit.core.Runbook;
import dev.opskit.core.Secret;
import dev.opskit.core.Waiter;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.ReplicationStatus;
import dev.opskit.rds.event.SourceSettling;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import dev.opskit.rds.internal.jdbc.MysqlUrl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * The state of one run of the replication runbook: its settings, what earlier steps found, the
 * database pools it opened, and the waits its steps share. Steps read and fill it in order.
 *
 * <p>AWS calls are made on the step's own thread, where they retry until the step's deadline and
 * report their retries to the run's events; the helper threads ({@link #async}) only talk to the
 * databases, in parallel with them.
 */
public final class ReplicationRun implements AutoCloseable {
    final ReplicationSettings settings;
    final Clusters clusters;
    final Events events;
    /** The delays of every wait (see {@link #pollingFloor}). */
    private final Backoff polling;

    DBCluster source;
    EngineVersion engine;
    Secret replicationPassword;
    BinlogPosition startPosition;
    private Database sourceDb;
    private Database targetDb;
    /** The latest look at the target cluster (empty: it did not exist); null until the first look. */
    private volatile Optional<DBCluster> target;
    private volatile boolean targetAnswered;
    private final ExecutorService parallel;

    public ReplicationRun(ReplicationSettings settings, Clusters clusters, Events events) {
        this.settings = settings;
        this.clusters = clusters;
        this.events = events;
        boolean local = settings.context() != null && settings.context().endpointOverride()
                .map(u -> MysqlUrl.isLoopback(u.getHost())).orElse(false);
        this.polling = Backoff.proportional(pollingFloor(local), Duration.ofSeconds(10));
        this.parallel = Executors.newCachedThreadPool(
                new ThreadFactoryBuilder().threadNamePrefix("opskit-replication").daemonThreads(true).build());
    }

    /**
     * The shortest delay between two looks: 5 ms against a local emulator, whose transitions last
     * a few hundred milliseconds, so that a wait loses milliseconds and not tens of them; 1 s against
     * a real endpoint, where no RDS transition ends within a second and each call takes tens of
     * milliseconds anyway. Later delays grow with the time waited either way
     * ({@link Backoff#proportional}), up to 10 s.
     */
    public static Duration pollingFloor(boolean loopbackEndpoint) {
        return loopbackEndpoint ? Duration.ofMillis(5) : Duration.ofSeconds(1);
    }

    /**
     * The core runbook of this run's steps: {@link Steps#of}, with the setup's deadline per step
     * and the run's events and clock. A fresh replication password each run: on resume it is set
     * again unless the target already replicates with the old one.
     */
    public Runbook runbook() {
        replicationPassword = settings.replicationPassword() != null ? settings.replicationPassword()
                : Secret.generate(24);
        Runbook.Builder b = Runbook.named("replicate " + settings.sourceId() + " to " + settings.targetId())
                .resource(settings.sourceId())
                .events(events.bus())
                .clock(settings.clock())
                .stepDeadline(settings.deadline());
        Steps.of(this).forEach(b::step);
        return b.build();
    }

    /** Runs database work on a helper thread, next to the step's own AWS calls. */
    <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, parallel);
    }

    /** A wait of this run: its polling delays and deadline, its Waiting events in the step's name. */
    <T> Waiter.Builder<T> waiter(RunContext ctx, String resource, String condition, Supplier<T> poll) {
        return Waiter.forResource(resource).waitingFor(condition).<T>poll(poll)
                .backoff(polling)
                .deadline(settings.deadline())
                .events(ctx);
    }

    private static String terminalReason(String state) {
        return "it reached '" + state + "', which waiting will not change; fix it and run again";
    }

    /** Waits until a cluster is available; returns it as last seen. */
    DBCluster waitClusterAvailable(RunContext ctx, String id) {
        return waiter(ctx, "DB cluster '" + id + "'", "status available", () -> clusters.cluster(id))
                .state(c -> c.map(DBCluster::status).orElse("not found yet"))
                .failWhen(c -> c.isPresent() && Clusters.terminal(c.get()), c -> terminalReason(c.get().status()))
                .succeedWhen(c -> c.isPresent() && "available".equals(c.get().status()))
                .await().orElseThrow();
    }

    /** Waits until an instance is available. */
    private void waitInstanceAvailable(RunContext ctx, String instance, String cluster) {
        waiter(ctx, "DB instance '" + instance + "' in cluster '" + cluster + "'", "status available",
                () -> clusters.instance(instance))
                .state(i -> i.map(DBInstance::dbInstanceStatus).orElse("not found yet"))
                .failWhen(i -> i.isPresent() && Clusters.terminal(i.get()), i -> terminalReason(i.get().dbInstanceStatus()))
                .succeedWhen(i -> i.isPresent() && "available".equals(i.get().dbInstanceStatus()))
                .await();
    }

    /**
     * Waits until an instance and then its cluster are available (the cluster usually is by then:
     * one look), and returns the cluster as last seen.
     */
    DBCluster waitInstanceAndClusterAvailable(RunContext ctx, String instance, String cluster) {
        waitInstanceAvailable(ctx, instance, cluster);
        return waitClusterAvailable(ctx, cluster);
    }

    /**
     * The source cluster once it and its writer instance are both available: at once when they are,
     * else after waiting. A writer still {@code rebooting} (a run killed during the reboot and
     * started again at once) may already answer over JDBC, with the new settings, while RDS has not
     * finished with it; what the server says is trusted only once RDS says it is done. One look at
     * the instance when all is settled; waits publish events and end at the run's deadline. After a
     * wait the source's pool is opened anew: its connections may predate the server's restart.
     *
     * @param seen the source as this run last described it (its status is the cluster's look)
     */
    DBCluster settledSource(RunContext ctx, DBCluster seen) {
        String instance = Clusters.writer(seen).map(DBClusterMember::dbInstanceIdentifier).orElseThrow();
        String status = clusters.instance(instance).map(DBInstance::dbInstanceStatus).orElse("not found");
        if ("available".equals(status) && "available".equals(seen.status())) {
            return seen;
        }
        events.publish(new SourceSettling(events.now(), ctx.runbookId(), ctx.step(), instance,
                seen.dbClusterIdentifier(), status, seen.status()));
        DBCluster settled = waitInstanceAndClusterAvailable(ctx, instance, seen.dbClusterIdentifier());
        reopenSourceDb();
        return settled;
    }

    /** Stops the helper threads once the runbook is over (running ones finish). */
    public void stopParallel() {
        parallel.shutdown();
    }

    /** The target cluster as last seen by this run, described now if it was not seen yet. */
    Optional<DBCluster> target() {
        Optional<DBCluster> t = target;
        return t != null ? t : lookAtTarget();
    }

    /** Describes the target cluster now. */
    Optional<DBCluster> lookAtTarget() {
        Optional<DBCluster> t = clusters.cluster(settings.targetId());
        target = t;
        return t;
    }

    /** Records what a wait or another step just saw of the target cluster. */
    void sawTarget(Optional<DBCluster> t) {
        target = t;
    }

    EngineDialect dialect() {
        return EngineDialect.of(engine);
    }

    /** The pool to the source's writer endpoint, opened on first use. */
    synchronized Database sourceDb() {
        if (sourceDb == null) {
            sourceDb = new Database("source cluster '" + settings.sourceId() + "'", source.endpoint(), source.port(),
                    source.masterUsername(), settings.masterPassword());
            sourceDb.scrub(replicationPassword);
            sourceDb.scrub(settings.replicationPassword());
        }
        return sourceDb;
    }

    /**
     * Closes the source's pool, if open, so that the next {@link #sourceDb()} connects anew: after
     * the server restarted, a connection used in the last half second is handed out unchecked.
     */
    synchronized void reopenSourceDb() {
        if (sourceDb != null) {
            sourceDb.close();
            sourceDb = null;
        }
    }

    /** The pool to the target's writer endpoint, if the target exists, has an endpoint and a writer. */
    Optional<Database> targetDb() {
        Optional<DBCluster> t = target();
        if (targetDb == null && t.isPresent() && (t.get().endpoint() == null || Clusters.writer(t.get()).isEmpty())) {
            // The last look may be older than the target's writer: look again before saying there is none.
            // (A target not there at all is created only by the clone step, which looks at it itself.)
            t = lookAtTarget();
        }
        if (t.isEmpty() || t.get().endpoint() == null || Clusters.writer(t.get()).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(openTarget(t.get()));
    }

    private synchronized Database openTarget(DBCluster t) {
        if (targetDb == null) {
            // A clone shares the source's master user and password.
            targetDb = new Database("target cluster '" + settings.targetId() + "'", t.endpoint(), t.port(),
                    t.masterUsername() != null ? t.masterUsername() : source.masterUsername(),
                    settings.masterPassword());
            targetDb.scrub(replicationPassword);
            targetDb.scrub(settings.replicationPassword());
        }
        return targetDb;
    }

    /**
     * Opens the target's first connection in the background while its writer is being created, so
     * that the steps after it find the connection made. A failure here is only logged by the pool;
     * the steps that need the target connect again and report it.
     */
    void warmTarget() {
        Optional<DBCluster> t = target;
        if (settings.masterPassword() == null || t == null || t.isEmpty() || t.get().endpoint() == null) {
            return;
        }
        Database db = openTarget(t.get());
        async(() -> {
            try {
                db.value("SELECT 1");
                targetAnswered = true;
            } catch (RuntimeException e) {
                // not up yet: the steps that need it connect again
            }
            return null;
        });
    }

    /** The target's replication status, or empty when it has no replication configured or does not exist. */
    Optional<ReplicationStatus> targetStatus() {
        return targetDb().flatMap(this::statusOf);
    }

    /** The replication status of the target's server, or empty when it has none or cannot be reached yet. */
    Optional<ReplicationStatus> statusOf(Database db) {
        // Until the target has answered once, an unreachable target counts as not replicating.
        if (!targetAnswered && !reachable(db)) {
            return Optional.empty();
        }
        targetAnswered = true;
        List<Map<String, String>> rows = db.rows(dialect().replicaStatusStatement());
        return rows.isEmpty() ? Optional.empty() : Optional.of(ReplicationStatus.fromRow(rows.get(0)));
    }

    /** Whether a target status shows replication from this source as the replication user. */
    boolean pointsAtSource(Optional<ReplicationStatus> status) {
        return status.map(s -> s.sourceHost().equalsIgnoreCase(source.endpoint())
                && s.sourcePort() == source.port() && s.sourceUser().equals(settings.replicationUser()))
                .orElse(false);
    }

    private static boolean reachable(Database db) {
        try {
            db.value("SELECT 1");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Hands the pools over to a session (which then closes them), leaving this run without. */
    synchronized Database[] releasePools() {
        Database[] out = {sourceDb, targetDb};
        sourceDb = null;
        targetDb = null;
        return out;
    }

    @Override
    public synchronized void close() {
        parallel.shutdown();
        if (sourceDb != null) {
            sourceDb.close();
        }
        if (targetDb != null) {
            targetDb.close();
        }
    }
}
