package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.OpsException;
import dev.opskit.core.WrongStateException;
import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.UpgradeCheck;
import dev.opskit.rds.UpgradeParameterGroup;
import dev.opskit.rds.UpgradeParameterGroup.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.UpgradeTarget;

/**
 * The pre-checks of an in-place upgrade, made before anything changes: the target is a valid
 * upgrade target ({@code 8.0} resolved to the newest one), whether {@code AllowMajorVersionUpgrade}
 * is needed, the cluster available with a writer and nothing else pending, the backtrack caveat,
 * what happens to the parameter groups, the snapshot and the reconnect check. Only reads.
 */
final class UpgradePrechecks {
    private static final Pattern SERIES_ONLY = Pattern.compile("\\d+\\.\\d+");
    private static final Set<String> BUSY = Set.of("modifying", "rebooting", "backing-up", "maintenance",
            "renaming", "resetting-master-credentials", "migrating", "creating");

    /**
     * What the pre-checks found.
     *
     * @param cluster the cluster as described
     * @param fromVersion its engine version
     * @param target the resolved target, or {@code null} if it is not valid
     * @param major whether this is a major version upgrade
     * @param writer the writer instance, or {@code null}
     * @param checks every check made, in order
     * @param groupPlans what happens to each parameter group (empty when resuming or when the target is not valid)
     */
    record Findings(DBCluster cluster, String fromVersion, UpgradeTarget target, boolean major, String writer,
            List<UpgradeCheck> checks, List<UpgradeParameterGroup> groupPlans) {
        Findings {
            checks = List.copyOf(checks);
            groupPlans = List.copyOf(groupPlans);
        }

        boolean passed() {
            return checks.stream().noneMatch(c -> c.status() == UpgradeCheck.Status.FAILED);
        }

        String targetVersion() {
            return target.engineVersion();
        }

        /** @return the cluster parameter group to send with ModifyDBCluster, or {@code null} */
        String clusterGroupAfter() {
            return major ? groupPlans.stream().filter(g -> g.level() == Level.CLUSTER)
                    .map(UpgradeParameterGroup::after).findFirst().orElse(null) : null;
        }

        /** @return the writer's parameter group to send with ModifyDBCluster, or {@code null} */
        String instanceGroupAfter() {
            return groupPlans.stream().filter(g -> g.level() == Level.INSTANCE && g.changes())
                    .map(UpgradeParameterGroup::after).findFirst().orElse(null);
        }

        /** The exception for the failed checks: bad input first, else a wrong state. */
        OpsException failure(String clusterId, String requestedTarget) {
            List<UpgradeCheck> failed = checks.stream().filter(c -> c.status() == UpgradeCheck.Status.FAILED)
                    .toList();
            String text = String.join("; ", failed.stream().map(c -> c.name() + ": " + c.detail() + " (fix: "
                    + c.fix() + ")").toList());
            if (failed.stream().anyMatch(c -> c.name().equals("valid upgrade target"))) {
                return new InvalidInputException("target version", requestedTarget, "pre-check failed for cluster "
                        + clusterId + ", nothing was changed: " + text);
            }
            return new WrongStateException(clusterId, cluster.status(),
                    "The upgrade of " + clusterId + " cannot start, nothing was changed: " + text);
        }
    }

    private final UpgradeRun run;
    private final UpgradeOptions o;

    UpgradePrechecks(UpgradeRun run) {
        this.run = run;
        this.o = run.options();
    }

    /** Describes the cluster and makes every check; changes nothing. */
    Findings run() {
        List<UpgradeCheck> checks = new ArrayList<>();
        DBCluster cluster = run.describe();
        String fromVersion = cluster.engineVersion();
        String status = cluster.status();
        String writer = cluster.dbClusterMembers().stream().filter(m -> Boolean.TRUE.equals(m.isClusterWriter()))
                .map(DBClusterMember::dbInstanceIdentifier).findFirst().orElse(null);
        DBEngineVersion current = run.engineVersion(cluster.engine(), fromVersion).orElseThrow(() ->
                new WrongStateException(o.clusterId(), status, "RDS does not list the cluster's engine version "
                        + fromVersion + " in DescribeDBEngineVersions; it cannot be upgraded in place"));

        UpgradeTarget target = target(cluster, current, checks);
        if (target == null) {
            return new Findings(cluster, fromVersion, null, false, writer, checks, List.of());
        }
        boolean resuming = "upgrading".equals(status) || fromVersion.equals(target.engineVersion());
        boolean major = Boolean.TRUE.equals(target.isMajorVersionUpgrade())
                || (!fromVersion.equals(target.engineVersion()) && isMajor(fromVersion, target.engineVersion()));
        checks.add(major
                ? UpgradeCheck.passed("AllowMajorVersionUpgrade", "a major version upgrade ("
                        + fromVersion + " -> " + target.engineVersion() + "); ModifyDBCluster is sent with"
                        + " AllowMajorVersionUpgrade=true")
                : UpgradeCheck.passed("AllowMajorVersionUpgrade", "a minor version upgrade; the flag is not needed"));

        if ("available".equals(status)) {
            checks.add(UpgradeCheck.passed("cluster available", "status available"));
        } else if (resuming) {
            checks.add(UpgradeCheck.passed("cluster available", "status " + status + ": "
                    + ("upgrading".equals(status) ? "an upgrade is in progress; the run follows it" : "")));
        } else {
            checks.add(UpgradeCheck.failed("cluster available", "status " + status,
                    BUSY.contains(status) ? "wait until the cluster is available and run again"
                            : "the cluster must be available; see its RDS events for why it is " + status));
        }
        String pending = UpgradeRun.pendingVersion(cluster);
        if (pending == null || pending.equals(target.engineVersion())) {
            checks.add(UpgradeCheck.passed("no pending modification", pending == null ? "nothing is pending"
                    : "the upgrade to " + pending + " is already pending; it is applied "
                            + (o.applyImmediately() ? "now" : "in the next maintenance window")));
        } else {
            checks.add(UpgradeCheck.failed("no pending modification", "an upgrade to " + pending
                    + " is pending for the next maintenance window",
                    "apply it or replace it: upgrade to " + pending + " first, or run ModifyDBCluster with"
                            + " EngineVersion=" + fromVersion + " to cancel it"));
        }
        checks.add(writer != null ? UpgradeCheck.passed("writer instance", "writer " + writer)
                : UpgradeCheck.failed("writer instance", "the cluster has no DB instance",
                        "add a writer instance (CreateDBInstance) so that the upgraded cluster can be used"));
        Long backtrack = cluster.backtrackWindow();
        checks.add(backtrack != null && backtrack > 0
                ? UpgradeCheck.warning("backtrack", "backtrack is on (window " + backtrack + " s)",
                        "after the upgrade the cluster cannot be backtracked to a time before it; take a snapshot"
                                + " first (snapshotFirst()) if you may need to go back")
                : UpgradeCheck.passed("backtrack", "backtrack is off"));
        List<UpgradeParameterGroup> groupPlans = new ArrayList<>();
        if (!resuming) {
            checks.add(planGroups(cluster, current, target, major, writer, groupPlans));
        } else {
            checks.add(UpgradeCheck.passed("parameter groups", "the upgrade is in progress or done: its parameter"
                    + " groups were chosen when it started"));
        }
        checks.add(o.snapshotFirst()
                ? UpgradeCheck.passed("snapshot first", "a manual snapshot " + run.snapshotId(target.engineVersion())
                        + " is taken first")
                : UpgradeCheck.passed("snapshot first", "no snapshot requested (snapshotFirst() takes one)"));
        checks.add(o.masterPassword() != null
                ? UpgradeCheck.passed("reconnect check", "a JDBC probe as " + cluster.masterUsername()
                        + " measures the connection-loss window and reads VERSION() afterwards")
                : UpgradeCheck.warning("reconnect check", "no master password given",
                        "pass masterPassword(Secret) to measure the connection-loss window and confirm VERSION()"));
        return new Findings(cluster, fromVersion, target, major, writer, checks, groupPlans);
    }

    /** Resolves and checks the requested target; adds the check, and returns {@code null} if it is not valid. */
    private UpgradeTarget target(DBCluster cluster, DBEngineVersion current, List<UpgradeCheck> checks) {
        String wanted = o.requestedTarget();
        String fromVersion = cluster.engineVersion();
        List<UpgradeTarget> valid = current.validUpgradeTarget();
        String listed = valid.isEmpty() ? "none" : String.join(", ",
                valid.stream().map(UpgradeTarget::engineVersion).toList());
        if (SERIES_ONLY.matcher(wanted).matches() && fromVersion.startsWith(wanted + ".")) {
            // Reached already: running the same upgrade again, say after a crash, must not start another.
            checks.add(UpgradeCheck.passed("valid upgrade target", "the cluster already runs " + wanted + " ("
                    + fromVersion + "); give a full engine version to upgrade within " + wanted));
            return same(cluster);
        }
        if (SERIES_ONLY.matcher(wanted).matches()) {
            Optional<UpgradeTarget> newest = valid.stream()
                    .filter(t -> t.engineVersion().startsWith(wanted + "."))
                    .max(Comparator.comparing(t -> version(t.engineVersion()).orElse(null),
                            Comparator.nullsFirst(Comparator.naturalOrder())));
            UpgradeTarget target;
            if (newest.isEmpty()) {
                checks.add(UpgradeCheck.failed("valid upgrade target", "no version of " + wanted + " is in the"
                        + " ValidUpgradeTarget list of " + fromVersion + " (" + listed + ")",
                        "pick one of the listed targets; some majors need an intermediate minor upgrade first"));
                return null;
            } else {
                target = newest.get();
            }
            checks.add(UpgradeCheck.passed("valid upgrade target", wanted + " resolves to " + target.engineVersion()
                    + ", the newest valid target of " + fromVersion));
            return target;
        }
        if (wanted.equals(fromVersion)) {
            checks.add(UpgradeCheck.passed("valid upgrade target", "the cluster already runs " + wanted));
            return same(cluster);
        }
        if (run.engineVersion(null, wanted).isEmpty()) {
            checks.add(UpgradeCheck.failed("valid upgrade target", "RDS does not know engine version " + wanted,
                    "use a version DescribeDBEngineVersions lists; valid targets of " + fromVersion + ": " + listed));
            return null;
        }
        if (isOlder(wanted, fromVersion)) {
            checks.add(UpgradeCheck.failed("valid upgrade target", wanted + " is older than the cluster's "
                    + fromVersion + ": that is a downgrade",
                    "in-place downgrades are not possible; restore a snapshot taken before the upgrade instead"));
            return null;
        }
        Optional<UpgradeTarget> t = valid.stream().filter(v -> v.engineVersion().equals(wanted)).findFirst();
        if (t.isEmpty()) {
            checks.add(UpgradeCheck.failed("valid upgrade target", wanted + " is not in the ValidUpgradeTarget list"
                    + " of " + fromVersion + " (" + listed + ")", "pick one of the listed targets"));
            return null;
        }
        checks.add(UpgradeCheck.passed("valid upgrade target", wanted + " is in the ValidUpgradeTarget list of "
                + fromVersion));
        return t.get();
    }

    private static UpgradeTarget same(DBCluster cluster) {
        return UpgradeTarget.builder().engine(cluster.engine()).engineVersion(cluster.engineVersion())
                .isMajorVersionUpgrade(false).build();
    }

    /** Plans the cluster's and (for a major upgrade) the writer's parameter group; returns the check. */
    private UpgradeCheck planGroups(DBCluster cluster, DBEngineVersion current, UpgradeTarget target, boolean major,
            String writer, List<UpgradeParameterGroup> groupPlans) {
        String toFamily = run.engineVersion(target.engine(), target.engineVersion())
                .map(DBEngineVersion::dbParameterGroupFamily).orElse(current.dbParameterGroupFamily());
        String fromFamily = current.dbParameterGroupFamily();
        GroupMigration groups = run.groups();
        groupPlans.add(groups.plan(Level.CLUSTER, cluster.dbClusterParameterGroup(), fromFamily, toFamily));
        if (writer != null && major) {
            String instanceGroup = run.rds().describeDBInstances(r -> r.dbInstanceIdentifier(writer)).dbInstances()
                    .get(0).dbParameterGroups().get(0).dbParameterGroupName();
            groupPlans.add(groups.plan(Level.INSTANCE, instanceGroup, fromFamily, toFamily));
        }
        String detail = fromFamily.equals(toFamily) ? "the family stays " + fromFamily
                : "the family changes " + fromFamily + " -> " + toFamily + ": "
                        + String.join("; ", groupPlans.stream().map(UpgradeParameterGroup::toString).toList());
        List<String> dropped = groupPlans.stream().flatMap(g -> g.notCarriedOver().stream()).toList();
        return dropped.isEmpty() ? UpgradeCheck.passed("parameter groups", detail)
                : UpgradeCheck.warning("parameter groups", detail, "the parameters " + dropped + " do not exist in "
                        + toFamily + " and are not carried over; check what replaces them");
    }

    private static boolean isMajor(String from, String to) {
        Optional<EngineVersion> a = version(from);
        Optional<EngineVersion> b = version(to);
        return a.isPresent() && b.isPresent() && a.get().isMajorUpgradeTo(b.get());
    }

    private static boolean isOlder(String wanted, String from) {
        Optional<EngineVersion> a = version(wanted);
        Optional<EngineVersion> b = version(from);
        return a.isPresent() && b.isPresent() && a.get().compareTo(b.get()) < 0;
    }

    /**
     * A version RDS lists, read for ordering; empty if opskit cannot read it, which leaves the
     * decision to RDS's own ValidUpgradeTarget list.
     */
    private static Optional<EngineVersion> version(String text) {
        try {
            return Optional.of(EngineVersion.parse(text));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }
}
