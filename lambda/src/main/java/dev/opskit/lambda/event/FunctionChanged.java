package dev.opskit.lambda.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A function was created, or its code or configuration updated, and Lambda finished the change
 * ({@code State=Active}, {@code LastUpdateStatus=Successful}).
 *
 * @param time when
 * @param runbookId the run
 * @param step the step
 * @param resource the function name
 * @param change {@code "created"}, {@code "code"} or {@code "configuration"}
 * @param detail what changed, e.g. {@code "image sha256:ab12... -> sha256:cd34..."}
 */
public record FunctionChanged(Instant time, String runbookId, String step, String resource, String change,
        String detail) implements LambdaEvent {
    /** Checks the time. */
    public FunctionChanged {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("change", change, "detail", detail);
    }

    @Override
    public String message() {
        return "function " + resource + " " + change + ": " + detail;
    }
}
