package dev.opskit.multiaccount.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One account and region of a fan-out finished.
 *
 * @param time when
 * @param fleetId the fan-out
 * @param accountId the account
 * @param region the region
 * @param status {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}
 * @param took how long the target ran
 * @param error the failure's message, or {@code null}
 * @param done targets finished so far, this one included
 * @param total targets in the fan-out
 */
public record FleetTargetFinished(Instant time, String fleetId, String accountId, String region, String status,
        Duration took, String error, int done, int total) implements MultiAccountEvent {
    /** Checks the time. */
    public FleetTargetFinished {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public String resource() {
        return accountId + "/" + region;
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("fleet", fleetId, "status", status, "took", took, "error", error, "done", done,
                "total", total);
    }

    @Override
    public String message() {
        return accountId + " " + region + " " + status.toLowerCase(java.util.Locale.ROOT) + " in " + took.toMillis()
                + " ms (" + done + "/" + total + ")" + (error == null ? "" : ": " + error);
    }
}
