package dev.opskit.lambda.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An ECR repository was created or one of its settings changed.
 *
 * @param time when
 * @param runbookId the run
 * @param step the step
 * @param resource the repository name
 * @param change what was done, e.g. {@code "created"} or {@code "tag mutability IMMUTABLE"}
 * @param repositoryUri the repository's URI
 */
public record RepositoryChanged(Instant time, String runbookId, String step, String resource, String change,
        String repositoryUri) implements LambdaEvent {
    /** Checks the time. */
    public RepositoryChanged {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("change", change, "repositoryUri", repositoryUri);
    }

    @Override
    public String message() {
        return "repository " + resource + ": " + change;
    }
}
