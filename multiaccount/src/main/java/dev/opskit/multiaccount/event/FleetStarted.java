package dev.opskit.multiaccount.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A fan-out over accounts and regions started.
 *
 * @param time when
 * @param fleetId the id of this fan-out ({@code fl-} and 8 hex digits)
 * @param accounts how many accounts
 * @param regions how many regions each
 * @param parallelism how many targets run at once at most
 */
public record FleetStarted(Instant time, String fleetId, int accounts, int regions, int parallelism)
        implements MultiAccountEvent {
    /** Checks the time. */
    public FleetStarted {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public String resource() {
        return fleetId;
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("accounts", accounts, "regions", regions, "parallelism", parallelism);
    }

    @Override
    public String message() {
        return "fleet " + fleetId + " started: " + accounts + " accounts x " + regions + " regions, " + parallelism
                + " at once";
    }
}
