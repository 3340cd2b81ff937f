package dev.opskit.rds;

import dev.opskit.core.RunbookOutcome;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an in-place upgrade did, returned by {@link UpgradeSetup#run()}.
 *
 * <pre>{@code
 * UpgradeResult r = AuroraUpgrades.inPlace("orders", ctx).to("5.7.mysql_aurora.2.09.1")
 *         .masterPassword(pw).run();
 * System.out.println(r);
 * r.rdsEvents().forEach(System.out::println);
 * r.connection().flatMap(UpgradeConnectionCheck::downtime).ifPresent(d -> System.out.println("down " + d));
 * }</pre>
 *
 * @param clusterId the cluster
 * @param fromVersion its engine version before
 * @param toVersion its engine version now (or, if {@code scheduled}, the version it will get)
 * @param scheduled true if the upgrade was left for the next maintenance window
 * @param parameterGroups what happened to each parameter group
 * @param rdsEvents the cluster's RDS events of this upgrade, in order
 * @param connection what the reconnecting JDBC probe saw; empty without a master password or when scheduled
 * @param warnings caveats from the pre-checks (e.g. backtrack) and the run
 * @param elapsed how long the run took
 * @param outcome each runbook step and what it did
 */
public record UpgradeResult(String clusterId, String fromVersion, String toVersion, boolean scheduled,
        List<UpgradeParameterGroup> parameterGroups, List<UpgradeRdsEvent> rdsEvents,
        Optional<UpgradeConnectionCheck> connection, List<String> warnings, Duration elapsed,
        RunbookOutcome outcome) {

    /** Checks the parts and copies the lists. */
    public UpgradeResult {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(toVersion, "toVersion");
        parameterGroups = List.copyOf(parameterGroups);
        rdsEvents = List.copyOf(rdsEvents);
        connection = Objects.requireNonNullElse(connection, Optional.empty());
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Cluster ").append(clusterId).append(' ')
                .append(scheduled ? "will be upgraded from " + fromVersion + " to " + toVersion
                        + " in its next maintenance window"
                        : "upgraded from " + fromVersion + " to " + toVersion)
                .append(" in ").append(elapsed.toMillis()).append(" ms");
        parameterGroups.forEach(g -> b.append("\n  ").append(g));
        connection.ifPresent(c -> b.append("\n  ").append(c));
        b.append("\n  ").append(rdsEvents.size()).append(" RDS events");
        warnings.forEach(w -> b.append("\n  warning: ").append(w));
        return b.toString();
    }
}
