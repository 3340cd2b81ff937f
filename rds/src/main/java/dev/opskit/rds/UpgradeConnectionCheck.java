package dev.opskit.rds;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reconnecting JDBC probe saw during an upgrade: it ran {@code SELECT VERSION()} on the
 * cluster endpoint every few tens of milliseconds, from just before the upgrade until it reconnected
 * after it, and reports when connections were lost and when they came back.
 *
 * <pre>{@code
 * result.connection().ifPresent(c -> System.out.println(c));
 * // connections lost 2024-05-01T10:00:01.200Z, back 2024-05-01T10:00:02.050Z (0.850 s); VERSION() 5.7.12 -> 8.0.28
 * }</pre>
 *
 * @param versionBefore what {@code SELECT VERSION()} said before the upgrade, or {@code null} if the
 *     probe started only after the restart (a resumed run)
 * @param lostAt the first failed probe, or {@code null} if no loss was seen
 * @param backAt the first successful probe after {@code lostAt}, or {@code null} if no loss was seen
 * @param versionAfter what {@code SELECT VERSION()} said once the cluster was on the new version
 * @param failedProbes how many probes failed in between
 */
public record UpgradeConnectionCheck(String versionBefore, Instant lostAt, Instant backAt, String versionAfter,
        int failedProbes) {

    /** Checks that {@code versionAfter} is given and the times come in order. */
    public UpgradeConnectionCheck {
        Objects.requireNonNull(versionAfter, "versionAfter");
        if (lostAt != null && backAt != null && backAt.isBefore(lostAt)) {
            throw new IllegalArgumentException("backAt " + backAt + " is before lostAt " + lostAt);
        }
    }

    /** @return the connection-loss window, first failed probe to first successful one; empty if none was seen */
    public Optional<Duration> downtime() {
        return lostAt == null || backAt == null ? Optional.empty() : Optional.of(Duration.between(lostAt, backAt));
    }

    @Override
    public String toString() {
        String window = downtime().map(d -> "connections lost " + lostAt + ", back " + backAt + " ("
                + String.format("%d.%03d s", d.toSeconds(), d.toMillisPart()) + ", " + failedProbes
                + " failed probes)").orElse("no connection loss seen");
        return window + "; VERSION() " + (versionBefore == null ? "?" : versionBefore) + " -> " + versionAfter;
    }
}
