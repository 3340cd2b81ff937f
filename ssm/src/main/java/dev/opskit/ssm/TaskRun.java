package dev.opskit.ssm;

import java.time.Instant;
import java.util.List;

/**
 * One task within an {@link Execution}.
 *
 * @param id the task execution id
 * @param taskArn the document, runbook, function or state machine
 * @param type the task type as SSM reports it, e.g. RUN_COMMAND
 * @param status the task's status, as for executions
 * @param statusDetails SSM's explanation, or null
 * @param startTime when it started, or null
 * @param endTime when it ended, or null
 * @param invocations one per target it ran on
 */
public record TaskRun(String id, String taskArn, String type, String status, String statusDetails,
        Instant startTime, Instant endTime, List<Invocation> invocations) {
    /** Copies the invocation list. */
    public TaskRun {
        invocations = List.copyOf(invocations);
    }
}
