package dev.opskit.rds.event;

import dev.opskit.rds.UpgradeRdsEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * An RDS event of the cluster's upgrade, published as the run reads it from
 * {@code DescribeEvents}, e.g. {@code "Upgrade in progress: Upgrading database objects."}. The
 * same events, in order, are in {@link dev.opskit.rds.UpgradeResult#rdsEvents()}.
 *
 * @param time when the run saw it, by the runbook's clock
 * @param runbookId the runbook run
 * @param step the step that read it
 * @param resource the cluster
 * @param rdsTime when RDS recorded it, by RDS's clock
 * @param rdsMessage the event's message, as RDS wrote it
 */
public record UpgradeRdsEventSeen(Instant time, String runbookId, String step, String resource, Instant rdsTime,
        String rdsMessage) implements UpgradeEvent {

    /** Checks the parts. */
    public UpgradeRdsEventSeen {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(rdsTime, "rdsTime");
        Objects.requireNonNull(rdsMessage, "rdsMessage");
    }

    /** @return the RDS event as {@link dev.opskit.rds.UpgradeResult#rdsEvents()} lists it */
    public UpgradeRdsEvent rdsEvent() {
        return new UpgradeRdsEvent(rdsTime, rdsMessage);
    }

    /** @return an error for the event by which RDS stops an upgrade, else info */
    @Override
    public Severity severity() {
        return rdsEvent().stopsTheUpgrade() ? Severity.ERROR : Severity.INFO;
    }

    /** @return {@code "RDS: "} and the event's message */
    @Override
    public String message() {
        return "RDS: " + rdsMessage;
    }
}
