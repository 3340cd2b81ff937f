package dev.opskit.rds;

import java.time.Instant;
import java.util.Objects;

/**
 * One RDS event of the cluster seen while following an upgrade, e.g.
 * {@code "Upgrade in progress: Upgrading database objects."}. {@link UpgradeResult#rdsEvents()}
 * lists them; while the run follows the upgrade, each is published as a
 * {@link dev.opskit.rds.event.UpgradeRdsEventSeen} event as soon as it is read.
 *
 * @param time when RDS recorded it
 * @param message the event's message, as RDS wrote it
 */
public record UpgradeRdsEvent(Instant time, String message) {

    /** Checks that both parts are given. */
    public UpgradeRdsEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return time + " " + message;
    }
}
