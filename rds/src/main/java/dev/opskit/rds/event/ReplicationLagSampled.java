package dev.opskit.rds.event;

import dev.opskit.core.event.OpsEvent;
import dev.opskit.rds.BinlogPosition;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * How far the target is behind, sampled about once a second while a wait for it runs
 * ({@code awaitCaughtUp}).
 *
 * @param time when it was sampled
 * @param runbookId the runbook run that started the replication
 * @param step {@code replication}
 * @param resource the target cluster
 * @param secondsBehind {@code Seconds_Behind_Source}/{@code _Master}, or {@code null} when the
 *     server does not know (its SQL thread is not running)
 * @param executed the source position the target has executed up to, or {@code null} if unknown
 * @param goal the source position the wait waits for
 */
public record ReplicationLagSampled(Instant time, String runbookId, String step, String resource, Long secondsBehind,
        BinlogPosition executed, BinlogPosition goal) implements ReplicationEvent {

    /** Checks the time and the goal. */
    public ReplicationLagSampled {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(goal, "goal");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("lagSeconds", secondsBehind == null ? -1L : secondsBehind,
                "executed", executed == null ? "" : executed.toString(), "goal", goal.toString());
    }

    @Override
    public String message() {
        return "lag " + (secondsBehind == null ? "unknown" : secondsBehind + " s") + ", executed "
                + (executed == null ? "?" : executed) + ", goal " + goal;
    }
}
