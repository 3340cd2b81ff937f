package dev.opskit.ssm;

import java.time.Instant;
import java.util.Optional;

/**
 * One invocation of a task on one target, with the command's output for RUN_COMMAND tasks.
 *
 * @param id the invocation id
 * @param executionId the Run Command command id (or automation execution id), or null
 * @param windowTargetId the window target it came from, or null
 * @param instanceId the instance it ran on, or null
 * @param status SUCCESS, FAILED, TIMED_OUT, ...
 * @param statusDetails SSM's explanation, or null
 * @param startTime when it started, or null
 * @param endTime when it ended, or null
 * @param output the command's output, for RUN_COMMAND invocations that reached an instance
 */
public record Invocation(String id, String executionId, String windowTargetId, String instanceId, String status,
        String statusDetails, Instant startTime, Instant endTime, Optional<CommandOutput> output) {

    /**
     * What a command printed and how it exited, truncated as SSM does (24,000 characters of
     * stdout, 8,000 of stderr).
     *
     * @param stdout standard output
     * @param stderr standard error
     * @param exitCode the response code, -1 if it did not exit
     * @param status Run Command's status, e.g. Success, Failed, TimedOut
     */
    public record CommandOutput(String stdout, String stderr, int exitCode, String status) {
    }
}
