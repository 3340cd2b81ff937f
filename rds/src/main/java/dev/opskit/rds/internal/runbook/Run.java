package dev.opskit.rds.internal.runbook;

import dev.opskit.core.Secret;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.ReplicationStatus;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import dev.opskit.rds.internal.jdbc.MysqlUrl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * The state of one run of the replication runbook: settings, what earlier steps found, and the
 * database pools it opened. Steps read and fill it in order.
 */
public final class Run implements AutoCloseable {
    public final Settings settings;
    public final Clusters clusters;
    public final Events events;
    public final Poller poller;

    DBCluster source;
    EngineVersion engine;
    Secret replicationPassword;
    BinlogPosition startPosition;
    /** Where a target the source refuses is pointed at the source again (it executed up to there). */
    BinlogPosition repointAt;
    /** What a step's observe found about the replication user, for its act. */
    boolean userExists;
    boolean userHasGrants;
    boolean userInUse;
    private Database sourceDb;
    private Database targetDb;
    /** The latest look at the target cluster (empty: it did not exist); null until the first look. */
    private volatile Optional<DBCluster> target;
    private volatile boolean targetAnswered;
    /** Observations read once per run, some of them ahead of the step that uses them. */
    private final Map<String, CompletableFuture<?>> once = new ConcurrentHashMap<>();
    private final ExecutorService parallel;

    public Run(Settings settings, Clusters clusters, Events events) {
        this.settings = settings;
        this.clusters = clusters;
        this.events = events;
        boolean local = settings.context() != null && settings.context().endpointOverride()
                .map(u -> u.getHost() != null && MysqlUrl.isLoopback(u.getHost())).orElse(false);
        this.poller = new Poller(pollingFloor(local), Duration.ofSeconds(10), settings.deadline(), events);
        AtomicInteger threads = new AtomicInteger();
        this.parallel = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "opskit-replication-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The shortest delay between two looks: 5 ms against a local emulator, whose transitions last
     * a few hundred milliseconds, so that a wait loses milliseconds and not tens of them; 1 s against
     * a real endpoint, where no RDS transition ends within a second and each call takes tens of
     * milliseconds anyway. Later delays grow with the time waited either way (see {@link Poller}).
     */
    public static Duration pollingFloor(boolean loopbackEndpoint) {
        return loopbackEndpoint ? Duration.ofMillis(5) : Duration.ofSeconds(1);
    }

    /** Runs an independent observation on another thread. */
    public <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, parallel);
    }

    /** The result of {@link #async}, its failure rethrown as it was thrown. */
    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Starts reading an observation now, for a later {@link #once} with the same key. */
    public void prefetch(String key, Supplier<?> read) {
        once.computeIfAbsent(key, k -> async(read));
    }

    /**
     * An observation read once per run (started early by {@link #prefetch}, or read now): for
     * things only this runbook changes between the step that observes and the step that acts.
     */
    @SuppressWarnings("unchecked")
    public <T> T once(String key, Supplier<T> read) {
        CompletableFuture<?> f = once.computeIfAbsent(key, k -> CompletableFuture.completedFuture(read.get()));
        return (T) join(f);
    }

    /** Forgets an observation this run has just changed. */
    public void forget(String key) {
        once.remove(key);
    }

    /** The target cluster as last seen by this run, described now if it was not seen yet. */
    public Optional<DBCluster> target() {
        Optional<DBCluster> t = target;
        return t != null ? t : lookAtTarget();
    }

    /** Describes the target cluster now. */
    public Optional<DBCluster> lookAtTarget() {
        Optional<DBCluster> t = clusters.cluster(settings.targetId());
        target = t;
        return t;
    }

    /** Records what a wait or another step just saw of the target cluster. */
    public void sawTarget(Optional<DBCluster> t) {
        target = t;
    }

    /** Stops the threads of parallel observations once the runbook is over (running ones finish). */
    public void stopParallel() {
        parallel.shutdown();
    }

    public DBCluster source() {
        return source;
    }

    public EngineVersion engine() {
        return engine;
    }

    public Optional<BinlogPosition> startPosition() {
        return Optional.ofNullable(startPosition);
    }

    /** The pool to the source's writer endpoint, opened on first use. */
    public synchronized Database sourceDb() {
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
    public synchronized void reopenSourceDb() {
        if (sourceDb != null) {
            sourceDb.close();
            sourceDb = null;
        }
    }

    /** The pool to the target's writer endpoint, if the target exists, has an endpoint and a writer. */
    public Optional<Database> targetDb() {
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
    public void warmTarget() {
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
    public Optional<ReplicationStatus> targetStatus() {
        Optional<Database> db = targetDb();
        if (db.isEmpty()) {
            return Optional.empty();
        }
        // Until the target has answered once, an unreachable target counts as not replicating.
        if (!targetAnswered && !reachable(db.get())) {
            return Optional.empty();
        }
        targetAnswered = true;
        List<Map<String, String>> rows = db.get().rows(EngineDialect.of(engine).replicaStatusStatement());
        return rows.isEmpty() ? Optional.empty() : Optional.of(ReplicationStatus.fromRow(rows.get(0)));
    }

    /** Whether the target already replicates from this source as the replication user. */
    public boolean targetPointsAtSource() {
        return pointsAtSource(targetStatus());
    }

    /** Whether a target status shows replication from this source as the replication user. */
    public boolean pointsAtSource(Optional<ReplicationStatus> status) {
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

    /** Hands the pools over to a handle (which then closes them), leaving this run without. */
    public synchronized Database[] releasePools() {
        Database[] out = {sourceDb, targetDb};
        sourceDb = null;
        targetDb = null;
        return out;
    }

    public Secret replicationPassword() {
        return replicationPassword;
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
