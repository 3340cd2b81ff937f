package dev.opskit.rds.internal.replication;

import dev.opskit.core.Backoff;
import dev.opskit.core.OpsException;
import dev.opskit.core.RetryPolicy;
import dev.opskit.core.Waiter;
import dev.opskit.core.WrongStateException;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ErrorPolicy;
import dev.opskit.rds.ReplicationError;
import dev.opskit.rds.ReplicationStatus;
import dev.opskit.rds.VerificationReport;
import dev.opskit.rds.event.ReplicationCutOver;
import dev.opskit.rds.event.ReplicationErrorSkipped;
import dev.opskit.rds.event.ReplicationLagSampled;
import dev.opskit.rds.event.ReplicationTornDown;
import dev.opskit.rds.event.VerificationFinished;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A running replication, after the runbook: reads status, waits for catch-up while applying the
 * error policy, cuts over and tears down. Owns the two pools. Its events carry the id of the
 * runbook run that started the replication.
 */
public final class ReplicationSession implements AutoCloseable {
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

    private static final Duration LAG_SAMPLE_INTERVAL = Duration.ofSeconds(1);

    private final ReplicationSettings settings;
    private final String runbookId;
    private final Database source;
    private final Database target;
    private final EngineDialect dialect;
    private final Events events;
    private final Clusters clusters;
    private final BinlogPosition startPosition;
    private final AtomicInteger skipped = new AtomicInteger();
    private volatile boolean verificationOwed;
    private long lastLagSample;
    private volatile boolean closed;

    /**
     * @param run the run that set the replication up; its pools move to this session
     * @param runbookId the id of that run
     */
    public ReplicationSession(ReplicationRun run, String runbookId) {
        Database[] pools = run.releasePools();
        this.settings = run.settings;
        this.runbookId = runbookId;
        this.source = pools[0] != null ? pools[0] : run.sourceDb();
        this.target = pools[1] != null ? pools[1] : run.targetDb().orElseThrow();
        this.dialect = run.dialect();
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

    /** Records a verification and publishes it; an identical one pays off what skipped events owed. */
    public void verified(VerificationReport report) {
        if (report.identical()) {
            verificationOwed = false;
        }
        events.publish(VerificationFinished.of(events.now(), runbookId, settings.targetId(), report));
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

    /** A wait of this session on the target, with its Waiting events. */
    private <T> Waiter.Builder<T> waiter(String step, String condition, Duration timeout, Duration cap,
                                         Supplier<T> poll) {
        return Waiter.forResource("target '" + settings.targetId() + "'").waitingFor(condition).<T>poll(poll)
                .backoff(Backoff.proportional(Duration.ofMillis(20), cap))
                .deadline(timeout)
                .events(events.bus(), runbookId, step);
    }

    /**
     * Waits until the lag is 0 and the target executed at least the source's position at the
     * start of the wait, applying the error policy on the way.
     */
    public ReplicationStatus awaitCaughtUp(Duration timeout) {
        BinlogPosition goal = sourcePosition();
        return waiter("replication", "lag 0 and executed " + goal, timeout, Duration.ofSeconds(5), () -> {
                    ReplicationStatus s = handleErrors(status(), "replication");
                    sampleLag(s, goal);
                    return s;
                })
                .succeedWhen(s -> s.isCaughtUp() && s.hasExecuted(goal))
                .await();
    }

    /** Applies the error policy to a status: skips what may be skipped, throws {@link Stopped} otherwise. */
    ReplicationStatus handleErrors(ReplicationStatus s, String step) {
        ErrorPolicy policy = settings.errorPolicy();
        for (int guard = 0; guard < 10_000; guard++) {
            if (s.sqlThreadRunning() || s.lastSqlError().isEmpty()) {
                // A retrying IO thread heals from a source that restarts, never from a refused account
                // or a purged binlog: those end the wait now rather than at its timeout.
                Optional<ReplicationError> io = IoThreadErrors.ending(s);
                if (io.isPresent()) {
                    events.warning(runbookId, step, settings.targetId(), "IO thread " + ("Connecting".equalsIgnoreCase(
                            s.ioRunning()) ? "retries in vain" : "stopped") + ": " + io.get(),
                            Map.of("errorNumber", io.get().number()));
                    throw new Stopped(io.get(), s);
                }
                return s;
            }
            ReplicationError e = s.lastSqlError().get();
            if (policy.decide(e, skipped.get()) != ErrorPolicy.Action.SKIP) {
                events.warning(runbookId, step, settings.targetId(), "replication stopped on error " + e.number()
                        + (e.table().map(t -> " on " + t).orElse("")), Map.of("errorNumber", e.number(),
                        "table", e.table().orElse(""), "statement", e.statement().orElse("")));
                throw new Stopped(e, s);
            }
            target.execute(dialect.skipReplicationErrorCall());
            int n = skipped.incrementAndGet();
            verificationOwed = true;
            events.publish(new ReplicationErrorSkipped(events.now(), runbookId, step, settings.targetId(), e, n));
            s = status();
        }
        return s;
    }

    private void sampleLag(ReplicationStatus s, BinlogPosition goal) {
        long now = System.nanoTime();
        if (lastLagSample != 0 && now - lastLagSample < LAG_SAMPLE_INTERVAL.toNanos()) {
            return;
        }
        lastLagSample = now;
        events.publish(new ReplicationLagSampled(events.now(), runbookId, "replication", settings.targetId(),
                s.secondsBehind().isPresent() ? s.secondsBehind().getAsLong() : null, s.executed().orElse(null), goal));
    }

    /** One look during a cutover: the status, and whether it has been caught up long enough. */
    private record Hold(ReplicationStatus status, String state, boolean done) {
    }

    /** Waits for lag 0 that stays 0 (source position unchanged and executed), then stops and resets. */
    public BinlogPosition[] cutover(Duration timeout, Duration quiet) {
        long start = System.nanoTime();
        BinlogPosition[] last = new BinlogPosition[1];
        long[] stableSince = {0};
        waiter("cutover", "lag 0 for " + quiet.toMillis() + " ms with no new source writes", timeout,
                Duration.ofSeconds(2), () -> {
                    BinlogPosition src = sourcePosition();
                    ReplicationStatus s = handleErrors(status(), "cutover");
                    boolean caught = s.isCaughtUp() && s.hasExecuted(src);
                    if (!caught || !src.equals(last[0])) {
                        last[0] = src;
                        stableSince[0] = caught ? System.nanoTime() : 0;
                        return new Hold(s, s.toString(), false);
                    }
                    if (stableSince[0] != 0 && System.nanoTime() - stableSince[0] >= quiet.toNanos()) {
                        return new Hold(s, "caught up", true);
                    }
                    if (stableSince[0] == 0) {
                        stableSince[0] = System.nanoTime();
                    }
                    return new Hold(s, "caught up, holding", false);
                })
                .state(Hold::state)
                .succeedWhen(Hold::done)
                .await();
        target.execute(dialect.stopReplicationCall());
        ReplicationStatus end = status();
        target.execute(dialect.resetExternalSourceCall());
        BinlogPosition executed = end.executed().orElse(last[0]);
        events.publish(new ReplicationCutOver(events.now(), runbookId, "cutover", settings.targetId(), last[0],
                executed, Duration.ofNanos(System.nanoTime() - start)));
        return new BinlogPosition[] {last[0], executed};
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
        boolean deleting = deleteClone && settings.cloning();
        if (deleting) {
            var c = clusters.cluster(settings.targetId());
            if (c.isPresent()) {
                // Sent again after a server error or a lost answer: a deletion under way is recognised.
                RetryPolicy retries = RetryPolicy.stepDefaults().toBuilder().events(events.bus()).build();
                for (var m : c.get().dbClusterMembers()) {
                    retries.run(() -> clusters.deleteInstanceUnlessDeleting(m.dbInstanceIdentifier()));
                }
                // RDS accepts DeleteDBCluster once every instance is deleting; a refusal (an instance or the
                // cluster still busy with something else) is retried until the deadline, never ignored.
                Waiter.forResource("DB cluster '" + settings.targetId() + "'").waitingFor("DeleteDBCluster accepted")
                        .poll(() -> clusters.deleteClusterIfAllowed(settings.targetId()))
                        .state(Clusters.Deletion::state)
                        .succeedWhen(Clusters.Deletion::accepted)
                        .backoff(Backoff.proportional(Duration.ofMillis(20), Duration.ofSeconds(5)))
                        .deadline(settings.deadline())
                        .events(events.bus(), runbookId, "teardown")
                        .await();
            }
        }
        events.publish(new ReplicationTornDown(events.now(), runbookId, "teardown", settings.targetId(), deleting));
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
