package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Waiter;
import java.util.Optional;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;

/**
 * {@code snapshot} (with {@code snapshotFirst()} only): a manual cluster snapshot
 * {@code <cluster>-before-<target>}, reused if it exists, awaited until available. Skipped once
 * the upgrade has started: a snapshot then would not show the cluster as it was before.
 */
final class SnapshotStep extends UpgradeStep {
    static final String NAME = "snapshot";

    SnapshotStep(UpgradeRun run) {
        super(NAME, run);
    }

    @Override
    public Observation observe(RunContext ctx) {
        if (run.upgradingOrDone(run.describe())) {
            return Observation.noChange("the upgrade has started already; no snapshot is taken now");
        }
        String id = run.snapshotId();
        Optional<DBClusterSnapshot> s = snapshot();
        if (s.isPresent() && "available".equals(s.get().status())) {
            return Observation.noChange("snapshot " + id + " is available");
        }
        return Observation.change(s.map(x -> "snapshot " + id + " is " + x.status()).orElse("no snapshot " + id),
                "take snapshot " + id + " and wait until available");
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        String id = run.snapshotId();
        if (snapshot().isEmpty()) {
            run.rds().createDBClusterSnapshot(r -> r.dbClusterIdentifier(run.clusterId())
                    .dbClusterSnapshotIdentifier(id));
        }
        Waiter.forResource("DB cluster snapshot " + id).waitingFor("status available")
                .poll(() -> snapshot().map(DBClusterSnapshot::status).orElse("not found yet"))
                .failWhen(s -> s.equals("failed"), s -> "the snapshot failed; see the cluster's RDS events")
                .succeedWhen(s -> s.equals("available"))
                .deadline(run.options().deadline()).clock(ctx.clock()).sleeper(run.sleeper()).events(ctx).await();
        return "took snapshot " + id;
    }

    private Optional<DBClusterSnapshot> snapshot() {
        try {
            return run.rds().describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(run.snapshotId()))
                    .dbClusterSnapshots().stream().findFirst();
        } catch (DbClusterSnapshotNotFoundException e) {
            return Optional.empty();
        }
    }
}
