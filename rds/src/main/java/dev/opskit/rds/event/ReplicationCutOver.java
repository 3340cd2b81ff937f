package dev.opskit.rds.event;

import dev.opskit.core.event.OpsEvent;
import dev.opskit.rds.BinlogPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Replication was cut over: the target caught up and stayed caught up with no new source writes,
 * then replication was stopped and the target's external source reset.
 *
 * @param time when it happened
 * @param runbookId the runbook run that started the replication
 * @param step {@code cutover}
 * @param resource the target cluster
 * @param sourcePosition the source's binlog position at the cutover
 * @param executed the position the target executed up to
 * @param elapsed how long the cutover took
 */
public record ReplicationCutOver(Instant time, String runbookId, String step, String resource,
        BinlogPosition sourcePosition, BinlogPosition executed, Duration elapsed) implements ReplicationEvent {

    /** Checks the time, positions and duration. */
    public ReplicationCutOver {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(sourcePosition, "sourcePosition");
        Objects.requireNonNull(executed, "executed");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("sourcePosition", sourcePosition.toString(), "executed", executed.toString(),
                "elapsed", elapsed);
    }

    @Override
    public String message() {
        return "replication stopped and external source reset at " + sourcePosition;
    }
}
