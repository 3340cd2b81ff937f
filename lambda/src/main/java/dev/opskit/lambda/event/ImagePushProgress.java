package dev.opskit.lambda.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * How far an image build and push has come, as its layers are checked, uploaded and the
 * manifest written; published each time it moves on by at least 5%, and at the end.
 *
 * @param time when
 * @param runbookId the run
 * @param step the step
 * @param resource the target image, {@code host/repository:tag}
 * @param fraction from 0 to 1
 * @param doing what is being done now, e.g. {@code "pushing layer sha256:ab12..."}
 */
public record ImagePushProgress(Instant time, String runbookId, String step, String resource, double fraction,
        String doing) implements LambdaEvent {
    /** Checks the time and the fraction. */
    public ImagePushProgress {
        Objects.requireNonNull(time, "time");
        if (fraction < 0 || fraction > 1.000001) {
            throw new IllegalArgumentException("fraction must be from 0 to 1, got " + fraction);
        }
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("fraction", fraction, "doing", doing);
    }

    @Override
    public String message() {
        return String.format(java.util.Locale.ROOT, "pushing %s: %.0f%% (%s)", resource, fraction * 100, doing);
    }
}
