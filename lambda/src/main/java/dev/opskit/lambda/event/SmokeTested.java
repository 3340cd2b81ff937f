package dev.opskit.lambda.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The deploy's smoke test invoked the function.
 *
 * @param time when
 * @param runbookId the run
 * @param step the step
 * @param resource the function name
 * @param qualifier the alias or version invoked
 * @param executedVersion the version that ran
 * @param functionError {@code null} on success, else Lambda's {@code FunctionError} ({@code Unhandled})
 * @param took the invocation's round trip
 */
public record SmokeTested(Instant time, String runbookId, String step, String resource, String qualifier,
        String executedVersion, String functionError, Duration took) implements LambdaEvent {
    /** Checks the time. */
    public SmokeTested {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("qualifier", qualifier, "executedVersion", executedVersion,
                "functionError", functionError, "took", took);
    }

    @Override
    public String message() {
        return "smoke test of " + resource + ":" + qualifier + " (version " + executedVersion + ") "
                + (functionError == null ? "succeeded" : "failed: " + functionError);
    }
}
