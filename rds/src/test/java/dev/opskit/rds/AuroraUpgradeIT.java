package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.opskit.rds.UpgradeFixture.addWriter;
import static dev.opskit.rds.UpgradeFixture.clusterEvents;
import static dev.opskit.rds.UpgradeFixture.clusterGroup;
import static dev.opskit.rds.UpgradeFixture.connect;
import static dev.opskit.rds.UpgradeFixture.describe;
import static dev.opskit.rds.UpgradeFixture.instanceGroup;
import static dev.opskit.rds.UpgradeFixture.userParams;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import dev.opskit.core.StepFailedException;
import dev.opskit.core.StepResult;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.RunbookStarted;
import dev.opskit.core.event.StepSkipped;
import dev.opskit.rds.event.UpgradeConnectionLost;
import dev.opskit.rds.event.UpgradeConnectionRestored;
import dev.opskit.rds.event.UpgradeEvent;
import dev.opskit.rds.event.UpgradePrecheckResult;
import dev.opskit.rds.event.UpgradeRdsEventSeen;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/** The in-place upgrade runbook against LocalAws, whose clusters run on real database servers. */
class AuroraUpgradeIT {
    private static final Secret PASSWORD = Secret.of("Upgr4de-Pw!");
    private static final String STARTED = "Database cluster engine version upgrade started.";

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.perClass();
    static LocalAws aws;
    static AwsContext ctx;
    static RdsClient rds;

    @BeforeAll
    static void clients() {
        aws = AWS.aws();
        ctx = AWS.context();
        rds = AWS.client(RdsClient.class, RdsClient::builder);
    }

    @Test
    void auroraOneClusterWithCustomGroupsMovesToFiveSevenWithItsParametersAndData() throws Exception {
        clusterGroup(rds, "legacy-cluster", "aurora5.6", Map.of("innodb_print_all_deadlocks", "1", "time_zone", "UTC",
                "query_cache_type", "2"));
        instanceGroup(rds, "legacy-instance", "aurora5.6", Map.of("long_query_time", "2"));
        DBCluster c = cluster("legacy", "aurora", "5.6.mysql_aurora.1.22.2", "legacy-cluster", "legacy-instance", 0);
        try (Connection conn = connect(c, PASSWORD); Statement s = conn.createStatement()) {
            s.execute("CREATE DATABASE app");
            s.execute("CREATE TABLE app.orders (id INT PRIMARY KEY, total DECIMAL(8,2))");
            s.execute("INSERT INTO app.orders VALUES (1, 9.99), (2, 20.00)");
        }
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        List<UpgradeEvent> typed = Collections.synchronizedList(new ArrayList<>());

        UpgradeResult result = AuroraUpgrades.inPlace("legacy", ctx).to("5.7.mysql_aurora.2.09.1")
                .masterPassword(PASSWORD).listener(e -> note(e, notes)).listener(UpgradeEvent.class, typed::add)
                .deadline(Duration.ofMinutes(2)).run();

        assertThat(result.fromVersion()).isEqualTo("5.6.mysql_aurora.1.22.2");
        assertThat(result.toVersion()).isEqualTo("5.7.mysql_aurora.2.09.1");
        DBCluster after = describe(rds, "legacy");
        assertThat(after.engine()).isEqualTo("aurora-mysql");
        assertThat(after.dbClusterParameterGroup()).isEqualTo("legacy-cluster-aurora-mysql57");
        assertThat(userParams(rds, "legacy-cluster-aurora-mysql57", true)).isEqualTo(Map.of(
                "innodb_print_all_deadlocks", "1", "time_zone", "UTC", "query_cache_type", "2"));
        assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("legacy-1")).dbInstances().get(0)
                .dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("legacy-instance-aurora-mysql57");
        assertThat(userParams(rds, "legacy-instance-aurora-mysql57", false)).isEqualTo(Map.of("long_query_time", "2"));
        assertThat(result.parameterGroups()).extracting(UpgradeParameterGroup::after)
                .containsExactly("legacy-cluster-aurora-mysql57", "legacy-instance-aurora-mysql57");
        assertThat(result.parameterGroups()).allSatisfy(g -> assertThat(g.notCarriedOver()).isEmpty());

        List<String> messages = result.rdsEvents().stream().map(UpgradeRdsEvent::message).toList();
        assertThat(messages.get(0)).isEqualTo(STARTED);
        assertThat(messages).containsSubsequence(STARTED, "Upgrade in progress: Performing online pre-upgrade checks.",
                "Upgrade in progress: Cloning volume.", "Upgrade in progress: Upgrading database objects.",
                "Database cluster major version has been upgraded");
        assertThat(messages).anyMatch(m -> m.startsWith("Upgrade in progress: Creating pre-upgrade snapshot [preupgrade-legacy-"));
        assertThat(notes).containsExactlyElementsOf(messages.stream().map(m -> "RDS: " + m).toList());

        UpgradeConnectionCheck probe = result.connection().orElseThrow();
        assertThat(probe.versionBefore()).startsWith("5.6");
        assertThat(probe.versionAfter()).startsWith("5.7");
        assertThat(probe.downtime()).hasValueSatisfying(d -> assertThat(d).isPositive().isLessThan(Duration.ofSeconds(30)));
        assertThat(probe.failedProbes()).isPositive();
        assertThat(typed).filteredOn(UpgradePrecheckResult.class::isInstance).map(OpsEvent::step).isNotEmpty()
                .containsOnly("pre-checks");
        assertThat(typed).filteredOn(UpgradePrecheckResult.class::isInstance)
                .map(e -> ((UpgradePrecheckResult) e).name())
                .containsExactly("valid upgrade target", "AllowMajorVersionUpgrade", "cluster available",
                        "no pending modification", "writer instance", "backtrack", "parameter groups", "snapshot first",
                        "reconnect check");
        assertThat(typed).filteredOn(UpgradeRdsEventSeen.class::isInstance)
                .map(e -> ((UpgradeRdsEventSeen) e).rdsEvent()).containsExactlyElementsOf(result.rdsEvents());
        assertThat(typed).filteredOn(UpgradeConnectionLost.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((UpgradeConnectionLost) e).lostAt()).isEqualTo(probe.lostAt()));
        assertThat(typed).filteredOn(UpgradeConnectionRestored.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((UpgradeConnectionRestored) e).window()).isEqualTo(probe.downtime().get()));
        assertThat(typed).allSatisfy(e -> assertThat(e.clusterId()).isEqualTo("legacy"));
        try (Connection conn = connect(after, PASSWORD); Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), VERSION() FROM app.orders")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.getString(2)).startsWith("5.7");
        }
        assertThat(result.toString()).doesNotContain(PASSWORD.reveal());
    }

    @Test
    void fiveSevenToEightResolvesTheNewestTargetAndReportsWhatIsNotCarriedOver() {
        clusterGroup(rds, "shop57", "aurora-mysql5.7", Map.of("binlog_format", "ROW", "query_cache_type", "0"));
        cluster("shop", "aurora-mysql", "5.7.mysql_aurora.2.11.2", "shop57", null, 3600);

        UpgradePlan plan = AuroraUpgrades.inPlace("shop", ctx).to("8.0").masterPassword(PASSWORD).plan();
        assertThat(plan.ready()).isTrue();
        assertThat(plan.targetVersion()).isEqualTo("8.0.mysql_aurora.3.08.0");
        assertThat(plan.check("backtrack").orElseThrow().status()).isEqualTo(UpgradeCheck.Status.WARNING);
        assertThat(plan.check("parameter groups").orElseThrow().fix()).contains("query_cache_type");
        assertThat(plan.steps().orElseThrow().step("start upgrade").detail())
                .contains("EngineVersion=8.0.mysql_aurora.3.08.0", "AllowMajorVersionUpgrade=true",
                        "DBClusterParameterGroupName=shop57-aurora-mysql80");
        // The plan changed nothing.
        assertThat(describe(rds, "shop").engineVersion()).isEqualTo("5.7.mysql_aurora.2.11.2");
        assertThat(rds.describeDBClusterParameterGroups().dbClusterParameterGroups())
                .noneMatch(g -> g.dbClusterParameterGroupName().equals("shop57-aurora-mysql80"));

        UpgradeResult result = AuroraUpgrades.inPlace("shop", ctx).to("8.0").masterPassword(PASSWORD).run();
        assertThat(result.toVersion()).isEqualTo("8.0.mysql_aurora.3.08.0");
        assertThat(describe(rds, "shop").dbClusterParameterGroup()).isEqualTo("shop57-aurora-mysql80");
        assertThat(userParams(rds, "shop57-aurora-mysql80", true)).isEqualTo(Map.of("binlog_format", "ROW"));
        assertThat(result.parameterGroups().get(0).notCarriedOver()).containsExactly("query_cache_type");
        assertThat(result.warnings()).anyMatch(w -> w.startsWith("backtrack"))
                .anyMatch(w -> w.contains("query_cache_type"));
        assertThat(result.connection().orElseThrow().versionAfter()).startsWith("8.0.39");
        assertThat(result.rdsEvents().get(result.rdsEvents().size() - 1).message())
                .isEqualTo("Database cluster major version has been upgraded");
    }

    @Test
    void aFailedServiceSidePrecheckEndsTheRunWithTheLog() {
        cluster("blocked", "aurora-mysql", "5.7.mysql_aurora.2.11.2", null, null, 0);
        aws.rds().failNextUpgradePrechecks(aws.defaultAccount(), LocalAws.DEFAULT_REGION, "blocked",
                "{\n  \"id\": \"oldTemporalCheck\",\n  \"dbObject\": \"app.t.created\",\n  \"errorCount\": 1\n}\n");

        UpgradeException e = catchThrowableOfType(UpgradeException.class,
                () -> AuroraUpgrades.inPlace("blocked", ctx).to("8.0").masterPassword(PASSWORD).run());

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("Database cluster is in a state that cannot be upgraded: Upgrade"
                + " prechecks failed", "\"dbObject\": \"app.t.created\"", "stays on 5.7.mysql_aurora.2.11.2");
        assertThat(e.prechecksLog()).hasValueSatisfying(l -> assertThat(l).contains("oldTemporalCheck"));
        aws.awaitIdle(Duration.ofSeconds(10));
        DBCluster after = describe(rds, "blocked");
        assertThat(after.status()).isEqualTo("available");
        assertThat(after.engineVersion()).isEqualTo("5.7.mysql_aurora.2.11.2");
    }

    @Test
    void badTargetsFailBeforeAnyChange() {
        cluster("steady", "aurora-mysql", "5.7.mysql_aurora.2.11.2", null, null, 0);
        int groupsBefore = rds.describeDBClusterParameterGroups().dbClusterParameterGroups().size();

        for (String bad : List.of("5.7.mysql_aurora.2.09.1", "8.0.mysql_aurora.3.99.0", "8.0.mysql_aurora.3.03.1",
                "9.1")) {
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> AuroraUpgrades.inPlace("steady", ctx).to(bad).run());
            assertThat(e).as(bad).isNotNull();
            assertThat(e.getMessage()).as(bad).contains(bad, "nothing was changed");
        }
        UpgradePlan downgrade = AuroraUpgrades.inPlace("steady", ctx).to("5.7.mysql_aurora.2.09.1").plan();
        assertThat(downgrade.ready()).isFalse();
        assertThat(downgrade.failures()).singleElement().satisfies(c -> {
            assertThat(c.detail()).contains("downgrade");
            assertThat(c.fix()).contains("snapshot");
        });
        assertThat(AuroraUpgrades.inPlace("steady", ctx).to("8.0.mysql_aurora.3.03.1").plan().failures().get(0)
                .detail()).contains("not in the ValidUpgradeTarget list", "8.0.mysql_aurora.3.04.0");

        DBCluster after = describe(rds, "steady");
        assertThat(after.engineVersion()).isEqualTo("5.7.mysql_aurora.2.11.2");
        assertThat(after.pendingModifiedValues() == null ? null : after.pendingModifiedValues().engineVersion()).isNull();
        assertThat(clusterEvents(rds, "steady")).containsExactly("DB cluster created");
        assertThat(rds.describeDBClusterParameterGroups().dbClusterParameterGroups()).hasSize(groupsBefore);

        // A valid target for the next maintenance window is only scheduled.
        UpgradeResult scheduled = AuroraUpgrades.inPlace("steady", ctx).to("5.7.mysql_aurora.2.12.1")
                .nextMaintenanceWindow().run();
        assertThat(scheduled.scheduled()).isTrue();
        assertThat(scheduled.connection()).isEmpty();
        assertThat(describe(rds, "steady").pendingModifiedValues().engineVersion()).isEqualTo("5.7.mysql_aurora.2.12.1");
        assertThat(describe(rds, "steady").engineVersion()).isEqualTo("5.7.mysql_aurora.2.11.2");
    }

    @Test
    void aRunThatCrashedAfterStartingTheUpgradeIsResumedByFollowingIt() {
        cluster("resumed", "aurora-mysql", "5.7.mysql_aurora.2.10.2", null, null, 0);
        StepFailedException crash = catchThrowableOfType(StepFailedException.class,
                () -> AuroraUpgrades.inPlace("resumed", ctx).to("8.0").masterPassword(PASSWORD)
                        .afterStep(step -> {
                            if (step.equals("start upgrade")) {
                                throw new IllegalStateException("simulated crash after " + step);
                            }
                        }).run());
        assertThat(crash).isNotNull();
        assertThat(describe(rds, "resumed").status()).isEqualTo("upgrading");

        UpgradeResult result = AuroraUpgrades.inPlace("resumed", ctx).to("8.0").masterPassword(PASSWORD).run();

        assertThat(result.outcome().step("start upgrade").status()).isEqualTo(StepResult.Status.SKIPPED);
        assertThat(result.outcome().step("start upgrade").text()).contains("following it");
        assertThat(result.toVersion()).isEqualTo("8.0.mysql_aurora.3.03.1");
        assertThat(result.rdsEvents()).extracting(UpgradeRdsEvent::message)
                .startsWith(STARTED).endsWith("Database cluster major version has been upgraded");
        assertThat(clusterEvents(rds, "resumed")).filteredOn(STARTED::equals).hasSize(1);
        assertThat(result.connection().orElseThrow().versionAfter()).startsWith("8.0.26");
    }

    @Test
    void aMajorTheClusterRunsAlreadyIsReachedAndNotUpgradedAgain() {
        cluster("current", "aurora-mysql", "8.0.mysql_aurora.3.03.1", null, null, 0);

        UpgradePlan plan = AuroraUpgrades.inPlace("current", ctx).to("8.0").plan();
        assertThat(plan.ready()).isTrue();
        assertThat(plan.targetVersion()).isEqualTo("8.0.mysql_aurora.3.03.1");
        assertThat(plan.check("valid upgrade target").orElseThrow().detail()).contains("already runs 8.0");

        EventBus bus = new EventBus();
        List<OpsEvent> onBus = Collections.synchronizedList(new ArrayList<>());
        bus.subscribe(onBus::add);
        List<StepSkipped> skipped = Collections.synchronizedList(new ArrayList<>());
        UpgradeResult result = AuroraUpgrades.inPlace("current", ctx).to("8.0").masterPassword(PASSWORD)
                .events(bus).listener(StepSkipped.class, skipped::add).run();

        assertThat(onBus).first().isInstanceOf(RunbookStarted.class);
        assertThat(onBus).filteredOn(UpgradePrecheckResult.class::isInstance).hasSize(9);
        assertThat(skipped).extracting(StepSkipped::step).contains("pre-checks", "parameter groups", "start upgrade",
                "follow upgrade");
        assertThat(bus.listenerCount()).as("the run's own listeners are gone from the caller's bus").isEqualTo(1);
        assertThat(result.toVersion()).isEqualTo("8.0.mysql_aurora.3.03.1");
        assertThat(result.outcome().step("start upgrade").status()).isEqualTo(StepResult.Status.SKIPPED);
        assertThat(result.connection().orElseThrow().versionAfter()).startsWith("8.0");
        assertThat(clusterEvents(rds, "current")).containsExactly("DB cluster created");
        assertThat(describe(rds, "current").engineVersion()).isEqualTo("8.0.mysql_aurora.3.03.1");
    }

    // ------------------------------------------------------------------ helpers

    private static void note(OpsEvent e, List<String> notes) {
        if (e instanceof UpgradeRdsEventSeen seen) {
            notes.add(seen.message());
        }
    }

    private static DBCluster cluster(String id, String engine, String version, String clusterGroup,
            String instanceGroup, long backtrack) {
        rds.createDBCluster(r -> {
            r.dbClusterIdentifier(id).engine(engine).engineVersion(version).masterUsername("admin")
                    .masterUserPassword(PASSWORD.reveal());
            if (clusterGroup != null) {
                r.dbClusterParameterGroupName(clusterGroup);
            }
            if (backtrack > 0) {
                r.backtrackWindow(backtrack);
            }
        });
        addWriter(rds, id, engine, instanceGroup);
        return describe(rds, id);
    }

}
