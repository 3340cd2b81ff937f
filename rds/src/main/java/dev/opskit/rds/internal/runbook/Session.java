package dev.opskit.rds.internal.runbook;

import dev.opskit.core.OpsException;
import dev.opskit.core.WrongStateException;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import dev.opskit.rds.ErrorPolicy;
import dev.opskit.rds.ReplicationError;
import dev.opskit.rds.ReplicationStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running replication, after the runbook: reads status, waits for catch-up while applying the
 * error policy, cuts over and tears down. Owns the two pools.
 */
public final class Session implements AutoCloseable {
    /** Thrown by the error policy's STOP: carries the error; the public layer wraps it. */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final transient ReplicationError error;
        public final transient ReplicationStatus status;

        Stopped(ReplicationError error, ReplicationStatus status) {
            super(error.toString(), null, false, false);
            this.error = error;
            this.status = status;
        }
    }

    private static final Duration LAG_NOTE_INTERVAL = Duration.ofSeconds(1);

    private final Settings settings;
    private final Database source;
    private final Database target;
    private final EngineDialect dialect;
    private final Events events;
    private final Clusters clusters;
    private final BinlogPosition startPosition;
    private final AtomicInteger skipped = new AtomicInteger();
    private volatile boolean verificationOwed;
    private long lastLagNote;
    private volatile boolean closed;

    public Session(Run run) {
        Database[] pools = run.releasePools();
        this.settings = run.settings;
        this.source = pools[0] != null ? pools[0] : run.sourceDb();
        this.target = pools[1] != null ? pools[1] : run.targetDb().orElseThrow();
        this.dialect = EngineDialect.of(run.engine());
        this.events = run.events;
        this.clusters = run.clusters;
        this.startPosition = run.startPosition;
    }

    public Database source() {
        return source;
    }

    public Database target() {
        return target;
    }

    public Events events() {
        return events;
    }

    public BinlogPosition startPosition() {
        return startPosition;
    }

    public int skippedEvents() {
        return skipped.get();
    }

    public boolean verificationOwed() {
        return verificationOwed;
    }

    /** Records a verification; an identical one pays off what skipped events owed. */
    public void verified(boolean identical) {
        if (identical) {
            verificationOwed = false;
        }
    }

    public ReplicationStatus status() {
        List<Map<String, String>> rows = target.rows(dialect.replicaStatusStatement());
        if (rows.isEmpty()) {
            throw new WrongStateException(settings.targetId(), "not replicating", "target '" + settings.targetId()
                    + "' has no replication configured (it was reset or never set); run start() again");
        }
        return ReplicationStatus.fromRow(rows.get(0));
    }

    /** The source's current binlog position ({@code SHOW MASTER STATUS}). */
    public BinlogPosition sourcePosition() {
        var row = source.rows(dialect.sourceStatusStatement());
        if (row.isEmpty()) {
            throw new WrongStateException(settings.sourceId(), "binlog off", "source '" + settings.sourceId()
                    + "' reports no binlog position; is binary logging on? run start() again");
        }
        return BinlogPosition.of(row.get(0).get("File"), Long.parseLong(row.get(0).get("Position")));
    }

    /**
     * Waits until the lag is 0 and the target executed at least the source's position at the
     * start of the wait, applying the error policy on the way.
     */
    public ReplicationStatus awaitCaughtUp(Duration timeout) {
        BinlogPosition goal = sourcePosition();
        long start = System.nanoTime();
        Poller poller = new Poller(Duration.ofMillis(20), Duration.ofSeconds(5), timeout, null);
        return poller.await("lag 0 and executed " + goal, "target '" + settings.targetId() + "'", "replication", () -> {
                    ReplicationStatus s = handleErrors(status());
                    noteLag(s, goal);
                    if (s.isCaughtUp() && s.hasExecuted(goal)) {
                        return Poller.Look.done(s.toString(), s);
                    }
                    return Poller.Look.pending(s.toString());
                });
    }

    /** Applies the error policy to a status: skips what may be skipped, throws {@link Stopped} otherwise. */
    ReplicationStatus handleErrors(ReplicationStatus s) {
        ErrorPolicy policy = settings.errorPolicy();
        for (int guard = 0; guard < 10_000; guard++) {
            if (s.sqlThreadRunning() || s.lastSqlError().isEmpty()) {
                // A retrying IO thread heals from a source that restarts, never from a refused account
                // or a purged binlog: those end the wait now rather than at its timeout.
                Optional<ReplicationError> io = IoThreadErrors.ending(s);
                if (io.isPresent()) {
                    events.warning("replication", settings.targetId(), "IO thread " + ("Connecting".equalsIgnoreCase(
                            s.ioRunning()) ? "retries in vain" : "stopped") + ": " + io.get(),
                            Map.of("errorNumber", io.get().number()));
                    throw new Stopped(io.get(), s);
                }
                return s;
            }
            ReplicationError e = s.lastSqlError().get();
            if (policy.decide(e, skipped.get()) != ErrorPolicy.Action.SKIP) {
                events.warning("replication", settings.targetId(), "replication stopped on error " + e.number()
                        + (e.table().map(t -> " on " + t).orElse("")), Map.of("errorNumber", e.number(),
                        "table", e.table().orElse(""), "statement", e.statement().orElse("")));
                throw new Stopped(e, s);
            }
            target.execute(dialect.skipReplicationErrorCall());
            int n = skipped.incrementAndGet();
            verificationOwed = true;
            events.warning("replication", settings.targetId(), "skipped replication event with error " + e.number()
                    + e.table().map(t -> " on " + t).orElse("") + " (" + n + " skipped so far); verify() is owed",
                    Map.of("errorNumber", e.number(), "table", e.table().orElse(""),
                            "statement", e.statement().orElse(""), "message", e.message(), "skipped", n));
            s = status();
        }
        return s;
    }

    private void noteLag(ReplicationStatus s, BinlogPosition goal) {
        long now = System.nanoTime();
        if (now - lastLagNote < LAG_NOTE_INTERVAL.toNanos()) {
            return;
        }
        lastLagNote = now;
        events.note("replication", settings.targetId(), "lag " + (s.secondsBehind().isPresent()
                ? s.secondsBehind().getAsLong() + " s" : "unknown") + ", executed "
                + s.executed().map(Object::toString).orElse("?") + ", goal " + goal,
                Map.of("lagSeconds", s.secondsBehind().isPresent() ? s.secondsBehind().getAsLong() : -1L,
                        "executed", s.executed().map(Object::toString).orElse(""), "goal", goal.toString()));
    }

    /** Waits for lag 0 that stays 0 (source position unchanged and executed), then stops and resets. */
    public BinlogPosition[] cutover(Duration timeout, Duration quiet) {
        long start = System.nanoTime();
        Poller poller = new Poller(Duration.ofMillis(20), Duration.ofSeconds(2), timeout, null);
        BinlogPosition[] last = new BinlogPosition[1];
        long[] stableSince = {0};
        poller.await("lag 0 for " + quiet.toMillis() + " ms with no new source writes",
                "target '" + settings.targetId() + "'", "cutover", () -> {
                    BinlogPosition src = sourcePosition();
                    ReplicationStatus s = handleErrors(status());
                    boolean caught = s.isCaughtUp() && s.hasExecuted(src);
                    if (!caught || !src.equals(last[0])) {
                        last[0] = src;
                        stableSince[0] = caught ? System.nanoTime() : 0;
                        return Poller.Look.pending(s.toString());
                    }
                    if (stableSince[0] != 0 && System.nanoTime() - stableSince[0] >= quiet.toNanos()) {
                        return Poller.Look.done("caught up", s);
                    }
                    if (stableSince[0] == 0) {
                        stableSince[0] = System.nanoTime();
                    }
                    return Poller.Look.pending("caught up, holding");
                });
        target.execute(dialect.stopReplicationCall());
        ReplicationStatus end = status();
        target.execute(dialect.resetExternalSourceCall());
        events.note("cutover", settings.targetId(), "replication stopped and external source reset at " + last[0],
                Map.of("sourcePosition", last[0].toString(), "elapsed", Events.since(start)));
        return new BinlogPosition[] {last[0], end.executed().orElse(last[0])};
    }

    /** Stops replication and resets the external source if configured; optionally deletes the clone. */
    public void teardown(boolean deleteClone) {
        if (!target.rows(dialect.replicaStatusStatement()).isEmpty()) {
            try {
                target.execute(dialect.stopReplicationCall());
            } catch (OpsException e) {
                // Already stopped is fine; reset below still applies.
            }
            target.execute(dialect.resetExternalSourceCall());
        }
        if (deleteClone && settings.cloning()) {
            var c = clusters.cluster(settings.targetId());
            if (c.isPresent()) {
                for (var m : c.get().dbClusterMembers()) {
                    clusters.deleteInstanceUnlessDeleting(m.dbInstanceIdentifier());
                }
                // RDS accepts DeleteDBCluster once every instance is deleting; a refusal (an instance or the
                // cluster still busy with something else) is retried until the deadline, never ignored.
                new Poller(Duration.ofMillis(20), Duration.ofSeconds(5), settings.deadline(), events).await(
                        "DeleteDBCluster accepted", "DB cluster '" + settings.targetId() + "'", "teardown",
                        () -> clusters.deleteClusterIfAllowed(settings.targetId()));
            }
        }
        events.note("teardown", settings.targetId(), "replication reset" + (deleteClone ? ", clone deleted" : ""), Map.of());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        source.close();
        target.close();
    }
}
