package dev.opskit.rds.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The source's writer or cluster is not available yet (a reboot RDS has not finished, say, after
 * a run was stopped during it), so the runbook waits for both before it uses the server: a server
 * that restarts may answer with its new settings before RDS is done with it.
 *
 * @param time when it happened
 * @param runbookId the runbook run
 * @param step the step that waits
 * @param resource the writer instance
 * @param cluster the source cluster
 * @param instanceStatus the writer's status as RDS reports it
 * @param clusterStatus the cluster's status
 */
public record SourceSettling(Instant time, String runbookId, String step, String resource, String cluster,
        String instanceStatus, String clusterStatus) implements ReplicationEvent {

    /** Checks the time. */
    public SourceSettling {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("cluster", cluster, "instanceStatus", instanceStatus, "clusterStatus", clusterStatus);
    }

    @Override
    public String message() {
        return "DB instance '" + resource + "' is " + instanceStatus + " and cluster '" + cluster + "' is "
                + clusterStatus + "; waiting for both to be available before using the server";
    }
}
