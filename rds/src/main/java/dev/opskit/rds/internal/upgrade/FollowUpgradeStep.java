package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Waiter;
import dev.opskit.rds.UpgradeException;
import dev.opskit.rds.UpgradeRdsEvent;
import dev.opskit.rds.event.UpgradeRdsEventSeen;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * {@code follow upgrade}: waits until the cluster is available on the target, publishing each of
 * the upgrade's RDS events as it appears and the reconnect probe's findings; an event by which RDS
 * stopped the upgrade ends the run with {@link UpgradeException}, carrying the writer's
 * {@code upgrade-prechecks.log}. Nothing to follow while the upgrade waits for the maintenance
 * window, or once the cluster is available on the target.
 */
final class FollowUpgradeStep extends UpgradeStep {
    static final String NAME = "follow upgrade";

    FollowUpgradeStep(UpgradeRun run) {
        super(NAME, run);
    }

    @Override
    public Observation observe(RunContext ctx) {
        String target = run.findings().targetVersion();
        DBCluster c = run.describe();
        if (!run.options().applyImmediately() && !"upgrading".equals(c.status())
                && !c.engineVersion().equals(target)) {
            run.markScheduled();
            return Observation.noChange("the upgrade waits for the next maintenance window ("
                    + c.preferredMaintenanceWindow() + ")");
        }
        if (c.engineVersion().equals(target) && "available".equals(c.status())) {
            run.events().poll();
            run.versionAfter(c.engineVersion());
            return Observation.noChange("the cluster is available on " + target);
        }
        return Observation.change("status " + c.status() + ", version " + c.engineVersion(),
                "follow the upgrade's RDS events until the cluster is available on " + target);
    }

    private record Look(String status, String version) {
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        String target = run.findings().targetVersion();
        run.connection().start(ctx, run::describe);
        Look last = Waiter.forResource("DB cluster " + run.clusterId())
                .waitingFor("status available on " + target)
                .poll(() -> {
                    readEvents(ctx);
                    run.connection().publishChanges(ctx);
                    DBCluster c = run.describe();
                    return new Look(c.status(), c.engineVersion());
                })
                .state(l -> l.status() + " " + l.version())
                .succeedWhen(l -> "available".equals(l.status()) && target.equals(l.version()))
                .deadline(run.options().deadline()).clock(ctx.clock()).sleeper(run.sleeper()).events(ctx).await();
        // Events written just before the cluster turned available.
        readEvents(ctx);
        run.versionAfter(last.version());
        return "the cluster is " + last.status() + " on " + last.version() + " after " + run.events().seen().size()
                + " RDS events";
    }

    /** Publishes the upgrade's new RDS events; throws if one says RDS stopped it. */
    private void readEvents(RunContext ctx) {
        for (UpgradeRdsEvent e : run.events().poll()) {
            ctx.events().publish(new UpgradeRdsEventSeen(ctx.clock().instant(), ctx.runbookId(), ctx.step(),
                    ctx.resource(), e.time(), e.message()));
        }
        UpgradeRdsEvent stop = run.events().stoppedBy().orElse(null);
        if (stop != null) {
            UpgradePrechecks.Findings f = run.findings();
            String log = run.events().prechecksLog(f.writer());
            throw new UpgradeException(run.clusterId(), "available", "The upgrade of " + run.clusterId() + " to "
                    + f.targetVersion() + " was stopped by RDS: " + stop.message()
                    + (log == null ? "" : "\n--- upgrade-prechecks.log of " + f.writer() + " ---\n" + log)
                    + "\nThe cluster stays on " + f.fromVersion() + ". Fix what the log lists and run again.", log);
        }
    }
}
