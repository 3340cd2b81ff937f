package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * {@code start upgrade}: {@code ModifyDBCluster} with the target {@code EngineVersion},
 * {@code AllowMajorVersionUpgrade} for a major upgrade, {@code ApplyImmediately} and the new
 * parameter groups. Skipped when the cluster runs the target already, is upgrading (a resumed run
 * follows that upgrade instead of starting another) or has it pending for its maintenance window.
 */
final class StartUpgradeStep extends UpgradeStep {
    static final String NAME = "start upgrade";

    StartUpgradeStep(UpgradeRun run) {
        super(NAME, run);
    }

    @Override
    public Observation observe(RunContext ctx) {
        String target = run.findings().targetVersion();
        DBCluster c = run.describe();
        if (c.engineVersion().equals(target)) {
            return Observation.noChange("the cluster runs " + target + " already");
        }
        if ("upgrading".equals(c.status())) {
            return Observation.noChange("an upgrade is in progress (status upgrading); following it instead of"
                    + " starting another");
        }
        if (!run.options().applyImmediately() && target.equals(UpgradeRun.pendingVersion(c))) {
            return Observation.noChange("the upgrade to " + target + " is pending for the next maintenance window");
        }
        return Observation.change("status " + c.status() + ", version " + c.engineVersion(), modifyText());
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        UpgradePrechecks.Findings f = run.findings();
        // Started before the restart, so that the probe sees the connection go and come back.
        run.connection().start(ctx, run::describe);
        run.events().rememberEarlier();
        boolean applyNow = run.options().applyImmediately();
        String clusterGroup = f.clusterGroupAfter();
        String instanceGroup = f.instanceGroupAfter();
        run.rds().modifyDBCluster(r -> {
            r.dbClusterIdentifier(run.clusterId()).engineVersion(f.targetVersion()).applyImmediately(applyNow);
            if (f.major()) {
                r.allowMajorVersionUpgrade(true);
            }
            if (clusterGroup != null) {
                r.dbClusterParameterGroupName(clusterGroup);
            }
            if (instanceGroup != null) {
                r.dbInstanceParameterGroupName(instanceGroup);
            }
        });
        if (!applyNow) {
            run.markScheduled();
        }
        return "sent " + modifyText();
    }

    private String modifyText() {
        UpgradePrechecks.Findings f = run.findings();
        return "ModifyDBCluster EngineVersion=" + f.targetVersion()
                + (f.major() ? " AllowMajorVersionUpgrade=true" : "")
                + " ApplyImmediately=" + run.options().applyImmediately()
                + (f.clusterGroupAfter() != null ? " DBClusterParameterGroupName=" + f.clusterGroupAfter() : "")
                + (f.instanceGroupAfter() != null ? " DBInstanceParameterGroupName=" + f.instanceGroupAfter() : "");
    }
}
