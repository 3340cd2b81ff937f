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
    /** How RDS begins the event by which it stops an upgrade, e.g. when its pre-checks fail. */
    private static final String STOPPED = "Database cluster is in a state that cannot be upgraded";

    /** Checks that both parts are given. */
    public UpgradeRdsEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(message, "message");
    }

    /**
     * @return true for the event by which RDS stops an upgrade ({@code "Database cluster is in a
     *     state that cannot be upgraded: ..."}), after which the cluster stays on its version
     */
    public boolean stopsTheUpgrade() {
        return message.startsWith(STOPPED);
    }

    @Override
    public String toString() {
        return time + " " + message;
    }
}
