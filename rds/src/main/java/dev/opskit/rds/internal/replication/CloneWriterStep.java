package dev.opskit.rds.internal.replication;

import dev.opskit.core.ConflictException;
import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.core.WrongStateException;
import java.util.Optional;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** A writer instance in the clone ({@code <clone>-writer}), available. */
final class CloneWriterStep implements Step {
    private final ReplicationRun run;

    CloneWriterStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "clone-writer";
    }

    @Override
    public String resource() {
        return run.settings.cloneWriterId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        // The clone step has just seen the clone (available): no need to describe it again.
        Optional<DBCluster> c = run.target();
        Optional<DBClusterMember> w = c.flatMap(Clusters::writer);
        if (w.isEmpty()) {
            return Observation.change("clone has no writer instance", "create writer '" + run.settings.cloneWriterId()
                    + "' (" + run.settings.writerInstanceClass() + ") and wait until available");
        }
        String status = run.clusters.instance(w.get().dbInstanceIdentifier()).map(DBInstance::dbInstanceStatus)
                .orElse("unknown");
        if ("available".equals(status)) {
            return Observation.noChange("writer '" + w.get().dbInstanceIdentifier() + "' is available");
        }
        return Observation.change("writer '" + w.get().dbInstanceIdentifier() + "' is " + status, "wait until available");
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        ReplicationSettings s = run.settings;
        DBCluster c = run.target().orElseThrow(() -> new WrongStateException(s.targetId(), "not found",
                "the clone '" + s.targetId() + "' is gone; run again to clone anew"));
        String writer = Clusters.writer(c).map(DBClusterMember::dbInstanceIdentifier).orElse(null);
        boolean created = false;
        if (writer == null) {
            writer = s.cloneWriterId();
            // Create first and look only if RDS says the id is taken: the usual path makes one call.
            created = run.clusters.createInstanceUnlessExists(writer, s.targetId(), c.engine(),
                    s.writerInstanceClass());
            if (!created) {
                var existing = run.clusters.instance(writer);
                if (existing.isPresent() && !s.targetId().equalsIgnoreCase(existing.get().dbClusterIdentifier())) {
                    throw new ConflictException(writer, "DB instance '" + writer + "' exists in cluster '"
                            + existing.get().dbClusterIdentifier() + "', not in the clone '" + s.targetId()
                            + "'; delete or rename it, or choose another clone id");
                }
            }
        }
        run.warmTarget();
        run.sawTarget(Optional.of(run.waitInstanceAndClusterAvailable(ctx, writer, s.targetId())));
        return (created ? "created writer '" : "writer '") + writer + "' is available";
    }
}
