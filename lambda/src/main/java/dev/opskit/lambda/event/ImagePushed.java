package dev.opskit.lambda.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An image was pushed (or found already pushed with the same digest).
 *
 * @param time when
 * @param runbookId the run
 * @param step the step
 * @param resource the tagged image, {@code host/repository:tag}
 * @param imageUri the image by digest, {@code host/repository@sha256:...}
 * @param digest the manifest digest
 */
public record ImagePushed(Instant time, String runbookId, String step, String resource, String imageUri,
        String digest) implements LambdaEvent {
    /** Checks the time. */
    public ImagePushed {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("imageUri", imageUri, "digest", digest);
    }

    @Override
    public String message() {
        return "pushed " + resource + " as " + digest;
    }
}
