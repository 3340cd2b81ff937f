package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Backoff;
import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.WaitTimeoutException;
import dev.opskit.core.Waiter;
import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.UpgradeConnectionCheck;
import dev.opskit.rds.UpgradeException;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code verify}: the reconnect check. Waits for the probe's first {@code SELECT VERSION()} after
 * the upgrade (at most a minute), checks that it reports the target's MySQL series, and records
 * the connection-loss window. Skipped, with a warning, without a master password; nothing to
 * verify while the upgrade waits for its maintenance window.
 */
final class VerifyStep extends UpgradeStep {
    static final String NAME = "verify";
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(60);

    VerifyStep(UpgradeRun run) {
        super(NAME, run);
    }

    @Override
    public Observation observe(RunContext ctx) {
        if (run.scheduled()) {
            return Observation.noChange("nothing to verify before the maintenance window");
        }
        if (run.options().masterPassword() == null) {
            if (!ctx.dryRun()) {
                ctx.warn("no master password given: the reconnect check and VERSION() are skipped");
                run.addWarning("no master password given: the reconnect check and VERSION() were skipped");
            }
            return Observation.noChange("no master password: reconnect check skipped");
        }
        return Observation.change("the cluster is upgraded on the RDS side",
                "confirm SELECT VERSION() reports MySQL " + series() + " over a reconnecting connection");
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        ConnectionWatch watch = run.connection();
        watch.start(ctx, run::describe);
        if (!watch.started()) {
            return "no probe could be started";
        }
        Instant after = ctx.clock().instant();
        Duration timeout = RECONNECT_TIMEOUT.compareTo(run.options().deadline()) < 0 ? RECONNECT_TIMEOUT
                : run.options().deadline();
        ConnectionProbe.Seen s;
        try {
            // The probe looks every probeInterval; looking at what it saw more often would find nothing new.
            s = Waiter.forResource("DB cluster " + run.clusterId() + " endpoint")
                    .waitingFor("a successful SELECT VERSION() after the upgrade")
                    .poll(watch::seen)
                    .state(x -> x.lastSuccess() != null && !x.lastSuccess().isBefore(after)
                            ? "connected, VERSION() " + x.lastVersion() : "not connected")
                    .succeedWhen(x -> x.lastSuccess() != null && !x.lastSuccess().isBefore(after))
                    .deadline(timeout).backoff(Backoff.fixed(run.options().probeInterval()))
                    .clock(ctx.clock()).sleeper(run.sleeper()).events(ctx).await();
        } catch (WaitTimeoutException e) {
            throw new UpgradeException(run.clusterId(), "available", "Could not connect to " + run.clusterId()
                    + " after the upgrade to read VERSION(): " + watch.seen().lastError()
                    + "; check the master password and that this host can reach the cluster endpoint", null);
        } finally {
            watch.publishChanges(ctx);
        }
        String expected = series();
        if (!s.lastVersion().startsWith(expected)) {
            throw new UpgradeException(run.clusterId(), "available", "After the upgrade to " + run.targetVersion()
                    + ", SELECT VERSION() on " + run.clusterId() + " reports " + s.lastVersion() + ", not MySQL "
                    + expected + "; check that the endpoint points at this cluster", null);
        }
        UpgradeConnectionCheck check = new UpgradeConnectionCheck(s.versionBefore(), s.lostAt(), s.backAt(),
                s.lastVersion(), s.lostAt() == null ? 0 : s.failures());
        run.connectionCheck(check);
        return check.toString();
    }

    private String series() {
        return EngineVersion.parse(run.findings().targetVersion()).series();
    }
}
