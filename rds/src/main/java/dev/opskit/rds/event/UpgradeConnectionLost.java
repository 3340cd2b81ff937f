package dev.opskit.rds.event;

import java.time.Instant;
import java.util.Objects;

/**
 * The reconnecting probe of an in-place upgrade lost its connection to the cluster endpoint: the
 * upgrade restarted the server. Published once per run, when the run sees it; an
 * {@link UpgradeConnectionRestored} follows when a probe succeeds again.
 *
 * @param time when the run saw the loss, by the runbook's clock
 * @param runbookId the runbook run
 * @param step the step that saw it
 * @param resource the cluster
 * @param lostAt the first failed probe, by the same clock
 * @param versionBefore what {@code SELECT VERSION()} said before, or {@code null} if the probe
 *     started after the restart
 * @param error the driver's message for the failed probe, or {@code null}
 */
public record UpgradeConnectionLost(Instant time, String runbookId, String step, String resource, Instant lostAt,
        String versionBefore, String error) implements UpgradeEvent {

    /** Checks the parts. */
    public UpgradeConnectionLost {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(lostAt, "lostAt");
    }

    @Override
    public String message() {
        return "connections to " + resource + " lost at " + lostAt + (error == null ? "" : ": " + error);
    }
}
