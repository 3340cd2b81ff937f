package dev.opskit.rds.internal.replication;

import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Observation;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.core.WrongStateException;
import dev.opskit.rds.EngineVersion;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.utils.CompletableFutureUtils;

/**
 * The source exists and is Aurora MySQL, the retention is in its range, the target is free (or a
 * clone of this source, or for an existing target: there, Aurora MySQL, with a writer) and the
 * source answers with the master password. Changes nothing, so bad input fails before any change.
 */
final class ValidateStep implements Step {
    private final ReplicationRun run;

    ValidateStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "validate";
    }

    @Override
    public String resource() {
        return run.settings.sourceId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        ReplicationSettings s = run.settings;
        DBCluster src = run.clusters.requireCluster(s.sourceId());
        String engine = src.engine() == null ? "" : src.engine().toLowerCase(Locale.ROOT);
        if (!engine.equals("aurora-mysql") && !engine.equals("aurora")) {
            throw new InvalidInputException("source engine", src.engine(), "DB cluster '" + s.sourceId()
                    + "' is not Aurora MySQL; binlog replication by this runbook needs engine aurora-mysql");
        }
        EngineVersion version = EngineVersion.of(src.engine(), src.engineVersion());
        version.checkBinlogRetentionHours(s.retentionHours());
        if (src.endpoint() == null) {
            throw new WrongStateException(s.sourceId(), src.status(), "DB cluster '" + s.sourceId()
                    + "' has no endpoint yet (status " + src.status() + "); wait until it is available and run again");
        }
        run.source = src;
        run.engine = version;
        if (s.masterPassword() != null && Clusters.writer(src).isPresent()) {
            // No connection to a server that RDS is still restarting (a run killed during the reboot).
            src = run.settledSource(ctx, src);
            run.source = src;
        }
        // Connecting now means a wrong password fails before anything changes; the first connection
        // is made while the target is described.
        CompletableFuture<String> ping = s.masterPassword() == null ? null
                : run.async(() -> run.sourceDb().value("SELECT 1"));
        Optional<DBCluster> target = run.lookAtTarget();
        String targetFound;
        if (s.cloning()) {
            if (target.isPresent() && !Clusters.isCloneOf(target.get(), src)) {
                throw new ConflictException(s.targetId(), "DB cluster '" + s.targetId()
                        + "' exists but is not a clone of '" + s.sourceId() + "' (no " + Clusters.CLONE_OF_TAG
                        + " tag naming it, and clone group " + target.get().cloneGroupId() + " differs from "
                        + src.cloneGroupId() + "); choose another clone id, or delete that cluster");
            }
            targetFound = target.isPresent() ? "clone '" + s.targetId() + "' exists (" + target.get().status() + ")"
                    : "clone id '" + s.targetId() + "' is free";
        } else {
            DBCluster t = target.orElseThrow(() -> new ResourceNotFoundException("DB cluster",
                    s.targetId(), "the target of to(...) must exist; use cloneTo(...) to create one", null));
            if (!"aurora-mysql".equalsIgnoreCase(t.engine()) && !"aurora".equalsIgnoreCase(t.engine())) {
                throw new InvalidInputException("target engine", t.engine(),
                        "DB cluster '" + s.targetId() + "' is not Aurora MySQL");
            }
            if (Clusters.writer(t).isEmpty()) {
                throw new WrongStateException(s.targetId(), t.status(), "DB cluster '" + s.targetId()
                        + "' has no writer instance; add one and run again");
            }
            targetFound = "target '" + s.targetId() + "' exists (" + t.status() + ")";
        }
        if (ping != null) {
            CompletableFutureUtils.joinLikeSync(ping);
        }
        return Observation.noChange("source " + version.describe() + " at " + src.endpoint() + ":" + src.port()
                + ", " + targetFound);
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        return o.found();
    }
}
