package dev.opskit.rds.internal.replication;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import java.util.Optional;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * A copy-on-write clone of the source at its latest restorable time, tagged
 * {@code opskit:clone-of=<source>}; an existing clone of it is reused, never duplicated.
 */
final class CloneStep implements Step {
    private final ReplicationRun run;

    CloneStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "clone";
    }

    @Override
    public String resource() {
        return run.settings.targetId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        Optional<DBCluster> c = run.lookAtTarget();
        if (c.isEmpty()) {
            return Observation.change("no cluster '" + run.settings.targetId() + "'",
                    "clone '" + run.settings.sourceId() + "' copy-on-write at its latest restorable time");
        }
        if ("available".equals(c.get().status())) {
            return Observation.noChange("clone '" + run.settings.targetId() + "' exists and is available");
        }
        return Observation.change("clone '" + run.settings.targetId() + "' is " + c.get().status(),
                "wait until it is available");
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        String id = run.settings.targetId();
        boolean created = false;
        if (run.target().isEmpty()) {
            run.clusters.restoreClone(run.settings.sourceId(), id);
            created = true;
        }
        run.sawTarget(Optional.of(run.waitClusterAvailable(ctx, id)));
        return (created ? "cloned '" + run.settings.sourceId() + "' to '" : "reused clone '") + id + "'";
    }
}
