package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.protocol.Xml;
import dev.opskit.testkit.internal.rds.EngineCatalog.EngineVersion;
import dev.opskit.testkit.internal.rds.ParameterCatalog.Definition;
import dev.opskit.testkit.internal.rds.RdsModel.Cluster;
import dev.opskit.testkit.internal.rds.RdsModel.Event;
import dev.opskit.testkit.internal.rds.RdsModel.Instance;
import dev.opskit.testkit.internal.rds.RdsModel.ParamGroup;
import dev.opskit.testkit.internal.rds.RdsModel.Snapshot;

import java.time.Instant;
import java.util.List;

/** RDS resources as the awsQuery XML shapes of the 2014-10-31 model. */
final class RdsXml {
    /** Endpoints are loopback addresses: the DB servers listen on 127.0.0.1. */
    static final String ADDRESS = "127.0.0.1";
    private static final String HOSTED_ZONE = "Z2R2ITUGPM61AM";

    private RdsXml() {
    }

    static Xml cluster(RdsModel r, Cluster c, Instant now) {
        List<Instance> members = r.membersOf(c);
        Xml x = Xml.element("DBCluster")
                .add("AllocatedStorage", 1)
                .add(Xml.element("AvailabilityZones").addTexts("AvailabilityZone",
                        List.of(r.region + "a", r.region + "b", r.region + "c")))
                .add("BackupRetentionPeriod", 1)
                .add("DatabaseName", c.databaseName)
                .add("DBClusterIdentifier", c.id)
                .add("DBClusterParameterGroup", c.parameterGroup)
                .add("DBSubnetGroup", "default")
                .add("Status", c.status)
                .add("EarliestRestorableTime", c.server == null ? null : c.createdAt)
                .add("Endpoint", c.server == null ? null : ADDRESS)
                .add("ReaderEndpoint", c.server == null ? null : ADDRESS)
                .add("MultiAZ", members.size() > 1)
                .add("Engine", c.engine)
                .add("EngineVersion", c.engineVersion)
                .add("BacktrackWindow", c.backtrackWindow > 0 ? c.backtrackWindow : null)
                .add("EarliestBacktrackTime", c.backtrackWindow > 0 && c.server != null ? c.createdAt : null)
                .add("LatestRestorableTime", c.server == null ? null : now)
                .add("Port", c.server == null ? null : c.server.port())
                .add("MasterUsername", c.masterUsername)
                .add("PreferredBackupWindow", "07:00-07:30")
                .add("PreferredMaintenanceWindow", c.maintenanceWindow.text())
                .add(Xml.element("ReadReplicaIdentifiers"))
                .add(Xml.element("DBClusterMembers").addAll("DBClusterMember", members, i -> Xml.element("m")
                        .add("DBInstanceIdentifier", i.id)
                        .add("IsClusterWriter", i.writer)
                        .add("DBClusterParameterGroupStatus", i.clusterParameterGroupStatus)
                        .add("PromotionTier", i.promotionTier)))
                .add(Xml.element("VpcSecurityGroups").add(Xml.element("VpcSecurityGroupMembership")
                        .add("VpcSecurityGroupId", "sg-00000000000000000").add("Status", "active")))
                .add("HostedZoneId", HOSTED_ZONE)
                .add("StorageEncrypted", false)
                .add("DbClusterResourceId", c.resourceId)
                .add("DBClusterArn", r.arn("cluster", c.id))
                .add(Xml.element("AssociatedRoles"))
                .add("IAMDatabaseAuthenticationEnabled", false)
                .add("CloneGroupId", c.cloneGroupId)
                .add("ClusterCreateTime", c.createdAt)
                .add("EngineMode", "provisioned")
                .add("DeletionProtection", c.deletionProtection)
                .add("HttpEndpointEnabled", false)
                .add("CopyTagsToSnapshot", false)
                .add("CrossAccountClone", false)
                .add(tagList(c.tags));
        if (c.pendingUpgrade != null) {
            x.add(Xml.element("PendingModifiedValues").add("EngineVersion", c.pendingUpgrade.target().version()));
        }
        return x.add("AutoMinorVersionUpgrade", true).add("NetworkType", "IPV4");
    }

    static Xml instance(RdsModel r, Instance i, Cluster c) {
        boolean reachable = c != null && c.server != null && i.createdAt != null;
        Xml endpoint = reachable
                ? Xml.element("Endpoint").add("Address", ADDRESS).add("Port", c.server.port())
                        .add("HostedZoneId", HOSTED_ZONE)
                : null;
        return Xml.element("DBInstance")
                .add("DBInstanceIdentifier", i.id)
                .add("DBInstanceClass", i.instanceClass)
                .add("Engine", i.engine)
                .add("DBInstanceStatus", i.status)
                .add("MasterUsername", c == null ? null : c.masterUsername)
                .add("DBName", c == null ? null : c.databaseName)
                .add(endpoint)
                .add("AllocatedStorage", 1)
                .add("InstanceCreateTime", i.createdAt)
                .add("PreferredBackupWindow", "07:00-07:30")
                .add("BackupRetentionPeriod", 1)
                .add(Xml.element("DBSecurityGroups"))
                .add(Xml.element("VpcSecurityGroups").add(Xml.element("VpcSecurityGroupMembership")
                        .add("VpcSecurityGroupId", "sg-00000000000000000").add("Status", "active")))
                .add(Xml.element("DBParameterGroups").add(Xml.element("DBParameterGroup")
                        .add("DBParameterGroupName", i.parameterGroup).add("ParameterApplyStatus", "in-sync")))
                .add("AvailabilityZone", i.availabilityZone)
                // Aurora instances follow their cluster's window.
                .add("PreferredMaintenanceWindow", (c == null ? RdsModel.MaintenanceWindow.DEFAULT
                        : c.maintenanceWindow).text())
                .add(Xml.element("PendingModifiedValues"))
                .add("MultiAZ", false)
                .add("EngineVersion", i.engineVersion)
                .add("AutoMinorVersionUpgrade", true)
                .add(Xml.element("ReadReplicaDBInstanceIdentifiers"))
                .add("LicenseModel", "general-public-license")
                .add("PubliclyAccessible", false)
                .add("StorageType", "aurora")
                .add("DbInstancePort", 0)
                .add("DBClusterIdentifier", i.clusterId)
                .add("StorageEncrypted", false)
                .add("DbiResourceId", i.resourceId)
                .add("CACertificateIdentifier", "rds-ca-rsa2048-g1")
                .add("CopyTagsToSnapshot", false)
                .add("MonitoringInterval", 0)
                .add("PromotionTier", i.promotionTier)
                .add("DBInstanceArn", r.arn("db", i.id))
                .add("IAMDatabaseAuthenticationEnabled", false)
                .add("PerformanceInsightsEnabled", false)
                .add("DeletionProtection", false)
                .add(tagList(i.tags))
                .add("NetworkType", "IPV4");
    }

    /** A {@code TagList} of {@code Tag} members with {@code Key} and {@code Value}. */
    static Xml tagList(java.util.Map<String, String> tags) {
        return Xml.element("TagList").addAll("Tag", tags.entrySet(), e -> Xml.element("Tag")
                .add("Key", e.getKey()).add("Value", e.getValue()));
    }

    static Xml clusterGroup(RdsModel r, ParamGroup g) {
        return Xml.element("DBClusterParameterGroup")
                .add("DBClusterParameterGroupName", g.name)
                .add("DBParameterGroupFamily", g.family)
                .add("Description", g.description)
                .add("DBClusterParameterGroupArn", r.arn("cluster-pg", g.name));
    }

    static Xml instanceGroup(RdsModel r, ParamGroup g) {
        return Xml.element("DBParameterGroup")
                .add("DBParameterGroupName", g.name)
                .add("DBParameterGroupFamily", g.family)
                .add("Description", g.description)
                .add("DBParameterGroupArn", r.arn("pg", g.name));
    }

    static Xml parameter(Definition d, ParamGroup g) {
        String[] user = g.userValues.get(d.name());
        return Xml.element("Parameter")
                .add("ParameterName", d.name())
                .add("ParameterValue", user != null ? user[0] : d.defaultValue())
                .add("Description", d.description())
                .add("Source", user != null ? "user" : d.source())
                .add("ApplyType", d.applyType())
                .add("DataType", d.dataType())
                .add("AllowedValues", d.allowedValues())
                .add("IsModifiable", d.modifiable())
                .add("ApplyMethod", user != null ? user[1] : "pending-reboot")
                .add(Xml.element("SupportedEngineModes").add("member", "provisioned"));
    }

    static Xml snapshot(RdsModel r, Snapshot s) {
        return Xml.element("DBClusterSnapshot")
                .add(Xml.element("AvailabilityZones").addTexts("AvailabilityZone",
                        List.of(r.region + "a", r.region + "b", r.region + "c")))
                .add("DBClusterSnapshotIdentifier", s.id)
                .add("DBClusterIdentifier", s.clusterId)
                .add("SnapshotCreateTime", s.createdAt)
                .add("Engine", s.engine)
                .add("EngineMode", "provisioned")
                .add("AllocatedStorage", 1)
                .add("Status", s.status)
                .add("Port", 0)
                .add("VpcId", "vpc-00000000")
                .add("ClusterCreateTime", s.clusterCreatedAt)
                .add("MasterUsername", s.masterUsername)
                .add("EngineVersion", s.engineVersion)
                .add("LicenseModel", "aurora-mysql")
                .add("SnapshotType", s.type)
                .add("PercentProgress", s.percent)
                .add("StorageEncrypted", false)
                .add("DBClusterSnapshotArn", r.arn("cluster-snapshot", s.id))
                .add("IAMDatabaseAuthenticationEnabled", false)
                .add(Xml.element("TagList"));
    }

    static Xml logFile(RdsModel.LogFile f) {
        return Xml.element("DescribeDBLogFilesDetails")
                .add("LogFileName", f.name())
                .add("LastWritten", f.lastWritten().toEpochMilli())
                .add("Size", f.size());
    }

    static Xml event(Event e) {
        return Xml.element("Event")
                .add("SourceIdentifier", e.sourceId())
                .add("SourceType", e.sourceType())
                .add("Message", e.message())
                .add(Xml.element("EventCategories").addTexts("EventCategory", e.categories()))
                .add("Date", e.date())
                .add("SourceArn", e.sourceArn());
    }

    static Xml engineVersion(EngineVersion v) {
        Xml targets = Xml.element("ValidUpgradeTarget");
        for (EngineVersion t : EngineCatalog.upgradeTargets(v)) {
            targets.add(Xml.element("UpgradeTarget")
                    .add("Engine", t.engine())
                    .add("EngineVersion", t.version())
                    .add("Description", t.description())
                    .add("AutoUpgrade", false)
                    .add("IsMajorVersionUpgrade", t.major() != v.major())
                    .add(Xml.element("SupportedEngineModes").add("member", "provisioned"))
                    .add("SupportsParallelQuery", false)
                    .add("SupportsGlobalDatabases", true));
        }
        return Xml.element("DBEngineVersion")
                .add("Engine", v.engine())
                .add("EngineVersion", v.version())
                .add("DBParameterGroupFamily", v.family())
                .add("DBEngineDescription", "Aurora MySQL")
                .add("DBEngineVersionDescription", v.description())
                .add(targets)
                .add(Xml.element("ExportableLogTypes").addTexts("member",
                        List.of("audit", "error", "general", "slowquery")))
                .add("SupportsLogExportsToCloudwatchLogs", true)
                .add("SupportsReadReplica", true)
                .add(Xml.element("SupportedEngineModes").add("member", "provisioned"))
                .add(Xml.element("SupportedFeatureNames"))
                .add("Status", "available")
                .add("SupportsParallelQuery", false)
                .add("SupportsGlobalDatabases", true)
                .add("MajorEngineVersion", v.mysqlCompat());
    }
}
