package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.QueryRequest;
import dev.opskit.testkit.internal.protocol.QueryService;
import dev.opskit.testkit.internal.protocol.Xml;
import dev.opskit.testkit.internal.rds.ClusterOps.Changes;
import dev.opskit.testkit.internal.rds.ClusterOps.NewCluster;
import dev.opskit.testkit.internal.rds.ClusterOps.Restore;
import dev.opskit.testkit.internal.rds.Inputs.Filters;
import dev.opskit.testkit.internal.rds.Inputs.Page;
import dev.opskit.testkit.internal.rds.InstanceOps.NewInstance;
import dev.opskit.testkit.internal.rds.ParameterCatalog.Definition;
import dev.opskit.testkit.internal.rds.ParameterGroupOps.Change;
import dev.opskit.testkit.internal.rds.RdsModel.Cluster;
import dev.opskit.testkit.internal.rds.RdsModel.Instance;
import dev.opskit.testkit.internal.rds.RdsModel.LogFile;
import dev.opskit.testkit.internal.rds.RdsModel.MaintenanceWindow;
import dev.opskit.testkit.internal.rds.RdsModel.ParamGroup;
import dev.opskit.testkit.internal.rds.SnapshotEventLogOps.EventQuery;
import dev.opskit.testkit.internal.rds.SnapshotEventLogOps.LogFileQuery;
import dev.opskit.testkit.internal.rds.SnapshotEventLogOps.Portion;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * RDS over awsQuery, as moto's {@code responses.py}: each action reads its parameters from the
 * request into typed arguments, calls {@link RdsBackend} and renders the result with
 * {@link RdsXml}. Nothing here changes state.
 */
public final class RdsActions implements QueryService {
    static final String NAMESPACE = "http://rds.amazonaws.com/doc/2014-10-31/";

    /** The actions handled, as named in the RDS model. */
    public static final Set<String> OPERATIONS = Set.of("CreateDBCluster", "DescribeDBClusters", "DeleteDBCluster",
            "ModifyDBCluster", "RestoreDBClusterToPointInTime", "CreateDBInstance", "DescribeDBInstances",
            "DeleteDBInstance", "RebootDBInstance", "CreateDBClusterParameterGroup",
            "DescribeDBClusterParameterGroups", "DeleteDBClusterParameterGroup", "DescribeDBClusterParameters",
            "ModifyDBClusterParameterGroup", "CreateDBParameterGroup", "DescribeDBParameterGroups",
            "DeleteDBParameterGroup", "DescribeDBParameters", "ModifyDBParameterGroup", "CreateDBClusterSnapshot",
            "DescribeDBClusterSnapshots", "DescribeEvents", "DescribeDBEngineVersions", "DescribeDBLogFiles",
            "DownloadDBLogFilePortion", "ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource");

    private static final long MAX_BACKTRACK_SECONDS = 259_200;
    /** The settings ModifyDBCluster takes that LocalAws does not change. */
    private static final List<String> UNSUPPORTED_CHANGES = List.of("NewDBClusterIdentifier", "MasterUserPassword",
            "Port");
    private static final Filters<Cluster> CLUSTER_FILTERS = Filters.<Cluster>on("clone-group-id", c -> c.cloneGroupId)
            .and("db-cluster-id", c -> c.id)
            .and("db-cluster-resource-id", c -> c.resourceId)
            .and("domain", c -> null)
            .and("engine", c -> c.engine);
    private static final Filters<Instance> INSTANCE_FILTERS = Filters.<Instance>on("db-cluster-id", i -> i.clusterId)
            .and("db-instance-id", i -> i.id)
            .and("dbi-resource-id", i -> i.resourceId)
            .and("domain", i -> null)
            .and("engine", i -> i.engine);

    private final RdsBackend backend;

    /** @param backend the state the actions read and change */
    public RdsActions(RdsBackend backend) {
        this.backend = backend;
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
        Supplier<Xml> action = switch (r.action()) {
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
        synchronized (backend) {
            return action.get();
        }
    }

    // ---------------------------------------------------------------- clusters

    private Xml createCluster(QueryRequest q) {
        String rawId = q.require("DBClusterIdentifier");
        String engine = q.require("Engine");
        RdsModel r = scope(q);
        NewCluster n = new NewCluster(Inputs.identifier("DBClusterIdentifier", rawId), engine,
                q.string("EngineVersion"), q.string("MasterUsername"), q.string("MasterUserPassword"),
                q.string("DBClusterParameterGroupName"), q.string("DatabaseName"), Inputs.flag(q, "DeletionProtection"),
                backtrackWindow(q), maintenanceWindow(q), Inputs.tags(q));
        Cluster c = backend.clusters.create(r, n);
        return Xml.element("CreateDBClusterResult").add(RdsXml.cluster(r, c, r.now()));
    }

    /** The {@code PreferredMaintenanceWindow} parameter, validated, or null when absent. */
    private static MaintenanceWindow maintenanceWindow(QueryRequest q) {
        String raw = q.string("PreferredMaintenanceWindow");
        return raw == null ? null : MaintenanceWindow.parse(raw);
    }

    private static long backtrackWindow(QueryRequest q) {
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
        RdsModel r = scope(q);
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
        Cluster c = backend.clusters.restore(r, new Restore(id, sourceId, restoreType.equals("copy-on-write"),
                q.string("DBClusterParameterGroupName"), Inputs.flag(q, "DeletionProtection"), Inputs.tags(q)));
        return Xml.element("RestoreDBClusterToPointInTimeResult").add(RdsXml.cluster(r, c, r.now()));
    }

    private Xml describeClusters(QueryRequest q) {
        RdsModel r = scope(q);
        List<Cluster> found = backend.clusters.describe(r, Inputs.lookup(q.string("DBClusterIdentifier")),
                Inputs.filter(q, CLUSTER_FILTERS));
        Instant now = r.now();
        return describe("DescribeDBClustersResult", "DBClusters", "DBCluster", Inputs.page(q, found),
                c -> RdsXml.cluster(r, c, now));
    }

    private Xml deleteCluster(QueryRequest q) {
        String id = Inputs.lookup(q.require("DBClusterIdentifier"));
        RdsModel r = scope(q);
        Cluster c = backend.clusters.delete(r, id, Inputs.flag(q, "SkipFinalSnapshot"),
                q.string("FinalDBSnapshotIdentifier"));
        return Xml.element("DeleteDBClusterResult").add(RdsXml.cluster(r, c, r.now()));
    }

    private Xml modifyCluster(QueryRequest q) {
        String id = Inputs.lookup(q.require("DBClusterIdentifier"));
        RdsModel r = scope(q);
        Changes changes = new Changes(q.string("EngineVersion"), Inputs.flag(q, "AllowMajorVersionUpgrade"),
                Inputs.flag(q, "ApplyImmediately"), q.string("DBClusterParameterGroupName"),
                q.string("DBInstanceParameterGroupName"), maintenanceWindow(q),
                UNSUPPORTED_CHANGES.stream().filter(p -> q.string(p) != null).toList());
        Cluster c = backend.clusters.modify(r, id, changes);
        return Xml.element("ModifyDBClusterResult").add(RdsXml.cluster(r, c, r.now()));
    }

    // ---------------------------------------------------------------- instances

    private Xml createInstance(QueryRequest q) {
        String rawId = q.require("DBInstanceIdentifier");
        String instanceClass = q.require("DBInstanceClass");
        String engine = q.require("Engine");
        RdsModel r = scope(q);
        NewInstance n = new NewInstance(Inputs.identifier("DBInstanceIdentifier", rawId), instanceClass, engine,
                q.string("DBClusterIdentifier"), q.string("DBParameterGroupName"), q.integer("PromotionTier"),
                q.string("AvailabilityZone"), q.string("MasterUsername") != null
                        || q.string("MasterUserPassword") != null, Inputs.tags(q));
        Instance i = backend.instances.create(r, n);
        return Xml.element("CreateDBInstanceResult").add(RdsXml.instance(r, i, r.clusters.get(i.clusterId)));
    }

    private Xml describeInstances(QueryRequest q) {
        RdsModel r = scope(q);
        List<Instance> found = backend.instances.describe(r, Inputs.lookup(q.string("DBInstanceIdentifier")),
                Inputs.filter(q, INSTANCE_FILTERS));
        return describe("DescribeDBInstancesResult", "DBInstances", "DBInstance", Inputs.page(q, found),
                i -> RdsXml.instance(r, i, r.clusters.get(i.clusterId)));
    }

    private Xml deleteInstance(QueryRequest q) {
        String id = Inputs.lookup(q.require("DBInstanceIdentifier"));
        RdsModel r = scope(q);
        Instance i = backend.instances.delete(r, id);
        return Xml.element("DeleteDBInstanceResult").add(RdsXml.instance(r, i, r.clusters.get(i.clusterId)));
    }

    private Xml rebootInstance(QueryRequest q) {
        String id = Inputs.lookup(q.require("DBInstanceIdentifier"));
        RdsModel r = scope(q);
        Instance i = backend.instances.reboot(r, id);
        return Xml.element("RebootDBInstanceResult").add(RdsXml.instance(r, i, r.clusters.get(i.clusterId)));
    }

    // ---------------------------------------------------------------- parameter groups

    private static String groupParameter(boolean cluster) {
        return cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName";
    }

    private Xml createGroup(QueryRequest q, boolean cluster) {
        String nameParam = groupParameter(cluster);
        String rawName = q.require(nameParam);
        String family = q.require("DBParameterGroupFamily");
        String description = q.require("Description");
        RdsModel r = scope(q);
        String name = Inputs.name(nameParam, rawName, 255);
        Map<String, String> tags = Inputs.tags(q);
        ParamGroup g = backend.parameterGroups.create(r, cluster, name, family, description, tags);
        return cluster
                ? Xml.element("CreateDBClusterParameterGroupResult").add(RdsXml.clusterGroup(r, g))
                : Xml.element("CreateDBParameterGroupResult").add(RdsXml.instanceGroup(r, g));
    }

    private Xml describeGroups(QueryRequest q, boolean cluster) {
        RdsModel r = scope(q);
        List<ParamGroup> found = backend.parameterGroups.describe(r, cluster,
                Inputs.lookup(q.string(groupParameter(cluster))));
        Page<ParamGroup> page = Inputs.page(q, found);
        return cluster
                ? describe("DescribeDBClusterParameterGroupsResult", "DBClusterParameterGroups",
                        "DBClusterParameterGroup", page, g -> RdsXml.clusterGroup(r, g))
                : describe("DescribeDBParameterGroupsResult", "DBParameterGroups", "DBParameterGroup", page,
                        g -> RdsXml.instanceGroup(r, g));
    }

    private Xml deleteGroup(QueryRequest q, boolean cluster) {
        String name = Inputs.lookup(q.require(groupParameter(cluster)));
        backend.parameterGroups.delete(scope(q), cluster, name);
        return null;
    }

    private Xml describeParameters(QueryRequest q, boolean cluster) {
        String name = Inputs.lookup(q.require(groupParameter(cluster)));
        Map.Entry<ParamGroup, List<Definition>> found = backend.parameterGroups.parameters(scope(q), cluster, name,
                q.string("Source"));
        ParamGroup g = found.getKey();
        return describe(cluster ? "DescribeDBClusterParametersResult" : "DescribeDBParametersResult", "Parameters",
                "Parameter", Inputs.page(q, found.getValue()), d -> RdsXml.parameter(d, g));
    }

    private Xml modifyGroup(QueryRequest q, boolean cluster) {
        String name = Inputs.lookup(q.require(groupParameter(cluster)));
        List<Change> changes = q.structs("Parameters.Parameter").stream()
                .map(c -> new Change(c.get("ParameterName"), c.get("ParameterValue"), c.get("ApplyMethod"))).toList();
        ParamGroup g = backend.parameterGroups.modify(scope(q), cluster, name, changes);
        return cluster
                ? Xml.element("ModifyDBClusterParameterGroupResult").add("DBClusterParameterGroupName", g.name)
                : Xml.element("ModifyDBParameterGroupResult").add("DBParameterGroupName", g.name);
    }

    // ---------------------------------------------------------------- snapshots, events, engine versions

    private Xml createSnapshot(QueryRequest q) {
        String rawId = q.require("DBClusterSnapshotIdentifier");
        String clusterId = Inputs.lookup(q.require("DBClusterIdentifier"));
        RdsModel r = scope(q);
        String id = Inputs.name("DBClusterSnapshotIdentifier", rawId, 255);
        return Xml.element("CreateDBClusterSnapshotResult")
                .add(RdsXml.snapshot(r, backend.records.createSnapshot(r, id, clusterId)));
    }

    private Xml describeSnapshots(QueryRequest q) {
        RdsModel r = scope(q);
        var found = backend.records.describeSnapshots(r, Inputs.lookup(q.string("DBClusterSnapshotIdentifier")),
                Inputs.lookup(q.string("DBClusterIdentifier")), q.string("SnapshotType"));
        return describe("DescribeDBClusterSnapshotsResult", "DBClusterSnapshots", "DBClusterSnapshot",
                Inputs.page(q, found), s -> RdsXml.snapshot(r, s));
    }

    private Xml describeEvents(QueryRequest q) {
        EventQuery query = new EventQuery(Inputs.lookup(q.string("SourceIdentifier")), q.string("SourceType"),
                Inputs.timestamp(q, "StartTime"), Inputs.timestamp(q, "EndTime"), q.integer("Duration"),
                q.list("EventCategories.EventCategory"));
        return describe("DescribeEventsResult", "Events", "Event",
                Inputs.page(q, backend.records.describeEvents(scope(q), query)), RdsXml::event);
    }

    private Xml describeEngineVersions(QueryRequest q) {
        var found = SnapshotEventLogOps.describeEngineVersions(q.string("Engine"), q.string("EngineVersion"),
                q.string("DBParameterGroupFamily"), Inputs.flag(q, "DefaultOnly"));
        return describe("DescribeDBEngineVersionsResult", "DBEngineVersions", "DBEngineVersion",
                Inputs.page(q, found), RdsXml::engineVersion);
    }

    // ---------------------------------------------------------------- log files

    private Xml describeLogFiles(QueryRequest q) {
        RdsModel r = scope(q);
        String instanceId = Inputs.lookup(q.require("DBInstanceIdentifier"));
        List<LogFile> found = backend.records.describeLogFiles(r, instanceId, new LogFileQuery(
                q.string("FilenameContains"), Inputs.longValue(q, "FileLastWritten"), Inputs.longValue(q, "FileSize")));
        return describe("DescribeDBLogFilesResult", "DescribeDBLogFiles", "DescribeDBLogFilesDetails",
                Inputs.page(q, found), RdsXml::logFile);
    }

    private Xml downloadLogFilePortion(QueryRequest q) {
        String instanceId = Inputs.lookup(q.require("DBInstanceIdentifier"));
        String name = q.require("LogFileName");
        Portion p = backend.records.downloadLogFilePortion(scope(q), instanceId, name, q.string("Marker"),
                q.integer("NumberOfLines"));
        return Xml.element("DownloadDBLogFilePortionResult")
                .add("LogFileData", p.data())
                .add("Marker", p.marker())
                .add("AdditionalDataPending", p.more());
    }

    // ---------------------------------------------------------------- tags

    private Xml listTags(QueryRequest q) {
        String arn = q.require("ResourceName");
        return Xml.element("ListTagsForResourceResult").add(RdsXml.tagList(backend.tags.list(scope(q), arn)));
    }

    private Xml addTags(QueryRequest q) {
        String arn = q.require("ResourceName");
        if (q.structs("Tags.Tag").isEmpty()) {
            throw AwsError.missingParameter("Tags");
        }
        backend.tags.add(scope(q), arn, Inputs.tags(q));
        return null;
    }

    private Xml removeTags(QueryRequest q) {
        String arn = q.require("ResourceName");
        List<String> keys = q.list("TagKeys.member");
        if (keys.isEmpty()) {
            throw AwsError.missingParameter("TagKeys");
        }
        backend.tags.remove(scope(q), arn, keys);
        return null;
    }

    // ---------------------------------------------------------------- helpers

    private RdsModel scope(QueryRequest q) {
        return backend.scope(q.accountId(), q.region());
    }

    /** A Describe call's answer: one page of what it found, each rendered as {@code member}, and the next marker. */
    private static <T> Xml describe(String result, String list, String member, Page<T> page, Function<T, Xml> render) {
        return Xml.element(result).add(Xml.element(list).addAll(member, page.items(), render))
                .add("Marker", page.marker());
    }
}
