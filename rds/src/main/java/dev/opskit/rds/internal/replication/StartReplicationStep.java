package dev.opskit.rds.internal.replication;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.rds.ReplicationStatus;
import java.util.Optional;

/** Starts replication on the target ({@code mysql.rds_start_replication}) unless it runs. */
final class StartReplicationStep implements Step {
    private final ReplicationRun run;

    StartReplicationStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "start-replication";
    }

    @Override
    public String resource() {
        return run.settings.targetId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        if (run.settings.masterPassword() == null) {
            return Observation.change("unknown without masterPassword", "mysql.rds_start_replication");
        }
        Optional<ReplicationStatus> st = run.targetStatus();
        if (st.isPresent() && st.get().isRunning()) {
            return Observation.noChange("replication runs: " + st.get());
        }
        return Observation.change(st.map(Object::toString).orElse("replication not configured yet"),
                "mysql.rds_start_replication");
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        run.targetDb().orElseThrow().execute(run.dialect().startReplicationCall());
        return "replication started";
    }
}
