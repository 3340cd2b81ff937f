package dev.opskit.rds.event;

import dev.opskit.core.event.OpsEvent;
import dev.opskit.rds.BinlogPosition;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The source binlog position the target's data matches, where replication starts: read from the
 * clone writer's RDS event {@code Binlog position from crash recovery is <file> <position>}, or
 * given with {@code startingAt(...)}.
 *
 * @param time when it happened
 * @param runbookId the runbook run
 * @param step the step ({@code start-position})
 * @param resource the clone writer instance (or the target cluster)
 * @param position the position
 * @param from where it came from, such as {@code the crash-recovery event of orders-next-writer}
 */
public record StartPositionRead(Instant time, String runbookId, String step, String resource, BinlogPosition position,
        String from) implements ReplicationEvent {

    /** Checks the time, position and origin. */
    public StartPositionRead {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(from, "from");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("file", position.file(), "position", position.position(), "from", from);
    }

    @Override
    public String message() {
        return "start position " + position + " (" + from + ")";
    }
}
