package dev.opskit.rds.internal.replication;

import dev.opskit.core.ConflictException;
import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.core.WrongStateException;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ReplicationStatus;
import java.util.Optional;

/**
 * Points the target at the source with {@code mysql.rds_set_external_master} (Aurora MySQL 2) or
 * {@code rds_set_external_source} (3), as the replication user, at the start position. A target
 * the source refuses (its password no longer matches) is stopped and pointed again, at the
 * position it executed up to.
 */
final class ExternalSourceStep implements Step {
    private final ReplicationRun run;
    /** Where a target the source refuses is pointed at the source again (it executed up to there). */
    private BinlogPosition repointAt;

    ExternalSourceStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "external-source";
    }

    @Override
    public String resource() {
        return run.settings.targetId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        String src = run.source.endpoint() + ":" + run.source.port();
        String call = run.dialect().setExternalSourceCall();
        repointAt = null;
        if (run.settings.masterPassword() == null) {
            return Observation.change("unknown without masterPassword", call.replace("(?, ?, ?, ?, ?, ?, ?)", "")
                    + " to " + src);
        }
        Optional<ReplicationStatus> st = run.targetStatus();
        if (st.isPresent() && !st.get().sourceHost().isEmpty()) {
            ReplicationStatus s = st.get();
            if (run.pointsAtSource(st) && IoThreadErrors.deniedAccess(s)) {
                // Re-pointed from where it executed: its relay log is dropped and fetched again.
                repointAt = s.executed().orElseThrow(() -> new WrongStateException(run.settings.targetId(),
                        s.toString(), "target '" + run.settings.targetId() + "' is refused by the source and"
                                + " reports no executed position to resume from; teardown(true) and clone anew"));
                return Observation.change("target replicates from " + src + " as " + s.sourceUser()
                        + ", but the source refuses it: " + s.lastIoError().get(), "stop replication and point"
                        + " it at " + src + " again with the replication user's password, at " + repointAt
                        + " where it executed");
            }
            if (run.pointsAtSource(st)) {
                return Observation.noChange("target replicates from " + src + " as " + s.sourceUser());
            }
            throw new ConflictException(run.settings.targetId(), "target '" + run.settings.targetId()
                    + "' already replicates from " + s.sourceHost() + ":" + s.sourcePort() + " as '"
                    + s.sourceUser() + "', not from " + src + " as '" + run.settings.replicationUser()
                    + "'; reset its external source (teardown) or choose another target");
        }
        return Observation.change("target has no external source",
                call.substring(5, call.indexOf('(')) + " to " + src + " at "
                        + (run.startPosition == null ? "the start position" : run.startPosition));
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        Database target = run.targetDb().orElseThrow(() -> new WrongStateException(run.settings.targetId(),
                "no endpoint", "target '" + run.settings.targetId() + "' has no writer endpoint yet; run again"));
        BinlogPosition p = run.startPosition;
        if (repointAt != null) {
            // rds_set_external_master/source refuses a replica whose threads run.
            target.execute(run.dialect().stopReplicationCall());
            p = repointAt;
        }
        target.execute(run.dialect().setExternalSourceCall(), run.source.endpoint(), run.source.port(),
                run.settings.replicationUser(), run.replicationPassword, p.file(), p.position(), 0);
        return "target replicates from " + run.source.endpoint() + ":" + run.source.port() + " at " + p;
    }
}
