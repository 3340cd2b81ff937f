package dev.opskit.testkit.internal.rds;

import dev.opskit.core.Secret;
import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.db.BinlogCoordinates;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbServers;
import dev.opskit.testkit.internal.db.DbSettings;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.QueryRequest;
import dev.opskit.testkit.internal.protocol.QueryService;
import dev.opskit.testkit.internal.protocol.Xml;
import dev.opskit.testkit.internal.rds.EngineCatalog.EngineVersion;
import dev.opskit.testkit.internal.rds.Inputs.Page;
import dev.opskit.testkit.internal.rds.ParameterCatalog.Definition;
import dev.opskit.testkit.internal.rds.Resources.Cluster;
import dev.opskit.testkit.internal.rds.Resources.Event;
import dev.opskit.testkit.internal.rds.Resources.Instance;
import dev.opskit.testkit.internal.rds.Resources.MaintenanceWindow;
import dev.opskit.testkit.internal.rds.Resources.ParamGroup;
import dev.opskit.testkit.internal.rds.Resources.PendingUpgrade;
import dev.opskit.testkit.internal.rds.Resources.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The RDS control plane of LocalAws for Aurora MySQL, over awsQuery: clusters, instances,
 * parameter groups, clones, snapshots, events and engine versions, scoped per account and region.
 * Resources move through RDS's states over time ({@link Timings}); each cluster is backed by a real
 * database server from the data plane, started while the cluster is {@code creating}, restarted
 * when its writer reboots (applying {@code binlog_format}) or its engine version is upgraded, and
 * copied for a clone.
 *
 * <p>State is guarded by this object's monitor. A transition's emulated delay runs on a scheduler
 * and its blocking server work (start, restart, copy) on worker threads at the same time, outside
 * the monitor; the resource reaches its next state when both are over. Daemon threads.
 */
public final class RdsService implements QueryService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RdsService.class);
    static final String NAMESPACE = "http://rds.amazonaws.com/doc/2014-10-31/";

    /** The actions handled, as named in the RDS model. */
    static final Set<String> OPERATIONS = Set.of("CreateDBCluster", "DescribeDBClusters", "DeleteDBCluster",
            "ModifyDBCluster", "RestoreDBClusterToPointInTime", "CreateDBInstance", "DescribeDBInstances",
            "DeleteDBInstance", "RebootDBInstance", "CreateDBClusterParameterGroup",
            "DescribeDBClusterParameterGroups", "DeleteDBClusterParameterGroup", "DescribeDBClusterParameters",
            "ModifyDBClusterParameterGroup", "CreateDBParameterGroup", "DescribeDBParameterGroups",
            "DeleteDBParameterGroup", "DescribeDBParameters", "ModifyDBParameterGroup", "CreateDBClusterSnapshot",
            "DescribeDBClusterSnapshots", "DescribeEvents", "DescribeDBEngineVersions", "DescribeDBLogFiles",
            "DownloadDBLogFilePortion", "ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource");

    private static final Set<String> SOURCE_TYPES = Set.of("db-instance", "db-parameter-group",
            "db-security-group", "db-snapshot", "db-cluster", "db-cluster-snapshot", "custom-engine-version",
            "db-proxy", "blue-green-deployment");
    /** Not in the model's SourceType enum; accepted as a filter for events of cluster parameter groups. */
    private static final String CLUSTER_PG_SOURCE = "db-cluster-parameter-group";
    private static final Pattern INSTANCE_CLASS = Pattern.compile("db\\.[a-z0-9-]+\\.[a-z0-9]+");
    private static final Pattern MASTER_USER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final Set<String> RESERVED_USERS = Set.of("rdsadmin", "rdsrepladmin", "root", "mysql.sys",
            "admin_rds", "rds_superuser_role");
    private static final Duration POLL = Duration.ofMillis(50);
    /** The log Aurora writes on the writer instance for the pre-checks of a major version upgrade. */
    static final String PRECHECKS_LOG = "upgrade-prechecks.log";
    /** The event text Aurora uses when the pre-checks stop a major version upgrade (AWS docs, verbatim). */
    static final String PRECHECKS_FAILED = "Database cluster is in a state that cannot be upgraded: Upgrade prechecks"
            + " failed. For more details, see the upgrade-prechecks.log file. For more information on troubleshooting"
            + " the cause of the upgrade failure, see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
            + "AuroraMySQL.Upgrading.Troubleshooting.html";
    private static final long MAX_BACKTRACK_SECONDS = 259_200;
    private static final java.time.format.DateTimeFormatter SNAPSHOT_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm").withZone(java.time.ZoneOffset.UTC);

    private final Timings timings;
    private final Databases databases;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Resources> scopes = new HashMap<>();
    /** Pre-check logs of upgrades told to fail, by account/region/cluster. */
    private final Map<String, String> failingPrechecks = new HashMap<>();
    private final AtomicInteger serverIds = new AtomicInteger(100);
    private final AtomicInteger serverNames = new AtomicInteger();
    private final Object idleMonitor = new Object();
    /** Runs the real work of transitions (server start, restart, copy) while their emulated delay runs. */
    private final ExecutorService workers;
    private final List<Transition> transitions = new ArrayList<>();
    private int inFlight;

    /**
     * @param timings how long each transition takes
     * @param dbServers the data plane that starts, restarts and clones the database servers
     * @param clock the time events and creation times are stamped with
     */
    public RdsService(Timings timings, DbServers dbServers, Clock clock) {
        this(timings, Databases.of(dbServers), clock);
    }

    RdsService(Timings timings, Databases databases, Clock clock) {
        this.timings = timings;
        this.databases = databases;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "localaws-rds-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "localaws-rds-work-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // Polled rather than scheduled for a computed instant: the clock may be virtual and jump ahead.
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                startDueUpgrades();
            } catch (RuntimeException e) {
                LOG.warn("Could not start the upgrades due in a maintenance window: {}", e.toString());
            }
        }, POLL.toNanos(), POLL.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String signingName() {
        return "rds";
    }

    @Override
    public String xmlNamespace() {
        return NAMESPACE;
    }

    @Override
    public Xml handle(QueryRequest r) {
        Supplier<Xml> handler = switch (r.action()) {
            case "CreateDBCluster" -> () -> createCluster(r);
            case "DescribeDBClusters" -> () -> describeClusters(r);
            case "DeleteDBCluster" -> () -> deleteCluster(r);
            case "ModifyDBCluster" -> () -> modifyCluster(r);
            case "RestoreDBClusterToPointInTime" -> () -> restoreToPointInTime(r);
            case "CreateDBInstance" -> () -> createInstance(r);
            case "DescribeDBInstances" -> () -> describeInstances(r);
            case "DeleteDBInstance" -> () -> deleteInstance(r);
            case "RebootDBInstance" -> () -> rebootInstance(r);
            case "CreateDBClusterParameterGroup" -> () -> createGroup(r, true);
            case "CreateDBParameterGroup" -> () -> createGroup(r, false);
            case "DescribeDBClusterParameterGroups" -> () -> describeGroups(r, true);
            case "DescribeDBParameterGroups" -> () -> describeGroups(r, false);
            case "DeleteDBClusterParameterGroup" -> () -> deleteGroup(r, true);
            case "DeleteDBParameterGroup" -> () -> deleteGroup(r, false);
            case "DescribeDBClusterParameters" -> () -> describeParameters(r, true);
            case "DescribeDBParameters" -> () -> describeParameters(r, false);
            case "ModifyDBClusterParameterGroup" -> () -> modifyGroup(r, true);
            case "ModifyDBParameterGroup" -> () -> modifyGroup(r, false);
            case "CreateDBClusterSnapshot" -> () -> createSnapshot(r);
            case "DescribeDBClusterSnapshots" -> () -> describeSnapshots(r);
            case "DescribeEvents" -> () -> describeEvents(r);
            case "DescribeDBEngineVersions" -> () -> describeEngineVersions(r);
            case "DescribeDBLogFiles" -> () -> describeLogFiles(r);
            case "DownloadDBLogFilePortion" -> () -> downloadLogFilePortion(r);
            case "ListTagsForResource" -> () -> listTags(r);
            case "AddTagsToResource" -> () -> addTags(r);
            case "RemoveTagsFromResource" -> () -> removeTags(r);
            default -> throw RdsErrors.badRequest(RdsErrors.INVALID_ACTION,
                    "The action " + r.action() + " is not valid for this web service.");
        };
        synchronized (this) {
            return handler.get();
        }
    }

    // ---------------------------------------------------------------- internal hooks for tests

    /**
     * The database server behind a cluster, if it has one yet.
     *
     * @param account the owning account id
     * @param region the region
     * @param clusterId the cluster identifier (any case)
     * @return the server, empty while the cluster is creating or when it does not exist
     */
    public synchronized Optional<DbServer> serverOf(String account, String region, String clusterId) {
        Resources r = scopes.get(account + "/" + region);
        Cluster c = r == null ? null : r.clusters.get(Inputs.lookup(clusterId));
        return Optional.ofNullable(c == null ? null : c.server);
    }

    /**
     * Makes the next major version upgrade of a cluster fail its pre-checks, as Aurora does when it
     * finds incompatibilities: the cluster returns to {@code available} on its old version, a
     * {@value #PRECHECKS_LOG} with the given text appears on its writer instance, and the failure
     * event is recorded. Applies once.
     *
     * @param account the owning account id
     * @param region the region
     * @param clusterId the cluster identifier (any case)
     * @param logText the contents of the pre-checks log, or null for a typical Aurora MySQL 3 log
     */
    public synchronized void failNextUpgradePrechecks(String account, String region, String clusterId,
            String logText) {
        failingPrechecks.put(account + "/" + region + "/" + Inputs.lookup(clusterId),
                logText != null ? logText : UpgradeLogs.failedPrechecks());
    }

    /**
     * Waits until no transition is scheduled or running: every resource has reached a stable state.
     *
     * @param timeout how long to wait at most
     * @return true if idle, false on timeout
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idleMonitor) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(idleMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Stops the transitions; the database servers belong to the data plane, which closes them. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    // ---------------------------------------------------------------- clusters

    private Xml createCluster(QueryRequest q) {
        String rawId = q.require("DBClusterIdentifier");
        String engine = q.require("Engine");
        Resources r = scope(q);
        String id = Inputs.identifier("DBClusterIdentifier", rawId);
        checkEngine(engine);
        EngineVersion version = version(engine, q.string("EngineVersion"));
        String user = q.string("MasterUsername");
        String password = q.string("MasterUserPassword");
        checkMasterUser(user);
        checkPassword(password);
        String groupName = clusterGroupFor(r, q.string("DBClusterParameterGroupName"), version);
        String databaseName = q.string("DatabaseName");
        if (databaseName != null && !databaseName.matches("[A-Za-z][A-Za-z0-9_]{0,63}")) {
            throw RdsErrors.invalidValue("The parameter DatabaseName must begin with a letter and contain only"
                    + " alphanumeric characters and underscores (at most 64).");
        }
        if (r.clusters.containsKey(id)) {
            throw RdsErrors.badRequest(RdsErrors.CLUSTER_ALREADY_EXISTS, "DB Cluster already exists");
        }
        long backtrack = backtrackWindow(q, engine);
        MaintenanceWindow window = maintenanceWindow(q);
        Map<String, String> tags = Inputs.tags(q);
        Cluster c = new Cluster(id, "cluster-" + randomId(), now(), engine, version.version(), user,
                Secret.of(password), serverIds.incrementAndGet(), databaseName, Inputs.flag(q, "DeletionProtection"),
                groupName);
        c.backtrackWindow = backtrack;
        if (window != null) {
            c.maintenanceWindow = window;
        }
        c.tags.putAll(tags);
        r.clusters.put(id, c);
        startCluster(r, c, timings.clusterCreate());
        return Xml.element("CreateDBClusterResult").add(RdsXml.cluster(r, c, now()));
    }

    /** The {@code PreferredMaintenanceWindow} parameter, validated, or null when absent. */
    private static MaintenanceWindow maintenanceWindow(QueryRequest q) {
        String raw = q.string("PreferredMaintenanceWindow");
        return raw == null ? null : MaintenanceWindow.parse(raw);
    }

    private static long backtrackWindow(QueryRequest q, String engine) {
        String raw = q.string("BacktrackWindow");
        if (raw == null) {
            return 0;
        }
        long seconds;
        try {
            seconds = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw RdsErrors.invalidValue("Invalid value for BacktrackWindow: " + raw + ". Pass seconds from 0 to "
                    + MAX_BACKTRACK_SECONDS + ".");
        }
        if (seconds < 0 || seconds > MAX_BACKTRACK_SECONDS) {
            throw RdsErrors.invalidValue("The backtrack window must be between 0 and " + MAX_BACKTRACK_SECONDS
                    + " seconds (72 hours), was " + seconds + ".");
        }
        return seconds;
    }

    private Xml restoreToPointInTime(QueryRequest q) {
        String rawId = q.require("DBClusterIdentifier");
        String sourceId = Inputs.lookup(q.require("SourceDBClusterIdentifier"));
        Resources r = scope(q);
        String id = Inputs.identifier("DBClusterIdentifier", rawId);
        String restoreType = Optional.ofNullable(q.string("RestoreType")).orElse("full-copy");
        if (!restoreType.equals("copy-on-write") && !restoreType.equals("full-copy")) {
            throw RdsErrors.invalidValue("Invalid RestoreType: " + restoreType
                    + ". Valid values are copy-on-write and full-copy.");
        }
        boolean latest = Inputs.flag(q, "UseLatestRestorableTime");
        Instant restoreTo = Inputs.timestamp(q, "RestoreToTime");
        if (latest && restoreTo != null) {
            throw RdsErrors.invalidCombination(
                    "Cannot specify both RestoreToTime and UseLatestRestorableTime; pass only one of them.");
        }
        if (!latest && restoreTo == null) {
            throw RdsErrors.invalidCombination(
                    "Either RestoreToTime or UseLatestRestorableTime=true must be specified.");
        }
        if (restoreTo != null) {
            throw RdsErrors.invalidCombination("LocalAws restores only to the latest restorable time: pass "
                    + "UseLatestRestorableTime=true instead of RestoreToTime " + restoreTo + ".");
        }
        Cluster source = r.clusters.get(sourceId);
        if (source == null) {
            throw RdsErrors.clusterNotFound(sourceId);
        }
        if (!source.status.equals("available") || source.server == null) {
            throw RdsErrors.invalidClusterState("Source DB cluster " + sourceId + " is in state " + source.status
                    + "; it must be available to be restored or cloned. Wait until it is available.");
        }
        EngineVersion version = EngineCatalog.find(source.engine, source.engineVersion).orElseThrow();
        String groupName = clusterGroupFor(r, q.string("DBClusterParameterGroupName"), version);
        if (r.clusters.containsKey(id)) {
            throw RdsErrors.badRequest(RdsErrors.CLUSTER_ALREADY_EXISTS, "DB Cluster already exists");
        }
        Map<String, String> tags = Inputs.tags(q);
        Cluster c = new Cluster(id, "cluster-" + randomId(), now(), source.engine, source.engineVersion,
                source.masterUsername, source.masterPassword, serverIds.incrementAndGet(), source.databaseName,
                Inputs.flag(q, "DeletionProtection"), groupName);
        // As on RDS: a clone has the tags of the request, not the source's.
        c.tags.putAll(tags);
        c.cloneSource = source;
        if (restoreType.equals("copy-on-write")) {
            if (source.cloneGroupId == null) {
                source.cloneGroupId = UUID.randomUUID().toString();
            }
            c.cloneGroupId = source.cloneGroupId;
        }
        r.clusters.put(id, c);
        startCluster(r, c, timings.cloneCreate());
        return Xml.element("RestoreDBClusterToPointInTimeResult").add(RdsXml.cluster(r, c, now()));
    }

    /**
     * Starts (or copies) the cluster's server while it is {@code creating}: the copy begins when the
     * request is accepted and runs during the emulated delay, so the cluster becomes available after
     * the longer of the two, as a real clone's copy-on-write setup is part of its creation time.
     */
    private void startCluster(Resources r, Cluster c, Duration delay) {
        // DbServers names: at most 63 of [A-Za-z0-9_.-]; the sequence keeps a re-created cluster's name unique.
        String name = "rds-" + serverNames.incrementAndGet() + "-" + c.id;
        String serverName = name.substring(0, Math.min(63, name.length()));
        DbSettings settings = new DbSettings(c.engine, c.engineVersion, desiredBinlogFormat(r, c), c.serverId);
        DbServer source = c.cloneSource == null ? null : c.cloneSource.server;
        transition(r, "db-cluster", c.id, "creating", delay, () -> source == null
                ? databases.start(serverName, settings, c.masterUsername, c.masterPassword.reveal())
                : databases.cloneOf(source, serverName, settings), (server, failure) -> {
                    if (failure != null) {
                        LOG.warn("Could not start the database server of DB cluster {}: {}", c.id, failure.toString());
                        c.status = "failed";
                        event(r, "db-cluster", c.id, r.arn("cluster", c.id),
                                "DB cluster could not be created: " + failure.getMessage(), "failure");
                        return c.status;
                    }
                    c.server = server;
                    c.status = "available";
                    event(r, "db-cluster", c.id, r.arn("cluster", c.id), "DB cluster created", "creation");
                    return c.status;
                });
    }

    private Xml describeClusters(QueryRequest q) {
        Resources r = scope(q);
        String id = Inputs.lookup(q.string("DBClusterIdentifier"));
        Map<String, List<String>> filters = Inputs.filters(q,
                List.of("clone-group-id", "db-cluster-id", "db-cluster-resource-id", "domain", "engine"));
        List<Cluster> found = new ArrayList<>();
        if (id != null) {
            Cluster c = r.clusters.get(id);
            if (c == null) {
                throw RdsErrors.clusterNotFound(id);
            }
            found.add(c);
        } else {
            found.addAll(r.clusters.values());
        }
        found.removeIf(c -> !matches(filters, "db-cluster-id", c.id)
                || !matches(filters, "engine", c.engine)
                || !matches(filters, "clone-group-id", c.cloneGroupId)
                || !matches(filters, "db-cluster-resource-id", c.resourceId.toLowerCase(Locale.ROOT))
                || filters.containsKey("domain"));
        Page<Cluster> page = Inputs.page(q, found);
        Instant now = now();
        return Xml.element("DescribeDBClustersResult")
                .add(Xml.element("DBClusters").addAll("DBCluster", page.items(), c -> RdsXml.cluster(r, c, now)))
                .add("Marker", page.marker());
    }

    private Xml deleteCluster(QueryRequest q) {
        String id = Inputs.lookup(q.require("DBClusterIdentifier"));
        Resources r = scope(q);
        Cluster c = cluster(r, id);
        boolean skip = Inputs.flag(q, "SkipFinalSnapshot");
        String finalSnapshot = q.string("FinalDBSnapshotIdentifier");
        if (skip && finalSnapshot != null) {
            throw RdsErrors.invalidCombination(
                    "FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot=true.");
        }
        if (!skip && finalSnapshot == null) {
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
            Snapshot s = new Snapshot(snapId, c, now(), "manual");
            s.status = "available";
            s.percent = 100;
            r.snapshots.put(snapId, s);
        }
        c.status = "deleting";
        Xml response = Xml.element("DeleteDBClusterResult").add(RdsXml.cluster(r, c, now()));
        DbServer server = c.server;
        // The server is no use once deletion is accepted: it goes during the emulated delay.
        transition(r, "db-cluster", c.id, "deleting", timings.delete(), () -> {
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
            event(r, "db-cluster", c.id, r.arn("cluster", c.id), "DB cluster deleted", "deletion");
            return "deleted";
        });
        return response;
    }

    private Xml modifyCluster(QueryRequest q) {
        String id = Inputs.lookup(q.require("DBClusterIdentifier"));
        Resources r = scope(q);
        Cluster c = cluster(r, id);
        MaintenanceWindow window = maintenanceWindow(q);
        modifyCluster(q, r, c, id);
        // RDS changes the window at once, whatever ApplyImmediately says; a pending upgrade then waits
        // for the new window's next start from now on.
        if (window != null && !window.equals(c.maintenanceWindow)) {
            c.maintenanceWindow = window;
            if (c.pendingUpgrade != null) {
                c.pendingUpgrade = c.pendingUpgrade.since(now());
            }
        }
        return Xml.element("ModifyDBClusterResult").add(RdsXml.cluster(r, c, now()));
    }

    /** Validates and applies every change of a ModifyDBCluster request but the maintenance window. */
    private void modifyCluster(QueryRequest q, Resources r, Cluster c, String id) {
        for (String unsupported : List.of("NewDBClusterIdentifier", "MasterUserPassword", "Port")) {
            if (q.string(unsupported) != null) {
                throw RdsErrors.invalidCombination("LocalAws does not emulate changing " + unsupported
                        + " with ModifyDBCluster; create a new cluster instead.");
            }
        }
        String targetVersion = q.string("EngineVersion");
        boolean applyNow = Inputs.flag(q, "ApplyImmediately");
        String newGroup = q.string("DBClusterParameterGroupName");
        String instanceGroup = q.string("DBInstanceParameterGroupName");
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
            if (major && !Inputs.flag(q, "AllowMajorVersionUpgrade")) {
                throw RdsErrors.invalidCombination(
                        "The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.");
            }
            if (instanceGroup != null && !major) {
                throw RdsErrors.invalidCombination("The DBInstanceParameterGroupName parameter is only valid"
                        + " for a major version upgrade.");
            }
            String clusterGroup = newGroup != null ? clusterGroupFor(r, newGroup, target)
                    : sameFamily(current, target) ? c.parameterGroup : "default." + target.family();
            String memberGroup = instanceGroup != null ? instanceGroupFor(r, instanceGroup, target) : null;
            requireMembersAvailable(r, c);
            if (!applyNow) {
                // As RDS does: the upgrade starts at the next start of the cluster's maintenance window.
                c.pendingUpgrade = new PendingUpgrade(target, major, clusterGroup, memberGroup, now());
                return;
            }
            upgrade(r, c, target, major, clusterGroup, memberGroup);
            return;
        }
        if (instanceGroup != null) {
            throw RdsErrors.invalidCombination("The DBInstanceParameterGroupName parameter is only valid for a"
                    + " major version upgrade.");
        }
        if (applyNow && c.pendingUpgrade != null) {
            // As RDS does: ApplyImmediately applies the pending modifications with this request's.
            PendingUpgrade p = c.pendingUpgrade;
            String clusterGroup = newGroup != null ? clusterGroupFor(r, newGroup, p.target()) : p.clusterGroup();
            requireMembersAvailable(r, c);
            upgrade(r, c, p.target(), p.major(), clusterGroup, p.memberGroup());
            return;
        }
        if (newGroup != null) {
            String groupName = clusterGroupFor(r, newGroup, current);
            if (!groupName.equals(c.parameterGroup)) {
                c.parameterGroup = groupName;
                c.status = "modifying";
                applyGroupChange(r, c, true);
            }
        }
    }

    private static void requireMembersAvailable(Resources r, Cluster c) {
        for (Instance i : r.membersOf(c)) {
            if (!i.status.equals("available")) {
                throw RdsErrors.invalidClusterState("Database cluster is in a state that cannot be upgraded: "
                        + "DB instance " + i.id + " is " + i.status + ". Wait until every instance is available.");
            }
        }
    }

    private static boolean sameFamily(EngineVersion a, EngineVersion b) {
        return a.family().equals(b.family());
    }

    /**
     * An engine version upgrade as Aurora runs it: the cluster and its instances are
     * {@code upgrading}; online pre-checks run while the server still serves; a failed pre-check
     * (see {@link #failNextUpgradePrechecks}) ends it there, back to {@code available} on the old
     * version, with the pre-checks log on the writer. Otherwise the server is shut down and
     * restarted on the new version (connections drop), and the parameter groups switch.
     */
    private void upgrade(Resources r, Cluster c, EngineVersion target, boolean major, String clusterGroup,
            String memberGroup) {
        EngineVersion from = EngineCatalog.find(c.engine, c.engineVersion).orElseThrow();
        String arn = r.arn("cluster", c.id);
        c.status = "upgrading";
        c.pendingUpgrade = null;
        List<Instance> members = r.membersOf(c);
        members.forEach(i -> i.status = "upgrading");
        event(r, "db-cluster", c.id, arn, "Database cluster engine version upgrade started.", "maintenance");
        String forcedLog = failingPrechecks.remove(r.account + "/" + r.region + "/" + c.id);
        if (major) {
            event(r, "db-cluster", c.id, arn, "Upgrade in progress: Performing online pre-upgrade checks.",
                    "maintenance");
        }
        Duration phase = timings.upgrade().dividedBy(4);
        if (forcedLog != null) {
            // Aurora stops at the online pre-checks, before any restart: a quarter of the time, no server work.
            transition(r, "db-cluster", c.id, "upgrading", phase, null, (none, failure) -> {
                r.membersOf(c).stream().filter(i -> i.writer).findFirst().ifPresent(w -> w.logFiles.put(PRECHECKS_LOG,
                        new Resources.LogFile(PRECHECKS_LOG, forcedLog, now())));
                c.status = "available";
                r.membersOf(c).forEach(i -> i.status = "available");
                event(r, "db-cluster", c.id, arn, PRECHECKS_FAILED, "maintenance");
                return c.status;
            });
            return;
        }
        DbServer server = c.server;
        // The work (pre-checks, then the restart on the new version from half-time on) runs during the
        // emulated delay, so the upgrade takes the longer of the two, as the other transitions do.
        transition(r, "db-cluster", c.id, "upgrading", timings.upgrade(), () -> {
            pause(phase);
            synchronized (this) {
                if (major) {
                    Optional<Instance> writer = r.membersOf(c).stream().filter(i -> i.writer).findFirst();
                    String log = UpgradeLogs.passedPrechecks(from, target);
                    writer.ifPresent(w -> w.logFiles.put(PRECHECKS_LOG, new Resources.LogFile(PRECHECKS_LOG, log,
                            now())));
                    event(r, "db-cluster", c.id, arn, "Upgrade in progress: Creating pre-upgrade snapshot [preupgrade-"
                            + c.id + "-" + slug(from.version()) + "-to-" + slug(target.version()) + "-"
                            + SNAPSHOT_TIME.format(now()) + "]", "maintenance");
                    if (from.major() == 1) {
                        event(r, "db-cluster", c.id, arn, "Upgrade in progress: Cloning volume.", "maintenance");
                    }
                    event(r, "db-cluster", c.id, arn,
                            "Upgrade in progress: Purging undo records for old row versions. Records remaining: 0",
                            "maintenance");
                }
            }
            pause(phase);
            DbSettings settings;
            synchronized (this) {
                c.parameterGroup = clusterGroup;
                settings = new DbSettings(target.engine(), target.version(), desiredBinlogFormat(r, c), c.serverId);
                if (major) {
                    event(r, "db-cluster", c.id, arn, "Upgrade in progress: Upgrading database objects.",
                            "maintenance");
                }
            }
            // From here the server is down (connections drop) until it runs the new version.
            if (server != null) {
                server.restart(settings);
            }
            return settings;
        }, (settings, failure) -> {
            if (failure != null) {
                LOG.warn("Could not restart DB cluster {} with {}: {}", c.id, target.version(), failure.toString());
                c.status = "available";
                r.membersOf(c).forEach(i -> i.status = "available");
                event(r, "db-cluster", c.id, arn,
                        "Database cluster is in a state that cannot be upgraded: " + failure.getMessage(), "maintenance");
                return c.status;
            }
            c.engine = target.engine();
            c.engineVersion = target.version();
            c.status = "available";
            for (Instance i : r.membersOf(c)) {
                i.engine = target.engine();
                i.engineVersion = target.version();
                i.status = "available";
                i.clusterParameterGroupStatus = "in-sync";
                if (memberGroup != null) {
                    i.parameterGroup = memberGroup;
                } else if (major) {
                    i.parameterGroup = "default." + target.family();
                }
            }
            event(r, "db-cluster", c.id, arn, major
                    ? "Database cluster major version has been upgraded"
                    : "Database cluster engine version has been upgraded.", "maintenance");
            return c.status;
        });
    }

    /**
     * Starts each pending upgrade whose cluster's maintenance window has begun on the service's
     * clock, on the same path as {@code ApplyImmediately=true}. A cluster or member that is busy
     * then (rebooting, modifying) is looked at again on the next check.
     */
    private synchronized void startDueUpgrades() {
        Instant now = now();
        for (Resources r : scopes.values()) {
            for (Cluster c : r.clusters.values()) {
                PendingUpgrade p = c.pendingUpgrade;
                if (p == null || now.isBefore(c.maintenanceWindow.nextStart(p.since()))
                        || !c.status.equals("available")
                        || r.membersOf(c).stream().anyMatch(i -> !i.status.equals("available"))) {
                    continue;
                }
                LOG.info("Maintenance window {} of DB cluster {} began: upgrading to {}", c.maintenanceWindow.text(),
                        c.id, p.target().version());
                upgrade(r, c, p.target(), p.major(), p.clusterGroup(), p.memberGroup());
            }
        }
    }

    private static String slug(String version) {
        return version.replace('.', '-').replace('_', '-');
    }

    /** Sleeps inside a transition's work; an interrupt (LocalAws closing) ends the work. */
    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("LocalAws is closing", e);
        }
    }

    // ---------------------------------------------------------------- instances

    private Xml createInstance(QueryRequest q) {
        String rawId = q.require("DBInstanceIdentifier");
        String instanceClass = q.require("DBInstanceClass");
        String engine = q.require("Engine");
        Resources r = scope(q);
        String id = Inputs.identifier("DBInstanceIdentifier", rawId);
        checkEngine(engine);
        String clusterId = q.string("DBClusterIdentifier");
        if (clusterId == null || clusterId.isEmpty()) {
            throw RdsErrors.invalidValue("The parameter DBClusterIdentifier must be provided for engine " + engine
                    + ": Aurora DB instances belong to a DB cluster. Create the cluster first.");
        }
        if (!INSTANCE_CLASS.matcher(instanceClass).matches()) {
            throw RdsErrors.invalidCombination("RDS does not support creating a DB instance with the following"
                    + " combination: DBInstanceClass=" + instanceClass + ", Engine=" + engine
                    + ". Use a class such as db.r6g.large or db.t3.medium.");
        }
        if (q.string("MasterUsername") != null || q.string("MasterUserPassword") != null) {
            throw RdsErrors.invalidCombination("The requested DB Instance will be a member of a DB Cluster. "
                    + "Set master user name and password for the DB Cluster instead.");
        }
        Cluster c = cluster(r, Inputs.lookup(clusterId));
        if (!c.engine.equals(engine)) {
            throw RdsErrors.invalidCombination("The engine name requested for your DB instance (" + engine
                    + ") doesn't match the engine name of your DB cluster (" + c.engine + ").");
        }
        if (c.status.equals("deleting") || c.status.equals("failed")) {
            throw RdsErrors.invalidClusterState("DB cluster " + c.id + " is in state " + c.status
                    + "; instances can be added only while it is creating or available.");
        }
        EngineVersion version = EngineCatalog.find(c.engine, c.engineVersion).orElseThrow();
        String group = q.string("DBParameterGroupName") == null ? "default." + version.family()
                : instanceGroupFor(r, q.string("DBParameterGroupName"), version);
        if (r.instances.containsKey(id)) {
            throw RdsErrors.badRequest(RdsErrors.INSTANCE_ALREADY_EXISTS, "DB instance already exists");
        }
        Integer tier = q.integer("PromotionTier");
        if (tier != null && (tier < 0 || tier > 15)) {
            throw RdsErrors.invalidValue("PromotionTier must be between 0 and 15, was " + tier + ".");
        }
        String az = q.string("AvailabilityZone") != null ? q.string("AvailabilityZone") : r.region + "a";
        Map<String, String> tags = Inputs.tags(q);
        Instance i = new Instance(id, "db-" + randomId(), c.id, instanceClass, az, tier == null ? 1 : tier,
                c.engine, c.engineVersion, group);
        i.tags.putAll(tags);
        i.writer = r.membersOf(c).stream().noneMatch(m -> m.writer);
        r.instances.put(id, i);
        transition(r, "db-instance", i.id, "creating", timings.instanceCreate(), null,
                (none, failure) -> finishInstanceCreate(r, i));
        return Xml.element("CreateDBInstanceResult").add(RdsXml.instance(r, i, c));
    }

    /** An instance becomes available once its cluster's server runs; null while that is not yet so. */
    private String finishInstanceCreate(Resources r, Instance i) {
        if (r.instances.get(i.id) != i || !i.status.equals("creating")) {
            return i.status;
        }
        Cluster c = r.clusters.get(i.clusterId);
        if (c != null && c.status.equals("creating")) {
            return null;
        }
        if (c == null || c.server == null) {
            i.status = "failed";
            event(r, "db-instance", i.id, r.arn("db", i.id),
                    "DB instance could not be created: its DB cluster " + i.clusterId + " has no storage",
                    "failure");
            return i.status;
        }
        i.status = "available";
        i.createdAt = now();
        event(r, "db-instance", i.id, r.arn("db", i.id), "DB instance created", "creation");
        if (i.writer && c.cloneSource != null) {
            Optional<BinlogCoordinates> at = c.server.clonedAt();
            // As on Aurora: a clone's new writer reports where the copy stands in the source's binlog.
            at.ifPresent(b -> event(r, "db-instance", i.id, r.arn("db", i.id),
                    "Binlog position from crash recovery is " + b.file() + " " + b.position()));
            c.cloneSource = null;
        }
        return i.status;
    }

    private Xml describeInstances(QueryRequest q) {
        Resources r = scope(q);
        String id = Inputs.lookup(q.string("DBInstanceIdentifier"));
        Map<String, List<String>> filters = Inputs.filters(q,
                List.of("db-cluster-id", "db-instance-id", "dbi-resource-id", "domain", "engine"));
        List<Instance> found = new ArrayList<>();
        if (id != null) {
            Instance i = r.instances.get(id);
            if (i == null) {
                throw RdsErrors.instanceNotFound(id);
            }
            found.add(i);
        } else {
            found.addAll(r.instances.values());
        }
        found.removeIf(i -> !matches(filters, "db-cluster-id", i.clusterId)
                || !matches(filters, "db-instance-id", i.id)
                || !matches(filters, "engine", i.engine)
                || !matches(filters, "dbi-resource-id", i.resourceId.toLowerCase(Locale.ROOT))
                || filters.containsKey("domain"));
        Page<Instance> page = Inputs.page(q, found);
        return Xml.element("DescribeDBInstancesResult")
                .add(Xml.element("DBInstances").addAll("DBInstance", page.items(),
                        i -> RdsXml.instance(r, i, r.clusters.get(i.clusterId))))
                .add("Marker", page.marker());
    }

    private Xml deleteInstance(QueryRequest q) {
        String id = Inputs.lookup(q.require("DBInstanceIdentifier"));
        Resources r = scope(q);
        Instance i = instance(r, id);
        if (i.status.equals("deleting")) {
            throw RdsErrors.invalidInstanceState("Instance " + id + " is already being deleted.");
        }
        if (!Set.of("available", "failed", "creating").contains(i.status)) {
            throw RdsErrors.invalidInstanceState("Instance " + id + " is in state " + i.status
                    + " and cannot be deleted now; wait until it is available.");
        }
        i.status = "deleting";
        Xml response = Xml.element("DeleteDBInstanceResult")
                .add(RdsXml.instance(r, i, r.clusters.get(i.clusterId)));
        transition(r, "db-instance", i.id, "deleting", timings.delete(), null, (none, failure) -> {
            r.instances.remove(i.id, i);
            Cluster c = r.clusters.get(i.clusterId);
            if (i.writer && c != null) {
                // Aurora fails over to the reader with the best (lowest) promotion tier.
                r.membersOf(c).stream().filter(m -> !m.status.equals("deleting"))
                        .min(Comparator.comparingInt((Instance m) -> m.promotionTier).thenComparing(m -> m.id))
                        .ifPresent(m -> m.writer = true);
            }
            event(r, "db-instance", i.id, r.arn("db", i.id), "DB instance deleted", "deletion");
            return "deleted";
        });
        return response;
    }

    private Xml rebootInstance(QueryRequest q) {
        String id = Inputs.lookup(q.require("DBInstanceIdentifier"));
        Resources r = scope(q);
        Instance i = instance(r, id);
        if (!i.status.equals("available")) {
            throw RdsErrors.invalidInstanceState("DB instance " + id + " is in state " + i.status
                    + " and cannot be rebooted now; wait until it is available.");
        }
        Cluster c = r.clusters.get(i.clusterId);
        i.status = "rebooting";
        Xml response = Xml.element("RebootDBInstanceResult").add(RdsXml.instance(r, i, c));
        // Static cluster parameters (binlog_format) take effect when the writer restarts; the restart
        // runs during the emulated reboot, as the real one does.
        DbServer server = i.writer && c != null ? c.server : null;
        DbSettings settings = server == null ? null : server.settings().withBinlogFormat(desiredBinlogFormat(r, c));
        transition(r, "db-instance", i.id, "rebooting", timings.reboot(), () -> {
            if (server != null) {
                server.restart(settings);
            }
            return server;
        }, (restarted, failure) -> {
            if (failure != null) {
                LOG.warn("Could not restart DB instance {}: {}", i.id, failure.toString());
                i.status = "failed";
                event(r, "db-instance", i.id, r.arn("db", i.id), "DB instance restart failed: "
                        + failure.getMessage(), "failure");
                return i.status;
            }
            i.status = "available";
            i.clusterParameterGroupStatus = "in-sync";
            event(r, "db-instance", i.id, r.arn("db", i.id), "DB instance restarted", "availability");
            return i.status;
        });
        return response;
    }

    // ---------------------------------------------------------------- parameter groups

    private Xml createGroup(QueryRequest q, boolean cluster) {
        String nameParam = cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName";
        String rawName = q.require(nameParam);
        String family = q.require("DBParameterGroupFamily");
        String description = q.require("Description");
        Resources r = scope(q);
        String name = Inputs.name(nameParam, rawName, 255);
        if (!EngineCatalog.isFamily(family)) {
            throw RdsErrors.invalidValue("The parameter DBParameterGroupFamily is not a valid parameter group "
                    + "family: " + family + ". Valid families are aurora5.6, aurora-mysql5.7 and aurora-mysql8.0.");
        }
        Map<String, ParamGroup> groups = cluster ? r.clusterGroups : r.instanceGroups;
        if (groups.containsKey(name)) {
            throw RdsErrors.badRequest(RdsErrors.PG_ALREADY_EXISTS, "Parameter group " + name + " already exists");
        }
        Map<String, String> tags = Inputs.tags(q);
        ParamGroup g = new ParamGroup(name, family, description, cluster, false);
        g.tags.putAll(tags);
        groups.put(name, g);
        return cluster
                ? Xml.element("CreateDBClusterParameterGroupResult").add(RdsXml.clusterGroup(r, g))
                : Xml.element("CreateDBParameterGroupResult").add(RdsXml.instanceGroup(r, g));
    }

    private Xml describeGroups(QueryRequest q, boolean cluster) {
        Resources r = scope(q);
        String name = Inputs.lookup(q.string(cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName"));
        Map<String, ParamGroup> groups = cluster ? r.clusterGroups : r.instanceGroups;
        List<ParamGroup> found = new ArrayList<>();
        if (name != null) {
            found.add(group(r, name, cluster, RdsErrors.PG_NOT_FOUND));
        } else {
            found.addAll(groups.values());
        }
        Page<ParamGroup> page = Inputs.page(q, found);
        return cluster
                ? Xml.element("DescribeDBClusterParameterGroupsResult")
                        .add(Xml.element("DBClusterParameterGroups").addAll("DBClusterParameterGroup", page.items(),
                                g -> RdsXml.clusterGroup(r, g)))
                        .add("Marker", page.marker())
                : Xml.element("DescribeDBParameterGroupsResult")
                        .add(Xml.element("DBParameterGroups").addAll("DBParameterGroup", page.items(),
                                g -> RdsXml.instanceGroup(r, g)))
                        .add("Marker", page.marker());
    }

    private Xml deleteGroup(QueryRequest q, boolean cluster) {
        String name = Inputs.lookup(q.require(cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName"));
        Resources r = scope(q);
        ParamGroup g = group(r, name, cluster, RdsErrors.PG_NOT_FOUND);
        if (g.isDefault) {
            throw RdsErrors.badRequest(RdsErrors.INVALID_PG_STATE, "Default " + (cluster
                    ? "DBClusterParameterGroup" : "DBParameterGroup") + " cannot be deleted: " + name);
        }
        List<String> users = new ArrayList<>();
        if (cluster) {
            r.clusters.values().stream().filter(c -> c.parameterGroup.equals(name)).forEach(c -> users.add(c.id));
        } else {
            r.instances.values().stream().filter(i -> i.parameterGroup.equals(name)).forEach(i -> users.add(i.id));
        }
        if (!users.isEmpty()) {
            throw RdsErrors.badRequest(RdsErrors.INVALID_PG_STATE, "One or more "
                    + (cluster ? "DB clusters" : "database instances") + " are still members of this parameter group "
                    + name + ", so the group cannot be deleted: " + String.join(", ", users));
        }
        (cluster ? r.clusterGroups : r.instanceGroups).remove(name);
        return null;
    }

    private Xml describeParameters(QueryRequest q, boolean cluster) {
        String name = Inputs.lookup(q.require(cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName"));
        Resources r = scope(q);
        ParamGroup g = group(r, name, cluster, RdsErrors.PG_NOT_FOUND);
        String source = q.string("Source");
        if (source != null && !Set.of("user", "engine-default", "system").contains(source)) {
            throw RdsErrors.invalidValue("Invalid value for Source: " + source
                    + ". Valid values are user, engine-default and system.");
        }
        List<Definition> defs = new ArrayList<>(definitions(g));
        defs.removeIf(d -> source != null
                && !source.equals(g.userValues.containsKey(d.name()) ? "user" : d.source()));
        Page<Definition> page = Inputs.page(q, defs);
        String result = cluster ? "DescribeDBClusterParametersResult" : "DescribeDBParametersResult";
        return Xml.element(result)
                .add(Xml.element("Parameters").addAll("Parameter", page.items(), d -> RdsXml.parameter(d, g)))
                .add("Marker", page.marker());
    }

    private Xml modifyGroup(QueryRequest q, boolean cluster) {
        String nameParam = cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName";
        String name = Inputs.lookup(q.require(nameParam));
        List<Map<String, String>> changes = q.structs("Parameters.Parameter");
        if (changes.isEmpty()) {
            throw AwsError.missingParameter("Parameters");
        }
        Resources r = scope(q);
        ParamGroup g = group(r, name, cluster, RdsErrors.PG_NOT_FOUND);
        if (g.isDefault) {
            throw RdsErrors.invalidValue("Default parameter groups cannot be modified: " + name
                    + ". Create a custom parameter group of family " + g.family + " and modify that.");
        }
        if (changes.size() > 20) {
            throw RdsErrors.invalidValue("At most 20 parameters can be modified in one request; got "
                    + changes.size() + ".");
        }
        List<Definition> defs = definitions(g);
        List<String[]> accepted = new ArrayList<>();
        boolean staticChanged = false;
        for (Map<String, String> change : changes) {
            String pname = change.get("ParameterName");
            if (pname == null || pname.isEmpty()) {
                throw AwsError.missingParameter("ParameterName");
            }
            Definition d = ParameterCatalog.find(defs, pname).orElseThrow(() -> RdsErrors.invalidValue(
                    "Could not find parameter with name: " + pname));
            if (!d.modifiable()) {
                throw RdsErrors.invalidValue("The parameter " + pname + " cannot be modified.");
            }
            String raw = change.get("ParameterValue");
            String value = d.accept(raw).orElseThrow(() -> RdsErrors.invalidValue("Invalid parameter value: " + raw
                    + " for: " + pname + " allowed values are: " + d.allowedValues()));
            String method = change.getOrDefault("ApplyMethod", d.dynamic() ? "immediate" : "pending-reboot");
            if (!method.equals("immediate") && !method.equals("pending-reboot")) {
                throw RdsErrors.invalidValue("Invalid ApplyMethod: " + method
                        + ". Valid values are immediate and pending-reboot.");
            }
            if (method.equals("immediate") && !d.dynamic()) {
                throw RdsErrors.invalidCombination("cannot use immediate apply method for static parameter");
            }
            staticChanged |= !d.dynamic() || method.equals("pending-reboot");
            accepted.add(new String[] {pname, value, method});
        }
        for (String[] a : accepted) {
            g.userValues.put(a[0], new String[] {a[1], a[2]});
            event(r, "db-parameter-group", g.name, r.arn(cluster ? "cluster-pg" : "pg", g.name),
                    "Updated parameter " + a[0] + " to " + a[1] + " with apply method " + a[2],
                    "configuration change");
        }
        if (cluster) {
            for (Cluster c : r.clusters.values()) {
                if (c.parameterGroup.equals(g.name) && !c.status.equals("deleting")) {
                    applyGroupChange(r, c, staticChanged);
                }
            }
            return Xml.element("ModifyDBClusterParameterGroupResult").add("DBClusterParameterGroupName", g.name);
        }
        return Xml.element("ModifyDBParameterGroupResult").add("DBParameterGroupName", g.name);
    }

    /** Members show {@code applying}, then {@code pending-reboot} (static changes) or {@code in-sync}. */
    private void applyGroupChange(Resources r, Cluster c, boolean needsReboot) {
        r.membersOf(c).forEach(i -> i.clusterParameterGroupStatus = "applying");
        String from = c.status.equals("modifying") ? "modifying" : null;
        transition(r, "db-cluster", from == null ? null : c.id, from, timings.modify(), null, (none, failure) -> {
            for (Instance i : r.membersOf(c)) {
                if (i.clusterParameterGroupStatus.equals("applying")) {
                    i.clusterParameterGroupStatus = needsReboot ? "pending-reboot" : "in-sync";
                }
            }
            if (c.status.equals("modifying")) {
                c.status = "available";
            }
            event(r, "db-cluster", c.id, r.arn("cluster", c.id),
                    "Finished applying modification to DB cluster parameter group", "configuration change");
            return c.status;
        });
    }

    private static List<Definition> definitions(ParamGroup g) {
        return g.cluster ? ParameterCatalog.clusterParameters(g.family)
                : ParameterCatalog.instanceParameters(g.family);
    }

    // ---------------------------------------------------------------- snapshots

    private Xml createSnapshot(QueryRequest q) {
        String rawId = q.require("DBClusterSnapshotIdentifier");
        String clusterId = Inputs.lookup(q.require("DBClusterIdentifier"));
        Resources r = scope(q);
        String id = Inputs.name("DBClusterSnapshotIdentifier", rawId, 255);
        Cluster c = cluster(r, clusterId);
        if (!c.status.equals("available")) {
            throw RdsErrors.invalidClusterState("DB cluster " + c.id + " is in state " + c.status
                    + "; a snapshot can be taken only while it is available.");
        }
        if (r.snapshots.containsKey(id)) {
            throw RdsErrors.badRequest(RdsErrors.SNAPSHOT_ALREADY_EXISTS,
                    "Cannot create the cluster snapshot because one with the identifier " + id + " already exists.");
        }
        Snapshot s = new Snapshot(id, c, now(), "manual");
        r.snapshots.put(id, s);
        event(r, "db-cluster-snapshot", id, r.arn("cluster-snapshot", id), "Creating manual cluster snapshot",
                "backup");
        transition(r, "db-cluster-snapshot", id, "creating", timings.snapshot(), null, (none, failure) -> {
            s.status = "available";
            s.percent = 100;
            event(r, "db-cluster-snapshot", id, r.arn("cluster-snapshot", id), "Manual cluster snapshot created",
                    "backup");
            return s.status;
        });
        return Xml.element("CreateDBClusterSnapshotResult").add(RdsXml.snapshot(r, s));
    }

    private Xml describeSnapshots(QueryRequest q) {
        Resources r = scope(q);
        String id = Inputs.lookup(q.string("DBClusterSnapshotIdentifier"));
        String clusterId = Inputs.lookup(q.string("DBClusterIdentifier"));
        String type = q.string("SnapshotType");
        List<Snapshot> found = new ArrayList<>();
        if (id != null) {
            Snapshot s = r.snapshots.get(id);
            if (s == null) {
                throw RdsErrors.notFound(RdsErrors.SNAPSHOT_NOT_FOUND, "DBClusterSnapshot " + id + " not found.");
            }
            found.add(s);
        } else {
            found.addAll(r.snapshots.values());
        }
        found.removeIf(s -> (clusterId != null && !s.clusterId.equals(clusterId))
                || (type != null && !s.type.equals(type)));
        Page<Snapshot> page = Inputs.page(q, found);
        return Xml.element("DescribeDBClusterSnapshotsResult")
                .add(Xml.element("DBClusterSnapshots").addAll("DBClusterSnapshot", page.items(),
                        s -> RdsXml.snapshot(r, s)))
                .add("Marker", page.marker());
    }

    // ---------------------------------------------------------------- events, engine versions

    private Xml describeEvents(QueryRequest q) {
        Resources r = scope(q);
        String sourceId = Inputs.lookup(q.string("SourceIdentifier"));
        String sourceType = q.string("SourceType");
        if (sourceType != null && !SOURCE_TYPES.contains(sourceType) && !sourceType.equals(CLUSTER_PG_SOURCE)) {
            throw RdsErrors.invalidValue("Invalid SourceType: " + sourceType + ". Valid values are "
                    + String.join(", ", new java.util.TreeSet<>(SOURCE_TYPES)) + ".");
        }
        Instant now = now();
        Instant start = Inputs.timestamp(q, "StartTime");
        Instant end = Inputs.timestamp(q, "EndTime");
        Integer duration = q.integer("Duration");
        if (duration != null && duration < 0) {
            throw RdsErrors.invalidValue("Duration must be a number of minutes of 0 or more, was " + duration + ".");
        }
        if (end == null) {
            end = now;
        }
        if (start == null) {
            start = end.minus(Duration.ofMinutes(duration == null ? 60 : duration));
        }
        if (start.isAfter(end)) {
            throw RdsErrors.invalidValue("StartTime " + start + " is after EndTime " + end + ".");
        }
        List<String> categories = q.list("EventCategories.EventCategory");
        List<Event> found = new ArrayList<>();
        for (Event e : r.events) {
            if (e.date().isBefore(start) || e.date().isAfter(end)) {
                continue;
            }
            if (sourceId != null && !e.sourceId().equals(sourceId)) {
                continue;
            }
            if (sourceType != null && !matchesSourceType(e, sourceType)) {
                continue;
            }
            if (!categories.isEmpty() && e.categories().stream().noneMatch(categories::contains)) {
                continue;
            }
            found.add(e);
        }
        Page<Event> page = Inputs.page(q, found);
        return Xml.element("DescribeEventsResult")
                .add(Xml.element("Events").addAll("Event", page.items(), RdsXml::event))
                .add("Marker", page.marker());
    }

    private static boolean matchesSourceType(Event e, String sourceType) {
        if (sourceType.equals(CLUSTER_PG_SOURCE)) {
            return e.sourceArn().contains(":cluster-pg:");
        }
        return e.sourceType().equals(sourceType);
    }

    private Xml describeEngineVersions(QueryRequest q) {
        String engine = q.string("Engine");
        String version = q.string("EngineVersion");
        String family = q.string("DBParameterGroupFamily");
        boolean defaultOnly = Inputs.flag(q, "DefaultOnly");
        List<EngineVersion> found = new ArrayList<>();
        for (EngineVersion v : EngineCatalog.all()) {
            if ((engine == null || v.engine().equals(engine)) && (version == null || v.version().equals(version))
                    && (family == null || v.family().equals(family)) && (!defaultOnly || v.isDefault())) {
                found.add(v);
            }
        }
        Page<EngineVersion> page = Inputs.page(q, found);
        return Xml.element("DescribeDBEngineVersionsResult")
                .add(Xml.element("DBEngineVersions").addAll("DBEngineVersion", page.items(), RdsXml::engineVersion))
                .add("Marker", page.marker());
    }

    // ---------------------------------------------------------------- log files

    private Xml describeLogFiles(QueryRequest q) {
        Resources r = scope(q);
        Instance i = instance(r, Inputs.lookup(q.require("DBInstanceIdentifier")));
        String contains = q.string("FilenameContains");
        Long since = longParam(q, "FileLastWritten");
        Long minSize = longParam(q, "FileSize");
        List<Resources.LogFile> found = new ArrayList<>();
        for (Resources.LogFile f : i.logFiles.values()) {
            if ((contains == null || f.name().contains(contains))
                    && (since == null || f.lastWritten().toEpochMilli() >= since)
                    && (minSize == null || f.size() > minSize)) {
                found.add(f);
            }
        }
        Page<Resources.LogFile> page = Inputs.page(q, found);
        return Xml.element("DescribeDBLogFilesResult")
                .add(Xml.element("DescribeDBLogFiles").addAll("DescribeDBLogFilesDetails", page.items(),
                        f -> Xml.element("DescribeDBLogFilesDetails")
                                .add("LogFileName", f.name())
                                .add("LastWritten", f.lastWritten().toEpochMilli())
                                .add("Size", f.size())))
                .add("Marker", page.marker());
    }

    /** Markers are line offsets; without NumberOfLines the rest of the file comes in one portion. */
    private Xml downloadLogFilePortion(QueryRequest q) {
        String instanceId = Inputs.lookup(q.require("DBInstanceIdentifier"));
        String name = q.require("LogFileName");
        Resources r = scope(q);
        Instance i = instance(r, instanceId);
        Resources.LogFile f = i.logFiles.get(name);
        if (f == null) {
            throw RdsErrors.notFound(RdsErrors.LOG_FILE_NOT_FOUND, "DBLog File: " + name
                    + ", is not found on the DB instance: " + i.id + ". List its files with DescribeDBLogFiles.");
        }
        String marker = q.string("Marker");
        int from;
        try {
            from = marker == null || marker.isEmpty() ? 0 : Integer.parseInt(marker);
        } catch (NumberFormatException e) {
            throw RdsErrors.invalidValue("The marker " + marker
                    + " is not valid; pass \"0\" or the Marker returned by the previous call");
        }
        Integer lines = q.integer("NumberOfLines");
        if (lines != null && lines < 1) {
            throw RdsErrors.invalidValue("NumberOfLines must be at least 1, was " + lines + ".");
        }
        String[] all = f.text().split("\n", -1);
        int total = f.text().endsWith("\n") ? all.length - 1 : all.length;
        int start = Math.min(Math.max(from, 0), total);
        int end = lines == null ? total : Math.min(total, start + lines);
        StringBuilder data = new StringBuilder();
        for (int n = start; n < end; n++) {
            data.append(all[n]).append('\n');
        }
        return Xml.element("DownloadDBLogFilePortionResult")
                .add("LogFileData", data.toString())
                .add("Marker", Integer.toString(end))
                .add("AdditionalDataPending", end < total);
    }

    // ---------------------------------------------------------------- tags

    private Xml listTags(QueryRequest q) {
        Map<String, String> tags = taggable(q, q.require("ResourceName"));
        return Xml.element("ListTagsForResourceResult").add(RdsXml.tagList(tags));
    }

    private Xml addTags(QueryRequest q) {
        String arn = q.require("ResourceName");
        if (q.structs("Tags.Tag").isEmpty()) {
            throw AwsError.missingParameter("Tags");
        }
        Map<String, String> add = Inputs.tags(q);
        Map<String, String> tags = taggable(q, arn);
        Map<String, String> merged = new java.util.LinkedHashMap<>(tags);
        merged.putAll(add);
        if (merged.size() > 50) {
            throw RdsErrors.invalidValue("A resource can have at most 50 tags; " + arn + " would have "
                    + merged.size() + ". Remove some with RemoveTagsFromResource first.");
        }
        tags.putAll(add);
        return null;
    }

    private Xml removeTags(QueryRequest q) {
        String arn = q.require("ResourceName");
        List<String> keys = q.list("TagKeys.member");
        if (keys.isEmpty()) {
            throw AwsError.missingParameter("TagKeys");
        }
        taggable(q, arn).keySet().removeAll(keys);
        return null;
    }

    /** The live tag map of the resource an ARN names, in the caller's account and region. */
    private Map<String, String> taggable(QueryRequest q, String arn) {
        Resources r = scope(q);
        String[] parts = arn.split(":", 7);
        if (parts.length != 7 || !parts[0].equals("arn") || !parts[2].equals("rds")) {
            throw RdsErrors.invalidValue("The specified resource name " + arn + " is not a valid ARN; pass an ARN "
                    + "such as " + r.arn("cluster", "my-cluster") + ".");
        }
        if (!parts[3].equals(r.region) || !parts[4].equals(r.account)) {
            throw RdsErrors.invalidValue("The specified resource name does not match an RDS resource in this "
                    + "region: " + arn + " (account " + r.account + ", region " + r.region + ").");
        }
        String id = parts[6].toLowerCase(Locale.ROOT);
        return switch (parts[5]) {
            case "cluster" -> cluster(r, id).tags;
            case "db" -> instance(r, id).tags;
            case "cluster-pg" -> group(r, id, true, RdsErrors.CLUSTER_PG_NOT_FOUND).tags;
            case "pg" -> group(r, id, false, RdsErrors.PG_NOT_FOUND).tags;
            default -> throw RdsErrors.invalidValue("LocalAws keeps tags of DB clusters, DB instances and parameter"
                    + " groups only (ARN types cluster, db, cluster-pg, pg), not of " + parts[5] + ": " + arn + ".");
        };
    }

    private static Long longParam(QueryRequest q, String name) {
        String v = q.string(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw RdsErrors.invalidValue("Invalid value for " + name + ": " + v + ". Pass a whole number.");
        }
    }

    // ---------------------------------------------------------------- helpers

    private Resources scope(QueryRequest q) {
        String account = q.accountId();
        String region = q.region();
        return scopes.computeIfAbsent(account + "/" + region, k -> new Resources(account, region));
    }

    private static Cluster cluster(Resources r, String id) {
        Cluster c = r.clusters.get(id);
        if (c == null) {
            throw RdsErrors.clusterNotFound(id);
        }
        return c;
    }

    private static Instance instance(Resources r, String id) {
        Instance i = r.instances.get(id);
        if (i == null) {
            throw RdsErrors.instanceNotFound(id);
        }
        return i;
    }

    private static ParamGroup group(Resources r, String name, boolean cluster, String notFoundCode) {
        ParamGroup g = (cluster ? r.clusterGroups : r.instanceGroups).get(name);
        if (g == null) {
            throw RdsErrors.notFound(notFoundCode, cluster
                    ? "DBClusterParameterGroup not found: " + name
                    : "DBParameterGroup not found: " + name);
        }
        return g;
    }

    /** A cluster parameter group to attach: it must exist and be of the version's family. */
    private static String clusterGroupFor(Resources r, String requested, EngineVersion version) {
        if (requested == null) {
            return "default." + version.family();
        }
        ParamGroup g = group(r, Inputs.lookup(requested), true, RdsErrors.CLUSTER_PG_NOT_FOUND);
        checkFamily(g, version);
        return g.name;
    }

    private static String instanceGroupFor(Resources r, String requested, EngineVersion version) {
        ParamGroup g = group(r, Inputs.lookup(requested), false, RdsErrors.PG_NOT_FOUND);
        checkFamily(g, version);
        return g.name;
    }

    private static void checkFamily(ParamGroup g, EngineVersion version) {
        if (!g.family.equals(version.family())) {
            throw RdsErrors.invalidCombination("The Parameter Group " + g.name + " with DBParameterGroupFamily "
                    + g.family + " cannot be used for this instance. Please use a Parameter Group with "
                    + "DBParameterGroupFamily " + version.family());
        }
    }

    /** {@code binlog_format} of the cluster's parameter group as the server setting: null when OFF. */
    private static String desiredBinlogFormat(Resources r, Cluster c) {
        ParamGroup g = r.clusterGroups.get(c.parameterGroup);
        String format = g == null ? "OFF" : g.value("binlog_format", "OFF");
        return format.equals("OFF") ? null : format;
    }

    private static void checkEngine(String engine) {
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

    private static boolean matches(Map<String, List<String>> filters, String name, String value) {
        List<String> allowed = filters.get(name);
        return allowed == null || (value != null && allowed.contains(value.toLowerCase(Locale.ROOT)));
    }

    private void event(Resources r, String type, String id, String arn, String message, String... categories) {
        r.events.add(new Event(id, type, message, List.of(categories), now(), arn));
    }

    private Instant now() {
        return clock.instant();
    }

    private static String randomId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 26).toUpperCase(Locale.ROOT);
    }

    /** What a transition does once its delay and its work are both over; runs under this object's lock. */
    @FunctionalInterface
    private interface Reach<T> {
        /**
         * @param result what the work returned (null without work or when it failed)
         * @param failure what the work threw, or null
         * @return the state reached, or null to look again shortly (something else must finish first)
         */
        String apply(T result, RuntimeException failure);
    }

    /**
     * A transition of one resource from {@code from}: its emulated delay and its real work (if any)
     * run at the same time, and {@code reach} runs once both are over, so the transition takes the
     * longer of the two rather than their sum. Recorded in {@link #transitions()} from the request
     * (now) to the state reached, unless {@code resourceId} is null (a change with no state of its own).
     */
    private <T> void transition(Resources r, String type, String resourceId, String from, Duration emulated,
            Supplier<T> work, Reach<T> reach) {
        long accepted = System.nanoTime();
        Instant acceptedAt = now();
        synchronized (idleMonitor) {
            inFlight++;
        }
        try {
            CompletableFuture<T> done = work == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.supplyAsync(work, workers);
            CompletableFuture<Void> delay = new CompletableFuture<>();
            scheduler.schedule(() -> delay.complete(null), emulated.toNanos(), TimeUnit.NANOSECONDS);
            delay.thenCombine(done.handle((v, e) -> e == null ? Map.entry(Optional.ofNullable(v), Optional.<Throwable>empty())
                    : Map.entry(Optional.<T>empty(), Optional.of(e))), (x, outcome) -> outcome)
                    // Never on the request's thread, which holds the lock: the answer shows the state left.
                    .thenAcceptAsync(outcome -> reach(r, type, resourceId, from, emulated, accepted, acceptedAt,
                            outcome.getKey().orElse(null), outcome.getValue().map(RdsService::unwrap).orElse(null),
                            reach), scheduler);
        } catch (RejectedExecutionException e) {
            done();
        }
    }

    private <T> void reach(Resources r, String type, String resourceId, String from, Duration emulated,
            long accepted, Instant acceptedAt, T result, RuntimeException failure, Reach<T> reach) {
        String to;
        try {
            synchronized (this) {
                to = reach.apply(result, failure);
            }
        } catch (RuntimeException e) {
            LOG.warn("An RDS transition failed: {}", e.toString());
            done();
            return;
        }
        if (to == null) {
            try {
                scheduler.schedule(() -> reach(r, type, resourceId, from, emulated, accepted, acceptedAt, result,
                        failure, reach), POLL.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                done();
            }
            return;
        }
        if (resourceId != null) {
            Transition t = new Transition(r.account, r.region, type, resourceId, from, to, acceptedAt, emulated,
                    Duration.ofNanos(System.nanoTime() - accepted));
            synchronized (transitions) {
                transitions.add(t);
            }
        }
        done();
    }

    private static RuntimeException unwrap(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                ? t.getCause() : t;
        return cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }

    /**
     * One finished transition of a resource.
     *
     * @param account the owning account id
     * @param region the region
     * @param resourceType db-cluster, db-instance or db-cluster-snapshot
     * @param resourceId the resource identifier
     * @param from the state it was in (creating, modifying, rebooting, deleting, upgrading)
     * @param to the state it reached (available, failed, deleted, ...)
     * @param acceptedAt when the request was accepted, on the service's clock
     * @param emulated the emulated duration ({@link Timings})
     * @param actual from the request to the state reached: the longer of the emulated duration and
     *     the real work (server start, restart or copy), plus waiting for other resources
     */
    public record Transition(String account, String region, String resourceType, String resourceId, String from,
            String to, Instant acceptedAt, Duration emulated, Duration actual) {
    }

    /** @return every transition finished so far, in the order they finished */
    public List<Transition> transitions() {
        synchronized (transitions) {
            return List.copyOf(transitions);
        }
    }

    private void done() {
        synchronized (idleMonitor) {
            inFlight--;
            idleMonitor.notifyAll();
        }
    }
}
