package dev.opskit.rds.internal.replication;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.core.WrongStateException;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ReplicationStatus;
import dev.opskit.rds.event.StartPositionRead;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.utils.CompletableFutureUtils;

/**
 * The source binlog position the clone's data matches, from the clone writer's RDS event
 * {@code Binlog position from crash recovery is <file> <position>} (waited for if it is not there
 * yet), or the position given for an existing target. Not needed when the target already
 * replicates from the source (a resumed run).
 */
final class StartPositionStep implements Step {
    private static final String EVENT = "'Binlog position from crash recovery'";

    private final ReplicationRun run;

    StartPositionStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "start-position";
    }

    @Override
    public String resource() {
        return run.settings.cloning() ? run.settings.cloneWriterId() : run.settings.targetId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        if (!run.settings.cloning()) {
            found(ctx, run.settings.startingAt(), "given with startingAt(...)");
            return Observation.noChange("given: " + run.settings.startingAt());
        }
        Optional<String> writer = writerOf();
        // The target is asked whether it already replicates while the writer's events are read.
        Optional<Database> target = run.settings.masterPassword() == null ? Optional.empty() : run.targetDb();
        CompletableFuture<Optional<ReplicationStatus>> status = target.isEmpty() ? null
                : run.async(() -> run.statusOf(target.get()));
        Optional<BinlogPosition> p = writer.isEmpty() ? Optional.empty()
                : run.clusters.startPosition(writer.get(), since());
        if (status != null && run.pointsAtSource(CompletableFutureUtils.joinLikeSync(status))) {
            return Observation.noChange("the target already replicates from the source; no start position needed");
        }
        if (writer.isEmpty()) {
            return Observation.change("clone writer does not exist yet", "read " + EVENT + " from its events");
        }
        if (p.isPresent()) {
            found(ctx, p.get(), "the crash-recovery event of " + writer.get());
            return Observation.noChange(EVENT + " event on '" + writer.get() + "': " + p.get());
        }
        return Observation.change("no crash-recovery event on '" + writer.get() + "' yet", "wait for it");
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        String writer = writerOf().orElseThrow(() -> new WrongStateException(run.settings.targetId(), "no writer",
                "the clone '" + run.settings.targetId() + "' has no writer instance; run again"));
        BinlogPosition p = run.waiter(ctx, "DB instance '" + writer + "'", "event " + EVENT,
                        () -> run.clusters.startPosition(writer, since()))
                .state(e -> e.map(BinlogPosition::toString).orElse("no event yet"))
                .succeedWhen(Optional::isPresent)
                .await().orElseThrow();
        found(ctx, p, "the crash-recovery event of " + writer);
        return "start at " + p;
    }

    private void found(RunContext ctx, BinlogPosition p, String from) {
        run.startPosition = p;
        run.events.publish(new StartPositionRead(run.events.now(), ctx.runbookId(), ctx.step(), resource(), p, from));
    }

    private Optional<String> writerOf() {
        Optional<String> w = run.target().flatMap(Clusters::writer).map(DBClusterMember::dbInstanceIdentifier);
        // The last look may predate the writer (a resumed run): look again before saying there is none.
        return w.isPresent() ? w : run.lookAtTarget().flatMap(Clusters::writer)
                .map(DBClusterMember::dbInstanceIdentifier);
    }

    private Instant since() {
        Instant created = run.target().map(DBCluster::clusterCreateTime).orElse(Instant.now());
        return created.minus(Duration.ofMinutes(5));
    }
}
