package dev.opskit.lambda.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A version of the function was published.
 *
 * @param time when
 * @param runbookId the run
 * @param step the step
 * @param resource the function name
 * @param version the version number
 * @param codeSha256 the image digest (hex) it runs
 */
public record VersionPublished(Instant time, String runbookId, String step, String resource, String version,
        String codeSha256) implements LambdaEvent {
    /** Checks the time. */
    public VersionPublished {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("version", version, "codeSha256", codeSha256);
    }

    @Override
    public String message() {
        return "published version " + version + " of " + resource;
    }
}
