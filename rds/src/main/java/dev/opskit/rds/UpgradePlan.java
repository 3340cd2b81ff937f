package dev.opskit.rds;

import dev.opskit.core.Plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The pre-check report of an in-place upgrade, made by {@link UpgradeSetup#plan()} without
 * changing anything: the version the cluster would move to, each pre-check passed / warning /
 * failed with its fix, what happens to the parameter groups, and (when every check passes) the
 * runbook's steps and what each would do.
 *
 * <pre>{@code
 * UpgradePlan plan = AuroraUpgrades.inPlace("orders").to("8.0").plan();
 * System.out.println(plan);
 * if (plan.ready()) { ... }
 * }</pre>
 *
 * @param clusterId the cluster
 * @param currentVersion its engine version now
 * @param targetVersion the version it would be upgraded to (a major such as {@code 8.0} resolved to
 *     the newest valid target)
 * @param checks every pre-check, in order
 * @param parameterGroups what happens to each parameter group (empty if a check failed before they were looked at)
 * @param steps the runbook's dry run, present only when no check failed
 */
public record UpgradePlan(String clusterId, String currentVersion, String targetVersion, List<UpgradeCheck> checks,
        List<UpgradeParameterGroup> parameterGroups, Optional<Plan> steps) {

    /** Checks the parts and copies the lists. */
    public UpgradePlan {
        Objects.requireNonNull(clusterId, "clusterId");
        checks = List.copyOf(checks);
        parameterGroups = List.copyOf(parameterGroups);
        steps = Objects.requireNonNullElse(steps, Optional.empty());
    }

    /** @return true if no check failed: {@link UpgradeSetup#run()} would start the upgrade */
    public boolean ready() {
        return failures().isEmpty();
    }

    /** @return the failed checks */
    public List<UpgradeCheck> failures() {
        return checks.stream().filter(c -> c.status() == UpgradeCheck.Status.FAILED).toList();
    }

    /** @return the warnings */
    public List<UpgradeCheck> warnings() {
        return checks.stream().filter(c -> c.status() == UpgradeCheck.Status.WARNING).toList();
    }

    /**
     * @param name a check's name
     * @return that check, if it was made
     */
    public Optional<UpgradeCheck> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Upgrade of ").append(clusterId).append(" from ").append(currentVersion)
                .append(" to ").append(targetVersion).append(": ")
                .append(ready() ? "ready" : failures().size() + " pre-check(s) failed");
        checks.forEach(c -> b.append("\n  ").append(c));
        parameterGroups.forEach(g -> b.append("\n  ").append(g));
        steps.ifPresent(p -> b.append('\n').append(p));
        return b.toString();
    }
}
