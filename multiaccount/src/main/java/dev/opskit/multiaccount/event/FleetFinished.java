package dev.opskit.multiaccount.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A fan-out finished, or was cancelled.
 *
 * @param time when
 * @param fleetId the fan-out
 * @param succeeded targets that succeeded
 * @param failed targets that failed
 * @param cancelled targets cancelled before they finished
 * @param took the fan-out's wall time
 */
public record FleetFinished(Instant time, String fleetId, int succeeded, int failed, int cancelled, Duration took)
        implements MultiAccountEvent {
    /** Checks the time. */
    public FleetFinished {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public String resource() {
        return fleetId;
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("succeeded", succeeded, "failed", failed, "cancelled", cancelled, "took", took);
    }

    @Override
    public String message() {
        return "fleet " + fleetId + " finished in " + took.toMillis() + " ms: " + succeeded + " succeeded, " + failed
                + " failed" + (cancelled == 0 ? "" : ", " + cancelled + " cancelled");
    }
}
