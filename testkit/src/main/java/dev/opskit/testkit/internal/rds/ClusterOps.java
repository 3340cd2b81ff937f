package dev.opskit.testkit.internal.rds;

import dev.opskit.core.Secret;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbSettings;
import dev.opskit.testkit.internal.rds.EngineCatalog.EngineVersion;
import dev.opskit.testkit.internal.rds.RdsModel.Cluster;
import dev.opskit.testkit.internal.rds.RdsModel.Instance;
import dev.opskit.testkit.internal.rds.RdsModel.MaintenanceWindow;
import dev.opskit.testkit.internal.rds.RdsModel.PendingUpgrade;
import dev.opskit.testkit.internal.rds.RdsModel.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * DB clusters: create, clone, describe, modify (parameter group, engine version, maintenance
 * window) and delete, with RDS's rules and errors. Each cluster is backed by a database server
 * from the data plane, started or copied while it is {@code creating}. Called under the
 * {@link RdsBackend}'s lock.
 */
final class ClusterOps {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterOps.class);
    private static final Pattern MASTER_USER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Set<String> RESERVED_USERS = Set.of("rdsadmin", "rdsrepladmin", "root", "mysql.sys",
            "admin_rds", "rds_superuser_role");

    private final RdsBackend backend;

    ClusterOps(RdsBackend backend) {
        this.backend = backend;
    }

    /**
     * A {@code CreateDBCluster} request.
     *
     * @param backtrackWindow seconds, 0 for off
     * @param window the maintenance window, or null for RDS's default
     */
    record NewCluster(String id, String engine, String engineVersion, String masterUsername, String masterPassword,
            String parameterGroup, String databaseName, boolean deletionProtection, long backtrackWindow,
            MaintenanceWindow window, Map<String, String> tags) {
    }

    /** A {@code RestoreDBClusterToPointInTime} request: a clone when {@code copyOnWrite}. */
    record Restore(String id, String sourceId, boolean copyOnWrite, String parameterGroup, boolean deletionProtection,
            Map<String, String> tags) {
    }

    /** The changes of a {@code ModifyDBCluster} request; null members are not changed. */
    record Changes(String engineVersion, boolean allowMajorVersionUpgrade, boolean applyImmediately,
            String clusterParameterGroup, String instanceParameterGroup, MaintenanceWindow window,
            List<String> unsupported) {
    }

    Cluster create(RdsModel r, NewCluster n) {
        checkEngine(n.engine());
        EngineVersion version = version(n.engine(), n.engineVersion());
        checkMasterUser(n.masterUsername());
        checkPassword(n.masterPassword());
        String groupName = r.clusterGroupFor(n.parameterGroup(), version);
        if (n.databaseName() != null && !DATABASE_NAME.matcher(n.databaseName()).matches()) {
            throw RdsErrors.invalidValue("The parameter DatabaseName must begin with a letter and contain only"
                    + " alphanumeric characters and underscores (at most 64).");
        }
        if (r.clusters.containsKey(n.id())) {
            throw RdsErrors.badRequest(RdsErrors.CLUSTER_ALREADY_EXISTS, "DB Cluster already exists");
        }
        Cluster c = new Cluster(n.id(), "cluster-" + RdsBackend.randomId(), r.now(), n.engine(), version.version(),
                n.masterUsername(), Secret.of(n.masterPassword()), backend.nextServerId(), n.databaseName(),
                n.deletionProtection(), groupName);
        c.backtrackWindow = n.backtrackWindow();
        if (n.window() != null) {
            c.maintenanceWindow = n.window();
        }
        c.tags.putAll(n.tags());
        r.clusters.put(n.id(), c);
        startServer(r, c, backend.timings.clusterCreate());
        return c;
    }

    Cluster restore(RdsModel r, Restore n) {
        Cluster source = r.clusters.get(n.sourceId());
        if (source == null) {
            throw RdsErrors.clusterNotFound(n.sourceId());
        }
        if (!source.status.equals("available") || source.server == null) {
            throw RdsErrors.invalidClusterState("Source DB cluster " + n.sourceId() + " is in state " + source.status
                    + "; it must be available to be restored or cloned. Wait until it is available.");
        }
        EngineVersion version = EngineCatalog.find(source.engine, source.engineVersion).orElseThrow();
        String groupName = r.clusterGroupFor(n.parameterGroup(), version);
        if (r.clusters.containsKey(n.id())) {
            throw RdsErrors.badRequest(RdsErrors.CLUSTER_ALREADY_EXISTS, "DB Cluster already exists");
        }
        Cluster c = new Cluster(n.id(), "cluster-" + RdsBackend.randomId(), r.now(), source.engine,
                source.engineVersion, source.masterUsername, source.masterPassword, backend.nextServerId(),
                source.databaseName, n.deletionProtection(), groupName);
        // As on RDS: a clone has the tags of the request, not the source's.
        c.tags.putAll(n.tags());
        c.cloneSource = source;
        if (n.copyOnWrite()) {
            if (source.cloneGroupId == null) {
                source.cloneGroupId = UUID.randomUUID().toString();
            }
            c.cloneGroupId = source.cloneGroupId;
        }
        r.clusters.put(n.id(), c);
        startServer(r, c, backend.timings.cloneCreate());
        return c;
    }

    /**
     * Starts (or copies) the cluster's server while it is {@code creating}: the copy begins when the
     * request is accepted and runs during the emulated delay, so the cluster becomes available after
     * the longer of the two, as a real clone's copy-on-write setup is part of its creation time.
     */
    private void startServer(RdsModel r, Cluster c, Duration delay) {
        String serverName = backend.serverName(c.id);
        DbSettings settings = new DbSettings(c.engine, c.engineVersion, r.binlogFormatOf(c), c.serverId);
        DbServer source = c.cloneSource == null ? null : c.cloneSource.server;
        backend.transitions.start(r, "db-cluster", c.id, "creating", delay, () -> source == null
                ? backend.databases.start(serverName, settings, c.masterUsername, c.masterPassword.reveal())
                : backend.databases.cloneOf(source, serverName, settings), (server, failure) -> {
                    if (failure != null) {
                        LOG.warn("Could not start the database server of DB cluster {}: {}", c.id, failure.toString());
                        c.status = "failed";
                        r.clusterEvent(c, "DB cluster could not be created: " + failure.getMessage(), "failure");
                        return c.status;
                    }
                    c.server = server;
                    c.status = "available";
                    r.clusterEvent(c, "DB cluster created", "creation");
                    return c.status;
                });
    }

    /** The clusters a {@code DescribeDBClusters} names: one by identifier, or all the filter keeps. */
    List<Cluster> describe(RdsModel r, String id, Predicate<Cluster> filter) {
        List<Cluster> found = RdsModel.oneOrAll(r.clusters, id, RdsErrors::clusterNotFound);
        found.removeIf(filter.negate());
        return found;
    }

    Cluster delete(RdsModel r, String id, boolean skipFinalSnapshot, String finalSnapshot) {
        Cluster c = r.cluster(id);
        if (skipFinalSnapshot && finalSnapshot != null) {
            throw RdsErrors.invalidCombination(
                    "FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot=true.");
        }
        if (!skipFinalSnapshot && finalSnapshot == null) {
            throw RdsErrors.invalidCombination(
                    "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.");
        }
        if (c.deletionProtection) {
            throw RdsErrors.invalidCombination(
                    "Cannot delete protected Cluster, please disable deletion protection and try again.");
        }
        if (!c.status.equals("available") && !c.status.equals("failed")) {
            throw RdsErrors.invalidClusterState("DB cluster " + id + " is in state " + c.status
                    + " and cannot be deleted now; wait until it is available.");
        }
        // RDS refuses only while an instance is not deleting yet; deleting ones finish before the cluster goes.
        if (r.membersOf(c).stream().anyMatch(i -> !i.status.equals("deleting"))) {
            throw RdsErrors.invalidClusterState(
                    "Cluster cannot be deleted, it still contains DB instances in non-deleting state.");
        }
        if (finalSnapshot != null) {
            String snapId = Inputs.name("FinalDBSnapshotIdentifier", finalSnapshot, 255);
            if (r.snapshots.containsKey(snapId)) {
                throw RdsErrors.badRequest(RdsErrors.SNAPSHOT_ALREADY_EXISTS,
                        "Cannot create the cluster snapshot because one with the identifier " + snapId
                                + " already exists.");
            }
            Snapshot s = new Snapshot(snapId, c, r.now(), "manual");
            s.status = "available";
            s.percent = 100;
            r.snapshots.put(snapId, s);
        }
        c.status = "deleting";
        DbServer server = c.server;
        // The server is no use once deletion is accepted: it goes during the emulated delay.
        backend.transitions.start(r, "db-cluster", c.id, "deleting", backend.timings.delete(), () -> {
            if (server != null) {
                server.destroy();
            }
            return server;
        }, (destroyed, failure) -> {
            if (failure != null) {
                LOG.warn("Could not destroy the database server of DB cluster {}: {}", c.id, failure.toString());
            }
            if (!r.membersOf(c).isEmpty()) {
                return null; // the cluster goes after its last (deleting) instance
            }
            r.clusters.remove(c.id, c);
            r.clusterEvent(c, "DB cluster deleted", "deletion");
            return "deleted";
        });
        return c;
    }

    Cluster modify(RdsModel r, String id, Changes changes) {
        Cluster c = r.cluster(id);
        apply(r, c, id, changes);
        // RDS changes the window at once, whatever ApplyImmediately says; a pending upgrade then waits
        // for the new window's next start from now on.
        MaintenanceWindow window = changes.window();
        if (window != null && !window.equals(c.maintenanceWindow)) {
            c.maintenanceWindow = window;
            if (c.pendingUpgrade != null) {
                c.pendingUpgrade = c.pendingUpgrade.since(r.now());
            }
        }
        return c;
    }

    /** Validates and applies every change of a ModifyDBCluster request but the maintenance window. */
    private void apply(RdsModel r, Cluster c, String id, Changes changes) {
        for (String unsupported : changes.unsupported()) {
            throw RdsErrors.invalidCombination("LocalAws does not emulate changing " + unsupported
                    + " with ModifyDBCluster; create a new cluster instead.");
        }
        String targetVersion = changes.engineVersion();
        boolean applyNow = changes.applyImmediately();
        String newGroup = changes.clusterParameterGroup();
        String instanceGroup = changes.instanceParameterGroup();
        if (!c.status.equals("available")) {
            throw RdsErrors.invalidClusterState("DB cluster " + id + " is in state " + c.status
                    + " and cannot be modified now; wait until it is available.");
        }
        EngineVersion current = EngineCatalog.find(c.engine, c.engineVersion).orElseThrow();
        if (targetVersion != null && !targetVersion.equals(c.engineVersion)) {
            EngineVersion target = EngineCatalog.findAnyEngine(targetVersion).orElse(null);
            if (target == null || !EngineCatalog.upgradeTargets(current).contains(target)) {
                throw RdsErrors.invalidCombination("Cannot find upgrade target from " + c.engineVersion
                        + " with requested version " + targetVersion + ".");
            }
            boolean major = target.major() != current.major();
            if (major && !changes.allowMajorVersionUpgrade()) {
                throw RdsErrors.invalidCombination(
                        "The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.");
            }
            if (instanceGroup != null && !major) {
                throw RdsErrors.invalidCombination("The DBInstanceParameterGroupName parameter is only valid"
                        + " for a major version upgrade.");
            }
            String clusterGroup = newGroup != null ? r.clusterGroupFor(newGroup, target)
                    : current.family().equals(target.family()) ? c.parameterGroup : "default." + target.family();
            String memberGroup = instanceGroup != null ? r.instanceGroupFor(instanceGroup, target) : null;
            requireMembersAvailable(r, c);
            if (!applyNow) {
                // As RDS does: the upgrade starts at the next start of the cluster's maintenance window.
                c.pendingUpgrade = new PendingUpgrade(target, major, clusterGroup, memberGroup, r.now());
                return;
            }
            backend.upgrades.start(r, c, target, major, clusterGroup, memberGroup);
            return;
        }
        if (instanceGroup != null) {
            throw RdsErrors.invalidCombination("The DBInstanceParameterGroupName parameter is only valid for a"
                    + " major version upgrade.");
        }
        if (applyNow && c.pendingUpgrade != null) {
            // As RDS does: ApplyImmediately applies the pending modifications with this request's.
            PendingUpgrade p = c.pendingUpgrade;
            String clusterGroup = newGroup != null ? r.clusterGroupFor(newGroup, p.target()) : p.clusterGroup();
            requireMembersAvailable(r, c);
            backend.upgrades.start(r, c, p.target(), p.major(), clusterGroup, p.memberGroup());
            return;
        }
        if (newGroup != null) {
            String groupName = r.clusterGroupFor(newGroup, current);
            if (!groupName.equals(c.parameterGroup)) {
                c.parameterGroup = groupName;
                c.status = "modifying";
                applyGroupChange(r, c, true);
            }
        }
    }

    private static void requireMembersAvailable(RdsModel r, Cluster c) {
        for (Instance i : r.membersOf(c)) {
            if (!i.status.equals("available")) {
                throw RdsErrors.invalidClusterState("Database cluster is in a state that cannot be upgraded: "
                        + "DB instance " + i.id + " is " + i.status + ". Wait until every instance is available.");
            }
        }
    }

    /** Members show {@code applying}, then {@code pending-reboot} (static changes) or {@code in-sync}. */
    void applyGroupChange(RdsModel r, Cluster c, boolean needsReboot) {
        r.membersOf(c).forEach(i -> i.clusterParameterGroupStatus = "applying");
        String from = c.status.equals("modifying") ? "modifying" : null;
        backend.transitions.start(r, "db-cluster", from == null ? null : c.id, from, backend.timings.modify(), null,
                (none, failure) -> {
                    for (Instance i : r.membersOf(c)) {
                        if (i.clusterParameterGroupStatus.equals("applying")) {
                            i.clusterParameterGroupStatus = needsReboot ? "pending-reboot" : "in-sync";
                        }
                    }
                    if (c.status.equals("modifying")) {
                        c.status = "available";
                    }
                    r.clusterEvent(c, "Finished applying modification to DB cluster parameter group",
                            "configuration change");
                    return c.status;
                });
    }

    static void checkEngine(String engine) {
        if (!EngineCatalog.ENGINES.contains(engine)) {
            throw RdsErrors.invalidValue("Invalid DB engine: " + engine
                    + ". LocalAws emulates Aurora MySQL: use aurora-mysql (or aurora for Aurora MySQL 1).");
        }
    }

    private static EngineVersion version(String engine, String requested) {
        if (requested == null) {
            return EngineCatalog.defaultFor(engine);
        }
        return EngineCatalog.find(engine, requested).orElseThrow(() -> RdsErrors.invalidCombination(
                "Cannot find version " + requested + " for " + engine));
    }

    private static void checkMasterUser(String user) {
        if (user == null || user.isEmpty()) {
            throw RdsErrors.invalidValue("The parameter MasterUsername must be provided and must not be blank.");
        }
        if (!MASTER_USER.matcher(user).matches()) {
            throw RdsErrors.invalidValue("The parameter MasterUsername is not a valid identifier: it must begin"
                    + " with a letter and contain 1 to 32 letters, digits or underscores.");
        }
        if (RESERVED_USERS.contains(user.toLowerCase(Locale.ROOT))) {
            throw RdsErrors.invalidValue("MasterUsername " + user
                    + " cannot be used as it is a reserved word used by the engine");
        }
    }

    private static void checkPassword(String password) {
        // The value itself never goes into a message.
        if (password == null || password.isEmpty()) {
            throw RdsErrors.invalidValue("The parameter MasterUserPassword must be provided and must not be blank.");
        }
        if (password.length() < 8) {
            throw RdsErrors.invalidValue("The parameter MasterUserPassword is not a valid password because it is"
                    + " shorter than 8 characters.");
        }
        if (password.length() > 41) {
            throw RdsErrors.invalidValue("The parameter MasterUserPassword is not a valid password because it is"
                    + " longer than 41 characters.");
        }
        for (char ch : password.toCharArray()) {
            if (ch < 33 || ch > 126 || ch == '/' || ch == '@' || ch == '"') {
                throw RdsErrors.invalidValue("The parameter MasterUserPassword is not a valid password. Only "
                        + "printable ASCII characters besides '/', '@', '\"', ' ' may be used.");
            }
        }
    }
}
