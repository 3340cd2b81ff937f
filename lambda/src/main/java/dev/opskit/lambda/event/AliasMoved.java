package dev.opskit.lambda.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An alias was created or moved to another version.
 *
 * @param time when
 * @param runbookId the run
 * @param step the step
 * @param resource the function name
 * @param alias the alias name
 * @param fromVersion the version it pointed at, or {@code null} if it was created
 * @param toVersion the version it points at now
 */
public record AliasMoved(Instant time, String runbookId, String step, String resource, String alias,
        String fromVersion, String toVersion) implements LambdaEvent {
    /** Checks the time. */
    public AliasMoved {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("alias", alias, "fromVersion", fromVersion, "toVersion", toVersion);
    }

    @Override
    public String message() {
        return "alias " + alias + " of " + resource + (fromVersion == null ? " created at version " + toVersion
                : " moved from version " + fromVersion + " to " + toVersion);
    }
}
