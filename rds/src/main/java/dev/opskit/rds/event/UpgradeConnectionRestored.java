package dev.opskit.rds.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The reconnecting probe of an in-place upgrade connected again after losing its connection:
 * {@link #window()} is the connection-loss window, first failed probe to first successful one, as
 * {@link dev.opskit.rds.UpgradeConnectionCheck#downtime()} reports it.
 *
 * @param time when the run saw the probe succeed, by the runbook's clock
 * @param runbookId the runbook run
 * @param step the step that saw it
 * @param resource the cluster
 * @param lostAt the first failed probe
 * @param backAt the first successful probe after it
 * @param window {@code backAt - lostAt}
 * @param failedProbes how many probes failed in between
 * @param version what {@code SELECT VERSION()} said when it was back
 */
public record UpgradeConnectionRestored(Instant time, String runbookId, String step, String resource, Instant lostAt,
        Instant backAt, Duration window, int failedProbes, String version) implements UpgradeEvent {

    /** Checks the parts and that the window is the time between them. */
    public UpgradeConnectionRestored {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(lostAt, "lostAt");
        Objects.requireNonNull(backAt, "backAt");
        if (backAt.isBefore(lostAt) || !Duration.between(lostAt, backAt).equals(window)) {
            throw new IllegalArgumentException("the window " + window + " is not the time from " + lostAt + " to "
                    + backAt);
        }
    }

    @Override
    public String message() {
        return String.format("connections to %s back at %s after %d.%03d s (%d failed probes); VERSION() %s",
                resource, backAt, window.toSeconds(), window.toMillisPart(), failedProbes, version);
    }
}
