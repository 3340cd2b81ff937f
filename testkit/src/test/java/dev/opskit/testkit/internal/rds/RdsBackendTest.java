package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.LocalRds;
import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.rds.RdsFakeDatabases.FakeServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RdsBackendTest {
    private static final String PASSWORD = "Sup3rSecretPw";

    private final RdsFakeDatabases databases = new RdsFakeDatabases();
    private final RdsCalls rds = RdsCalls.start(Timings.instant(), databases);

    @AfterEach
    void close() {
        rds.close();
    }

    private void clusterWithWriter(String cluster, String version) {
        rds.call("CreateDBCluster", "DBClusterIdentifier", cluster, "Engine",
                version.startsWith("5.6") ? "aurora" : "aurora-mysql", "EngineVersion", version,
                "MasterUsername", "admin", "MasterUserPassword", PASSWORD);
        rds.call("CreateDBInstance", "DBInstanceIdentifier", cluster + "-w", "DBClusterIdentifier", cluster,
                "DBInstanceClass", "db.r6g.large", "Engine", version.startsWith("5.6") ? "aurora" : "aurora-mysql");
        rds.settle();
    }

    @Test
    void clusterAndWriterBecomeAvailableOnTheirServer() {
        var created = rds.call("CreateDBCluster", "DBClusterIdentifier", "Orders", "Engine", "aurora-mysql",
                "EngineVersion", "5.7.mysql_aurora.2.11.2", "MasterUsername", "admin",
                "MasterUserPassword", PASSWORD);
        assertThat(created.text("//DBCluster/Status")).isEqualTo("creating");
        assertThat(created.text("//DBCluster/DBClusterIdentifier")).isEqualTo("orders");
        assertThat(created.text("//DBClusterArn")).isEqualTo("arn:aws:rds:us-east-1:111111111111:cluster:orders");
        var instance = rds.call("CreateDBInstance", "DBInstanceIdentifier", "orders-1", "DBClusterIdentifier",
                "orders", "DBInstanceClass", "db.r6g.large", "Engine", "aurora-mysql");
        assertThat(instance.text("//DBInstance/DBInstanceStatus")).isEqualTo("creating");
        rds.settle();

        FakeServer server = databases.started.get(0);
        assertThat(server.settings().engineVersion()).isEqualTo("5.7.mysql_aurora.2.11.2");
        assertThat(server.settings().binlogFormat()).isNull();
        assertThat(databases.passwords).containsExactly(PASSWORD);
        var cluster = rds.call("DescribeDBClusters", "DBClusterIdentifier", "orders");
        assertThat(cluster.text("//DBCluster/Status")).isEqualTo("available");
        assertThat(cluster.text("//DBCluster/Endpoint")).isEqualTo("127.0.0.1");
        assertThat(cluster.text("//DBCluster/Port")).isEqualTo(Integer.toString(server.port()));
        assertThat(cluster.text("//DBCluster/MasterUsername")).isEqualTo("admin");
        assertThat(cluster.text("//DBClusterMember/IsClusterWriter")).isEqualTo("true");
        assertThat(cluster.text("//DBClusterMember/DBClusterParameterGroupStatus")).isEqualTo("in-sync");
        assertThat(cluster.xml()).doesNotContain(PASSWORD);
        var described = rds.call("DescribeDBInstances", "DBInstanceIdentifier", "orders-1");
        assertThat(described.text("//DBInstance/DBInstanceStatus")).isEqualTo("available");
        assertThat(described.text("//DBInstance/Endpoint/Port")).isEqualTo(Integer.toString(server.port()));
        var events = rds.call("DescribeEvents");
        assertThat(events.texts("//Event/Message")).containsExactly("DB cluster created", "DB instance created");
        assertThat(events.texts("//Event/SourceType")).containsExactly("db-cluster", "db-instance");
    }

    @Test
    void identifiersFollowRdsRules() {
        for (String bad : List.of("1abc", "a--b", "abc-", "a_b", "a".repeat(64))) {
            AwsError e = rds.fail("CreateDBCluster", "DBClusterIdentifier", bad, "Engine", "aurora-mysql",
                    "MasterUsername", "admin", "MasterUserPassword", PASSWORD);
            assertThat(e.code()).as(bad).isEqualTo("InvalidParameterValue");
            assertThat(e.getMessage()).contains("The parameter DBClusterIdentifier is not a valid identifier");
        }
        AwsError missing = rds.fail("CreateDBCluster", "DBClusterIdentifier", "a");
        assertThat(missing.code()).isEqualTo("MissingParameter");
        assertThat(missing.getMessage()).contains("Engine");
    }

    @Test
    void errorsCarryRealCodesAndStatuses() {
        clusterWithWriter("orders", "8.0.mysql_aurora.3.04.0");
        AwsError exists = rds.fail("CreateDBCluster", "DBClusterIdentifier", "ORDERS", "Engine", "aurora-mysql",
                "MasterUsername", "admin", "MasterUserPassword", PASSWORD);
        assertThat(exists.code()).isEqualTo("DBClusterAlreadyExistsFault");
        assertThat(exists.httpStatus()).isEqualTo(400);
        AwsError notFound = rds.fail("DescribeDBClusters", "DBClusterIdentifier", "nope");
        assertThat(notFound.code()).isEqualTo("DBClusterNotFoundFault");
        assertThat(notFound.httpStatus()).isEqualTo(404);
        assertThat(rds.fail("DescribeDBInstances", "DBInstanceIdentifier", "nope").code())
                .isEqualTo("DBInstanceNotFound");
        AwsError version = rds.fail("CreateDBCluster", "DBClusterIdentifier", "x", "Engine", "aurora-mysql",
                "EngineVersion", "8.0.mysql_aurora.3.99.0", "MasterUsername", "admin", "MasterUserPassword", PASSWORD);
        assertThat(version.code()).isEqualTo("InvalidParameterCombination");
        assertThat(version.getMessage()).isEqualTo("Cannot find version 8.0.mysql_aurora.3.99.0 for aurora-mysql");
        AwsError engine = rds.fail("CreateDBInstance", "DBInstanceIdentifier", "x", "DBClusterIdentifier",
                "orders", "DBInstanceClass", "db.r6g.large", "Engine", "aurora");
        assertThat(engine.code()).isEqualTo("InvalidParameterCombination");
        AwsError shortPassword = rds.fail("CreateDBCluster", "DBClusterIdentifier", "x", "Engine",
                "aurora-mysql", "MasterUsername", "admin", "MasterUserPassword", "short");
        assertThat(shortPassword.getMessage()).contains("shorter than 8").doesNotContain("short\"");
    }

    @Test
    void deletingAClusterNeedsNoInstancesAndASnapshotDecision() {
        clusterWithWriter("orders", "5.7.mysql_aurora.2.11.2");
        AwsError noDecision = rds.fail("DeleteDBCluster", "DBClusterIdentifier", "orders");
        assertThat(noDecision.code()).isEqualTo("InvalidParameterCombination");
        AwsError members = rds.fail("DeleteDBCluster", "DBClusterIdentifier", "orders", "SkipFinalSnapshot", "true");
        assertThat(members.code()).isEqualTo("InvalidDBClusterStateFault");

        var deleting = rds.call("DeleteDBInstance", "DBInstanceIdentifier", "orders-w", "SkipFinalSnapshot", "true");
        assertThat(deleting.text("//DBInstance/DBInstanceStatus")).isEqualTo("deleting");
        rds.settle();
        rds.call("DeleteDBCluster", "DBClusterIdentifier", "orders", "FinalDBSnapshotIdentifier", "orders-final");
        rds.settle();
        assertThat(rds.fail("DescribeDBClusters", "DBClusterIdentifier", "orders").code())
                .isEqualTo("DBClusterNotFoundFault");
        assertThat(databases.started.get(0).destroyed()).isTrue();
        assertThat(rds.call("DescribeDBClusterSnapshots", "DBClusterSnapshotIdentifier", "orders-final")
                .text("//DBClusterSnapshot/Status")).isEqualTo("available");
        assertThat(rds.call("DescribeEvents", "SourceIdentifier", "orders", "SourceType", "db-cluster")
                .texts("//Event/Message")).containsExactly("DB cluster created", "DB cluster deleted");
    }

    @Test
    void aClusterWhoseInstancesAreAllDeletingCanBeDeletedAndGoesAfterThem() {
        Timings slowDelete = new Timings(java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO,
                java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO,
                java.time.Duration.ofMillis(300));
        RdsFakeDatabases dbs = new RdsFakeDatabases();
        try (RdsCalls calls = RdsCalls.start(slowDelete, dbs)) {
            calls.call("CreateDBCluster", "DBClusterIdentifier", "orders", "Engine", "aurora-mysql",
                    "MasterUsername", "admin", "MasterUserPassword", PASSWORD);
            for (String id : List.of("orders-1", "orders-2")) {
                calls.call("CreateDBInstance", "DBInstanceIdentifier", id, "DBClusterIdentifier", "orders",
                        "DBInstanceClass", "db.r6g.large", "Engine", "aurora-mysql");
            }
            calls.settle();
            calls.call("DeleteDBInstance", "DBInstanceIdentifier", "orders-1");
            AwsError oneLeft = calls.fail("DeleteDBCluster", "DBClusterIdentifier", "orders",
                    "SkipFinalSnapshot", "true");
            assertThat(oneLeft.code()).isEqualTo("InvalidDBClusterStateFault");
            assertThat(oneLeft.getMessage())
                    .isEqualTo("Cluster cannot be deleted, it still contains DB instances in non-deleting state.");

            calls.call("DeleteDBInstance", "DBInstanceIdentifier", "orders-2");
            var deleting = calls.call("DeleteDBCluster", "DBClusterIdentifier", "orders", "SkipFinalSnapshot", "true");
            assertThat(deleting.text("//DBCluster/Status")).isEqualTo("deleting");
            calls.settle();
            assertThat(calls.fail("DescribeDBClusters", "DBClusterIdentifier", "orders").code())
                    .isEqualTo("DBClusterNotFoundFault");
            assertThat(calls.call("DescribeDBInstances").texts("//DBInstance/DBInstanceIdentifier")).isEmpty();
            assertThat(dbs.started.get(0).destroyed()).isTrue();
            List<String> events = calls.call("DescribeEvents").texts("//Event/Message");
            // The instances go before their cluster.
            assertThat(events.indexOf("DB cluster deleted")).isGreaterThan(events.lastIndexOf("DB instance deleted"));
        }
    }

    @Test
    void realWorkRunsDuringTheEmulatedDelayAndEachTransitionIsRecorded() {
        java.time.Duration d = java.time.Duration.ofMillis(400);
        Timings timings = new Timings(d, d, d, d, d, d, d, d);
        RdsFakeDatabases dbs = new RdsFakeDatabases();
        try (RdsCalls calls = RdsCalls.start(timings, dbs)) {
            dbs.workMillis = 300; // shorter than the delay: the transition takes the delay
            calls.call("CreateDBCluster", "DBClusterIdentifier", "orders", "Engine", "aurora-mysql",
                    "MasterUsername", "admin", "MasterUserPassword", PASSWORD);
            calls.call("CreateDBInstance", "DBInstanceIdentifier", "orders-1", "DBClusterIdentifier", "orders",
                    "DBInstanceClass", "db.r6g.large", "Engine", "aurora-mysql");
            calls.settle();
            dbs.workMillis = 700; // longer than the delay: the transition takes the work, not the sum
            calls.call("RebootDBInstance", "DBInstanceIdentifier", "orders-1");
            calls.settle();
            calls.call("RestoreDBClusterToPointInTime", "DBClusterIdentifier", "orders-clone",
                    "SourceDBClusterIdentifier", "orders", "RestoreType", "copy-on-write",
                    "UseLatestRestorableTime", "true");
            calls.settle();

            List<LocalRds.Transition> all = calls.backend().transitions();
            assertThat(all).extracting(t -> t.resourceType() + " " + t.resourceId() + " " + t.from() + "->" + t.to())
                    .containsExactly("db-cluster orders creating->available", "db-instance orders-1 creating->available",
                            "db-instance orders-1 rebooting->available", "db-cluster orders-clone creating->available");
            assertThat(all).allSatisfy(t -> {
                assertThat(t.emulated()).isEqualTo(d);
                assertThat(t.account()).isEqualTo("111111111111");
            });
            assertThat(all.get(0).actual().toMillis()).as("create: work 300 ms inside a 400 ms delay")
                    .isBetween(400L, 650L);
            assertThat(all.get(2).actual().toMillis()).as("reboot: 700 ms restart, 400 ms delay; not 1100 ms")
                    .isBetween(700L, 1000L);
            assertThat(all.get(3).actual().toMillis()).as("clone: 700 ms copy, 400 ms delay; not 1100 ms")
                    .isBetween(700L, 1000L);
            assertThat(dbs.started.get(0).restarts()).hasSize(1);
        }
    }

    @Test
    void anUpgradeRestartsItsServerDuringTheEmulatedDelayAndIsRecorded() {
        java.time.Duration d = java.time.Duration.ofMillis(400);
        Timings timings = new Timings(d, d, d, d, d, d, d, d);
        RdsFakeDatabases dbs = new RdsFakeDatabases();
        try (RdsCalls calls = RdsCalls.start(timings, dbs)) {
            calls.call("CreateDBCluster", "DBClusterIdentifier", "legacy", "Engine", "aurora-mysql",
                    "EngineVersion", "5.7.mysql_aurora.2.11.2", "MasterUsername", "admin", "MasterUserPassword",
                    PASSWORD);
            calls.call("CreateDBInstance", "DBInstanceIdentifier", "legacy-w", "DBClusterIdentifier", "legacy",
                    "DBInstanceClass", "db.r6g.large", "Engine", "aurora-mysql");
            calls.settle();
            dbs.workMillis = 100; // restart from half-time (200 ms) on: ends inside the 400 ms delay
            calls.call("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion", "8.0.mysql_aurora.3.04.0",
                    "AllowMajorVersionUpgrade", "true", "ApplyImmediately", "true");
            calls.settle();
            dbs.workMillis = 500; // restart from 200 ms to 700 ms: longer than the delay, not added to it
            calls.call("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion", "8.0.mysql_aurora.3.05.2",
                    "ApplyImmediately", "true");
            calls.settle();

            List<LocalRds.Transition> upgrades = calls.backend().transitions().stream()
                    .filter(t -> t.from().equals("upgrading")).toList();
            assertThat(upgrades).extracting(t -> t.resourceType() + " " + t.resourceId() + " " + t.from() + "->" + t.to())
                    .containsExactly("db-cluster legacy upgrading->available", "db-cluster legacy upgrading->available");
            assertThat(upgrades).allSatisfy(t -> assertThat(t.emulated()).isEqualTo(d));
            assertThat(upgrades.get(0).actual().toMillis()).as("100 ms restart from 200 ms on, inside the 400 ms delay")
                    .isBetween(400L, 650L);
            assertThat(upgrades.get(1).actual().toMillis()).as("500 ms restart from 200 ms on: 700 ms, not 900 ms")
                    .isBetween(700L, 880L);
            assertThat(dbs.started.get(0).restarts()).extracting(dev.opskit.testkit.internal.db.DbSettings::engineVersion)
                    .containsExactly("8.0.mysql_aurora.3.04.0", "8.0.mysql_aurora.3.05.2");
            assertThat(calls.call("DescribeDBClusters", "DBClusterIdentifier", "legacy").text("//DBCluster/EngineVersion"))
                    .isEqualTo("8.0.mysql_aurora.3.05.2");
        }
    }

    @Test
    void binlogFormatInACustomGroupTakesEffectWhenTheWriterReboots() {
        clusterWithWriter("orders", "5.7.mysql_aurora.2.11.2");
        rds.call("CreateDBClusterParameterGroup", "DBClusterParameterGroupName", "orders-binlog",
                "DBParameterGroupFamily", "aurora-mysql5.7", "Description", "binlog on");
        AwsError immediate = rds.fail("ModifyDBClusterParameterGroup", "DBClusterParameterGroupName",
                "orders-binlog", "Parameters.Parameter.1.ParameterName", "binlog_format",
                "Parameters.Parameter.1.ParameterValue", "MIXED", "Parameters.Parameter.1.ApplyMethod", "immediate");
        assertThat(immediate.code()).isEqualTo("InvalidParameterCombination");
        assertThat(immediate.getMessage()).isEqualTo("cannot use immediate apply method for static parameter");
        AwsError value = rds.fail("ModifyDBClusterParameterGroup", "DBClusterParameterGroupName",
                "orders-binlog", "Parameters.Parameter.1.ParameterName", "binlog_format",
                "Parameters.Parameter.1.ParameterValue", "FAST", "Parameters.Parameter.1.ApplyMethod",
                "pending-reboot");
        assertThat(value.code()).isEqualTo("InvalidParameterValue");
        assertThat(value.getMessage()).contains("FAST").contains("binlog_format");
        AwsError defaults = rds.fail("ModifyDBClusterParameterGroup", "DBClusterParameterGroupName",
                "default.aurora-mysql5.7", "Parameters.Parameter.1.ParameterName", "binlog_format",
                "Parameters.Parameter.1.ParameterValue", "ROW", "Parameters.Parameter.1.ApplyMethod", "pending-reboot");
        assertThat(defaults.code()).isEqualTo("InvalidParameterValue");

        rds.call("ModifyDBClusterParameterGroup", "DBClusterParameterGroupName", "orders-binlog",
                "Parameters.Parameter.1.ParameterName", "binlog_format", "Parameters.Parameter.1.ParameterValue",
                "MIXED", "Parameters.Parameter.1.ApplyMethod", "pending-reboot");
        var userParams = rds.call("DescribeDBClusterParameters", "DBClusterParameterGroupName", "orders-binlog",
                "Source", "user");
        assertThat(userParams.texts("//Parameter/ParameterName")).containsExactly("binlog_format");
        assertThat(userParams.text("//Parameter/ParameterValue")).isEqualTo("MIXED");
        assertThat(userParams.text("//Parameter/ApplyType")).isEqualTo("static");
        rds.call("ModifyDBCluster", "DBClusterIdentifier", "orders", "DBClusterParameterGroupName", "orders-binlog",
                "ApplyImmediately", "true");
        rds.settle();
        var cluster = rds.call("DescribeDBClusters", "DBClusterIdentifier", "orders");
        assertThat(cluster.text("//DBCluster/DBClusterParameterGroup")).isEqualTo("orders-binlog");
        assertThat(cluster.text("//DBClusterMember/DBClusterParameterGroupStatus")).isEqualTo("pending-reboot");
        AwsError inUse = rds.fail("DeleteDBClusterParameterGroup", "DBClusterParameterGroupName", "orders-binlog");
        assertThat(inUse.code()).isEqualTo("InvalidDBParameterGroupState");

        assertThat(rds.call("RebootDBInstance", "DBInstanceIdentifier", "orders-w")
                .text("//DBInstance/DBInstanceStatus")).isEqualTo("rebooting");
        rds.settle();
        FakeServer server = databases.started.get(0);
        assertThat(server.restarts()).extracting(s -> s.binlogFormat()).containsExactly("MIXED");
        assertThat(rds.call("DescribeDBClusters", "DBClusterIdentifier", "orders")
                .text("//DBClusterMember/DBClusterParameterGroupStatus")).isEqualTo("in-sync");
        assertThat(rds.call("DescribeEvents", "SourceIdentifier", "orders-w", "SourceType", "db-instance")
                .texts("//Event/Message")).contains("DB instance restarted");
    }

    @Test
    void aCloneWritersEventGivesTheBinlogPositionOfTheCopy() {
        rds.call("CreateDBClusterParameterGroup", "DBClusterParameterGroupName", "binlog",
                "DBParameterGroupFamily", "aurora-mysql8.0", "Description", "binlog on");
        rds.call("ModifyDBClusterParameterGroup", "DBClusterParameterGroupName", "binlog",
                "Parameters.Parameter.1.ParameterName", "binlog_format", "Parameters.Parameter.1.ParameterValue",
                "ROW", "Parameters.Parameter.1.ApplyMethod", "pending-reboot");
        rds.call("CreateDBCluster", "DBClusterIdentifier", "src", "Engine", "aurora-mysql", "EngineVersion",
                "8.0.mysql_aurora.3.04.0", "MasterUsername", "admin", "MasterUserPassword", PASSWORD,
                "DBClusterParameterGroupName", "binlog");
        rds.settle();
        assertThat(databases.started.get(0).settings().binlogFormat()).isEqualTo("ROW");

        var clone = rds.call("RestoreDBClusterToPointInTime", "DBClusterIdentifier", "copy",
                "SourceDBClusterIdentifier", "src", "RestoreType", "copy-on-write", "UseLatestRestorableTime", "true");
        assertThat(clone.text("//DBCluster/Status")).isEqualTo("creating");
        assertThat(clone.text("//DBCluster/MasterUsername")).isEqualTo("admin");
        rds.call("CreateDBInstance", "DBInstanceIdentifier", "copy-w", "DBClusterIdentifier", "copy",
                "DBInstanceClass", "db.r6g.large", "Engine", "aurora-mysql");
        rds.settle();
        FakeServer copy = databases.started.get(1);
        assertThat(copy.cloneSource()).isSameAs(databases.started.get(0));
        assertThat(copy.settings().serverId()).isNotEqualTo(databases.started.get(0).settings().serverId());
        var events = rds.call("DescribeEvents", "SourceIdentifier", "copy-w", "SourceType", "db-instance");
        assertThat(events.texts("//Event/Message")).containsExactly("DB instance created",
                "Binlog position from crash recovery is mysql-bin-changelog.000002 1234");
        var clusters = rds.call("DescribeDBClusters", "Filters.Filter.1.Name", "clone-group-id",
                "Filters.Filter.1.Values.Value.1",
                rds.call("DescribeDBClusters", "DBClusterIdentifier", "src").text("//CloneGroupId"));
        assertThat(clusters.texts("//DBClusterIdentifier")).containsExactly("copy", "src");
    }

    @Test
    void majorUpgradeNeedsTheFlagAndRestartsTheServerWithTheNewVersion() {
        clusterWithWriter("legacy", "5.7.mysql_aurora.2.11.2");
        AwsError noFlag = rds.fail("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion",
                "8.0.mysql_aurora.3.04.0", "ApplyImmediately", "true");
        assertThat(noFlag.code()).isEqualTo("InvalidParameterCombination");
        assertThat(noFlag.getMessage())
                .isEqualTo("The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.");
        AwsError noTarget = rds.fail("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion",
                "8.0.mysql_aurora.3.03.1", "AllowMajorVersionUpgrade", "true", "ApplyImmediately", "true");
        assertThat(noTarget.getMessage()).isEqualTo("Cannot find upgrade target from 5.7.mysql_aurora.2.11.2 with"
                + " requested version 8.0.mysql_aurora.3.03.1.");

        var upgrading = rds.call("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion",
                "8.0.mysql_aurora.3.04.0", "AllowMajorVersionUpgrade", "true", "ApplyImmediately", "true");
        assertThat(upgrading.text("//DBCluster/Status")).isEqualTo("upgrading");
        rds.settle();
        var cluster = rds.call("DescribeDBClusters", "DBClusterIdentifier", "legacy");
        assertThat(cluster.text("//DBCluster/Status")).isEqualTo("available");
        assertThat(cluster.text("//DBCluster/EngineVersion")).isEqualTo("8.0.mysql_aurora.3.04.0");
        assertThat(cluster.text("//DBCluster/DBClusterParameterGroup")).isEqualTo("default.aurora-mysql8.0");
        assertThat(databases.started.get(0).settings().reportedVersion()).isEqualTo("8.0.28");
        assertThat(rds.call("DescribeDBInstances", "DBInstanceIdentifier", "legacy-w")
                .text("//DBParameterGroupName")).isEqualTo("default.aurora-mysql8.0");
        assertThat(rds.call("DescribeEvents", "SourceIdentifier", "legacy", "SourceType", "db-cluster")
                .texts("//Event/Message")).contains("Database cluster major version has been upgraded");
    }

    @Test
    void majorUpgradeGoesThroughAurorasEventsAndLeavesAPassedPrechecksLog() {
        clusterWithWriter("legacy", "5.7.mysql_aurora.2.11.2");
        rds.call("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion", "8.0.mysql_aurora.3.04.0",
                "AllowMajorVersionUpgrade", "true", "ApplyImmediately", "true");
        rds.settle();
        List<String> messages = rds.call("DescribeEvents", "SourceIdentifier", "legacy", "SourceType", "db-cluster")
                .texts("//Event/Message");
        assertThat(messages).hasSize(7);
        assertThat(messages.subList(1, 3)).containsExactly("Database cluster engine version upgrade started.",
                "Upgrade in progress: Performing online pre-upgrade checks.");
        assertThat(messages.get(3)).matches("Upgrade in progress: Creating pre-upgrade snapshot \\[preupgrade-legacy-"
                + "5-7-mysql-aurora-2-11-2-to-8-0-mysql-aurora-3-04-0-\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d]");
        assertThat(messages.subList(4, 7)).containsExactly(
                "Upgrade in progress: Purging undo records for old row versions. Records remaining: 0",
                "Upgrade in progress: Upgrading database objects.",
                "Database cluster major version has been upgraded");
        var files = rds.call("DescribeDBLogFiles", "DBInstanceIdentifier", "legacy-w", "FilenameContains", "prechecks");
        assertThat(files.texts("//DescribeDBLogFilesDetails/LogFileName")).containsExactly("upgrade-prechecks.log");
        assertThat(Long.parseLong(files.text("//DescribeDBLogFilesDetails/Size"))).isGreaterThan(100);
        String log = rds.call("DownloadDBLogFilePortion", "DBInstanceIdentifier", "legacy-w", "LogFileName",
                "upgrade-prechecks.log").text("//LogFileData");
        assertThat(log).contains("\"errorCount\": 0", "\"auroraTargetVersion\": \"3.04.0\"");
    }

    @Test
    void failedPrechecksLeaveTheClusterOnItsVersionWithTheLogOnTheWriter() {
        clusterWithWriter("legacy", "5.7.mysql_aurora.2.11.2");
        rds.backend().failNextUpgradePrechecks("111111111111", "us-east-1", "Legacy", "line one\nline two\nline three\n");
        rds.call("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion", "8.0.mysql_aurora.3.04.0",
                "AllowMajorVersionUpgrade", "true", "ApplyImmediately", "true");
        rds.settle();
        var cluster = rds.call("DescribeDBClusters", "DBClusterIdentifier", "legacy");
        assertThat(cluster.text("//DBCluster/Status")).isEqualTo("available");
        assertThat(cluster.text("//DBCluster/EngineVersion")).isEqualTo("5.7.mysql_aurora.2.11.2");
        assertThat(databases.started.get(0).settings().engineVersion()).isEqualTo("5.7.mysql_aurora.2.11.2");
        assertThat(rds.call("DescribeEvents", "SourceIdentifier", "legacy", "SourceType", "db-cluster")
                .texts("//Event/Message")).last().isEqualTo("Database cluster is in a state that cannot be upgraded:"
                        + " Upgrade prechecks failed. For more details, see the upgrade-prechecks.log file. For more"
                        + " information on troubleshooting the cause of the upgrade failure, see https://docs.aws."
                        + "amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Upgrading.Troubleshooting.html");
        var first = rds.call("DownloadDBLogFilePortion", "DBInstanceIdentifier", "legacy-w", "LogFileName",
                "upgrade-prechecks.log", "NumberOfLines", "2");
        assertThat(first.text("//LogFileData")).isEqualTo("line one\nline two\n");
        assertThat(first.text("//AdditionalDataPending")).isEqualTo("true");
        var rest = rds.call("DownloadDBLogFilePortion", "DBInstanceIdentifier", "legacy-w", "LogFileName",
                "upgrade-prechecks.log", "Marker", first.text("//Marker"));
        assertThat(rest.text("//LogFileData")).isEqualTo("line three\n");
        assertThat(rest.text("//AdditionalDataPending")).isEqualTo("false");
        AwsError missing = rds.fail("DownloadDBLogFilePortion", "DBInstanceIdentifier", "legacy-w", "LogFileName",
                "error/mysql-error.log");
        assertThat(missing.code()).isEqualTo("DBLogFileNotFoundFault");
        assertThat(missing.httpStatus()).isEqualTo(404);

        // Only the next upgrade fails: the one after goes through.
        rds.call("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion", "8.0.mysql_aurora.3.04.0",
                "AllowMajorVersionUpgrade", "true", "ApplyImmediately", "true");
        rds.settle();
        assertThat(rds.call("DescribeDBClusters", "DBClusterIdentifier", "legacy").text("//DBCluster/EngineVersion"))
                .isEqualTo("8.0.mysql_aurora.3.04.0");
    }

    @Test
    void backtrackWindowIsCheckedAndReported() {
        AwsError tooLong = rds.fail("CreateDBCluster", "DBClusterIdentifier", "bt", "Engine", "aurora-mysql",
                "MasterUsername", "admin", "MasterUserPassword", PASSWORD, "BacktrackWindow", "259201");
        assertThat(tooLong.code()).isEqualTo("InvalidParameterValue");
        assertThat(tooLong.getMessage()).contains("259200");
        rds.call("CreateDBCluster", "DBClusterIdentifier", "bt", "Engine", "aurora-mysql", "MasterUsername", "admin",
                "MasterUserPassword", PASSWORD, "BacktrackWindow", "86400");
        rds.settle();
        var cluster = rds.call("DescribeDBClusters", "DBClusterIdentifier", "bt");
        assertThat(cluster.text("//DBCluster/BacktrackWindow")).isEqualTo("86400");
        assertThat(cluster.text("//DBCluster/EarliestBacktrackTime")).isNotEmpty();
        clusterWithWriter("plain", "8.0.mysql_aurora.3.04.0");
        assertThat(rds.call("DescribeDBClusters", "DBClusterIdentifier", "plain").text("//DBCluster/BacktrackWindow"))
                .isEmpty();
    }

    @Test
    void upgradeForTheNextMaintenanceWindowStaysPending() {
        clusterWithWriter("legacy", "5.7.mysql_aurora.2.11.2");
        rds.call("ModifyDBCluster", "DBClusterIdentifier", "legacy", "EngineVersion", "8.0.mysql_aurora.3.04.0",
                "AllowMajorVersionUpgrade", "true", "ApplyImmediately", "false");
        rds.settle();
        var cluster = rds.call("DescribeDBClusters", "DBClusterIdentifier", "legacy");
        assertThat(cluster.text("//DBCluster/Status")).isEqualTo("available");
        assertThat(cluster.text("//DBCluster/EngineVersion")).isEqualTo("5.7.mysql_aurora.2.11.2");
        assertThat(cluster.text("//DBCluster/PendingModifiedValues/EngineVersion")).isEqualTo("8.0.mysql_aurora.3.04.0");
    }

    @Test
    void auroraOneUpgradesToAuroraMysqlTwo() {
        clusterWithWriter("old", "5.6.mysql_aurora.1.22.2");
        rds.call("ModifyDBCluster", "DBClusterIdentifier", "old", "EngineVersion", "5.7.mysql_aurora.2.09.1",
                "AllowMajorVersionUpgrade", "true", "ApplyImmediately", "true");
        rds.settle();
        var cluster = rds.call("DescribeDBClusters", "DBClusterIdentifier", "old");
        assertThat(cluster.text("//DBCluster/Engine")).isEqualTo("aurora-mysql");
        assertThat(databases.started.get(0).settings().engine()).isEqualTo("aurora-mysql");
        assertThat(rds.call("DescribeDBInstances", "DBInstanceIdentifier", "old-w").text("//DBInstance/Engine"))
                .isEqualTo("aurora-mysql");
    }

    @Test
    void engineVersionsListTheirUpgradeTargets() {
        var v211 = rds.call("DescribeDBEngineVersions", "Engine", "aurora-mysql", "EngineVersion",
                "5.7.mysql_aurora.2.11.2");
        assertThat(v211.text("//DBEngineVersion/DBParameterGroupFamily")).isEqualTo("aurora-mysql5.7");
        assertThat(v211.texts("//UpgradeTarget[IsMajorVersionUpgrade='true']/EngineVersion"))
                .contains("8.0.mysql_aurora.3.04.0", "8.0.mysql_aurora.3.08.0")
                .doesNotContain("8.0.mysql_aurora.3.03.1");
        assertThat(v211.texts("//UpgradeTarget[IsMajorVersionUpgrade='false']/EngineVersion"))
                .contains("5.7.mysql_aurora.2.11.4", "5.7.mysql_aurora.2.12.1");
        var v209 = rds.call("DescribeDBEngineVersions", "EngineVersion", "5.7.mysql_aurora.2.09.1");
        assertThat(v209.texts("//UpgradeTarget[IsMajorVersionUpgrade='true']/EngineVersion")).isEmpty();
        var v1 = rds.call("DescribeDBEngineVersions", "Engine", "aurora", "DefaultOnly", "true");
        assertThat(v1.texts("//DBEngineVersion/EngineVersion")).containsExactly("5.6.mysql_aurora.1.22.2");
        assertThat(v1.texts("//UpgradeTarget[Engine='aurora-mysql']/EngineVersion"))
                .contains("5.7.mysql_aurora.2.09.1");
    }

    @Test
    void describeCallsPageWithMaxRecordsAndMarker() {
        for (int i = 0; i < 25; i++) {
            rds.call("CreateDBClusterParameterGroup", "DBClusterParameterGroupName", "group-" + (char) ('a' + i),
                    "DBParameterGroupFamily", "aurora-mysql8.0", "Description", "g");
        }
        AwsError tooFew = rds.fail("DescribeDBClusterParameterGroups", "MaxRecords", "10");
        assertThat(tooFew.code()).isEqualTo("InvalidParameterValue");
        List<String> names = new ArrayList<>();
        var first = rds.call("DescribeDBClusterParameterGroups", "MaxRecords", "20");
        names.addAll(first.texts("//DBClusterParameterGroupName"));
        assertThat(names).hasSize(20);
        var second = rds.call("DescribeDBClusterParameterGroups", "MaxRecords", "20", "Marker",
                first.text("//Marker"));
        names.addAll(second.texts("//DBClusterParameterGroupName"));
        assertThat(second.text("//Marker")).isEmpty();
        assertThat(names).hasSize(28).doesNotHaveDuplicates().contains("default.aurora-mysql5.7", "group-y");
    }

    @Test
    void accountsAndRegionsSeeOnlyTheirOwnResources() {
        clusterWithWriter("orders", "8.0.mysql_aurora.3.04.0");
        RdsCalls other = rds.as("222222222222", "us-east-1");
        RdsCalls otherRegion = rds.as("111111111111", "eu-west-1");
        assertThat(other.call("DescribeDBClusters").texts("//DBCluster")).isEmpty();
        assertThat(other.fail("DescribeDBClusters", "DBClusterIdentifier", "orders").code())
                .isEqualTo("DBClusterNotFoundFault");
        assertThat(otherRegion.call("DescribeDBInstances").texts("//DBInstance")).isEmpty();
        assertThat(other.call("DescribeEvents").texts("//Event")).isEmpty();
    }

    @Test
    void timingsAreValidatedAndScale() {
        assertThat(Timings.defaults().scaled(2).reboot()).isEqualTo(Timings.defaults().reboot().multipliedBy(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Timings.defaults().scaled(-1))
                .isInstanceOf(dev.opskit.core.InvalidInputException.class).hasMessageContaining("factor");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Timings(java.time.Duration.ofSeconds(-1),
                java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO,
                java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO))
                .isInstanceOf(dev.opskit.core.InvalidInputException.class).hasMessageContaining("clusterCreate");
    }
}
