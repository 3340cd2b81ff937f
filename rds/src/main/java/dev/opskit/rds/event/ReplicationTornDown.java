package dev.opskit.rds.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Replication was abandoned ({@code handle.teardown(...)}): stopped and the target's external
 * source reset, and the clone deleted if asked.
 *
 * @param time when it happened
 * @param runbookId the runbook run that started the replication
 * @param step {@code teardown}
 * @param resource the target cluster
 * @param cloneDeleted whether deleting the clone was asked for and started
 */
public record ReplicationTornDown(Instant time, String runbookId, String step, String resource, boolean cloneDeleted)
        implements ReplicationEvent {

    /** Checks the time. */
    public ReplicationTornDown {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("cloneDeleted", cloneDeleted);
    }

    @Override
    public String message() {
        return "replication reset" + (cloneDeleted ? ", clone deleted" : "");
    }
}
