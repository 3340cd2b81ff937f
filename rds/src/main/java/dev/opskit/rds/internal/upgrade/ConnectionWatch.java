package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.RunContext;
import dev.opskit.rds.event.UpgradeConnectionLost;
import dev.opskit.rds.event.UpgradeConnectionRestored;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * The reconnecting JDBC probe of one run, started once, just before the run sends ModifyDBCluster
 * or when it resumes following an upgrade, and closed with the run. The steps that wait look at
 * what it saw and publish the connection's loss and return as events, on the runbook's thread.
 */
final class ConnectionWatch implements AutoCloseable {
    private final UpgradeOptions options;
    private final Clock clock;
    private ConnectionProbe probe;
    private boolean lossPublished;
    private boolean returnPublished;

    ConnectionWatch(UpgradeOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    /**
     * Starts the probe unless it runs already, or there is no password, or the upgrade is left
     * for the maintenance window.
     *
     * @param ctx the running step, for a warning if the cluster has no endpoint
     * @param cluster describes the cluster, called only if the probe is to start
     */
    void start(RunContext ctx, Supplier<DBCluster> cluster) {
        if (probe != null || options.masterPassword() == null || !options.applyImmediately()) {
            return;
        }
        DBCluster c = cluster.get();
        if (c.endpoint() == null || c.port() == null) {
            ctx.warn("the cluster has no endpoint yet; the reconnect check is skipped");
            return;
        }
        probe = new ConnectionProbe(c.endpoint(), c.port(), c.masterUsername(), options.masterPassword(),
                options.probeInterval(), clock);
        probe.start();
    }

    /** @return whether the probe runs */
    boolean started() {
        return probe != null;
    }

    /** @return what the probe saw so far; call only once {@link #started()} */
    ConnectionProbe.Seen seen() {
        return probe.seen();
    }

    /** Publishes the loss of the connection, and its return, once each, as soon as a step sees them. */
    void publishChanges(RunContext ctx) {
        if (probe == null) {
            return;
        }
        ConnectionProbe.Seen s = probe.seen();
        if (s.lostAt() != null && !lossPublished) {
            lossPublished = true;
            ctx.events().publish(new UpgradeConnectionLost(ctx.clock().instant(), ctx.runbookId(), ctx.step(),
                    ctx.resource(), s.lostAt(), s.versionBefore(), s.lastError()));
        }
        if (s.backAt() != null && !returnPublished) {
            returnPublished = true;
            ctx.events().publish(new UpgradeConnectionRestored(ctx.clock().instant(), ctx.runbookId(), ctx.step(),
                    ctx.resource(), s.lostAt(), s.backAt(), Duration.between(s.lostAt(), s.backAt()),
                    s.failures(), s.lastVersion()));
        }
    }

    @Override
    public void close() {
        if (probe != null) {
            probe.close();
        }
    }
}
