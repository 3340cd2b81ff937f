package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.opskit.rds.UpgradeFixture.addWriter;
import static dev.opskit.rds.UpgradeFixture.clusterEvents;
import static dev.opskit.rds.UpgradeFixture.clusterGroup;
import static dev.opskit.rds.UpgradeFixture.clusterGroups;
import static dev.opskit.rds.UpgradeFixture.describe;
import static dev.opskit.rds.UpgradeFixture.userParams;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.core.StepFailedException;
import dev.opskit.core.event.Retrying;
import dev.opskit.testkit.Faults;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;

/**
 * The in-place upgrade with default settings while LocalAws throttles 30% of all RDS calls,
 * answers 5% with a server error and drops the connection of 2% without answering (seeded: the
 * default seed's sequence meets every kind of fault early, and the test checks that it did; replay
 * another with {@code -Dcampaign.seed=N}): it completes on the right version,
 * with one upgrade, one snapshot and one set of new parameter groups. At 100% throttling a run
 * fails at its deadline, naming the throttled operation.
 */
class UpgradeFaultCampaignIT {
    private static final Secret PASSWORD = Secret.of("Campa1gn-Pw");
    private static final String FROM = "5.7.mysql_aurora.2.11.2";
    private static final String TARGET = "8.0.mysql_aurora.3.08.0";
    private static final String STARTED = "Database cluster engine version upgrade started.";
    /** A seed whose sequence throttles, fails and drops calls among the first few (each run makes about 50). */
    private static final long SEED = Long.getLong("campaign.seed", 39L);

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

    @AfterEach
    void noFaults() {
        aws.faults().clear();
    }

    /** The faults of the campaign: shares of all RDS calls, each rule drawing on the calls the earlier ones let by. */
    private static List<Faults.Injection> campaign(long seed) {
        return List.of(
                aws.faults().fraction(0.30, seed).throttle("rds", "*"),
                aws.faults().fraction(0.05 / 0.70, seed + 1).serverError("rds", "*", 503),
                aws.faults().fraction(0.02 / 0.65, seed + 2).dropConnection("rds", "*"));
    }

    @Test
    void withDefaultSettingsTheUpgradeCompletesThroughThrottlingServerErrorsAndDroppedConnections() {
        cluster("campaign", "campaign-params", Map.of("binlog_format", "ROW", "time_zone", "UTC"));
        List<Retrying> retries = Collections.synchronizedList(new ArrayList<>());
        List<Faults.Injection> faults = campaign(SEED);

        UpgradeResult result = AuroraUpgrades.inPlace("campaign", ctx).to("8.0")
                .listener(Retrying.class, retries::add).run();

        int calls = aws.faults().calls("rds", "*");
        List<Integer> hits = faults.stream().map(Faults.Injection::triggered).toList();
        aws.faults().clear();
        System.out.println("campaign seed " + SEED + ": " + calls + " RDS calls, throttled " + hits.get(0)
                + ", 503 " + hits.get(1) + ", dropped " + hits.get(2) + ", " + retries.size() + " retries, "
                + result.elapsed().toMillis() + " ms");
        assertThat(hits).as("each kind of fault was injected").allMatch(n -> n > 0);
        assertThat(retries).as("a Retrying event per fault").hasSize(hits.stream().mapToInt(Integer::intValue).sum());

        assertThat(result.toVersion()).isEqualTo(TARGET);
        DBCluster after = describe(rds, "campaign");
        assertThat(after.status()).isEqualTo("available");
        assertThat(after.engineVersion()).isEqualTo(TARGET);
        assertThat(after.dbClusterParameterGroup()).isEqualTo("campaign-params-aurora-mysql80");
        assertThat(userParams(rds, "campaign-params-aurora-mysql80", true)).isEqualTo(Map.of("binlog_format", "ROW",
                "time_zone", "UTC"));
        assertThat(clusterGroups(rds, "campaign-")).containsExactly("campaign-params", "campaign-params-aurora-mysql80");
        assertThat(clusterEvents(rds, "campaign")).filteredOn(STARTED::equals).hasSize(1);
        assertThat(result.rdsEvents()).extracting(UpgradeRdsEvent::message).startsWith(STARTED)
                .endsWith("Database cluster major version has been upgraded");
    }

    @Test
    void withASnapshotAndTheReconnectCheckTooTheUpgradeCompletes() {
        cluster("campaign2", "campaign2-params", Map.of("innodb_print_all_deadlocks", "1"));
        List<Faults.Injection> faults = campaign(SEED + 100);

        UpgradeResult result = AuroraUpgrades.inPlace("campaign2", ctx).to("8.0").snapshotFirst()
                .masterPassword(PASSWORD).run();

        List<Integer> hits = faults.stream().map(Faults.Injection::triggered).toList();
        aws.faults().clear();
        System.out.println("campaign seed " + (SEED + 100) + ": throttled " + hits.get(0) + ", 503 " + hits.get(1)
                + ", dropped " + hits.get(2) + ", " + result.elapsed().toMillis() + " ms");
        assertThat(hits).as("each kind of fault was injected").allMatch(n -> n > 0);
        assertThat(result.toVersion()).isEqualTo(TARGET);
        assertThat(describe(rds, "campaign2").engineVersion()).isEqualTo(TARGET);
        assertThat(result.connection().orElseThrow().versionAfter()).startsWith("8.0");
        assertThat(rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier("campaign2")).dbClusterSnapshots())
                .filteredOn(s -> "manual".equals(s.snapshotType())).extracting(DBClusterSnapshot::dbClusterSnapshotIdentifier)
                .containsExactly("campaign2-before-8-0-mysql-aurora-3-08-0");
        assertThat(clusterGroups(rds, "campaign2-")).containsExactly("campaign2-params", "campaign2-params-aurora-mysql80");
        assertThat(clusterEvents(rds, "campaign2")).filteredOn(STARTED::equals).hasSize(1);
    }

    @Test
    void aFailedCallThatChangesSomethingIsRetriedByItsStepObservingAgain() {
        cluster("writes", "writes-params", Map.of("time_zone", "UTC"));
        // Calls that change something are not re-sent by the SDK after a 5xx or a dropped connection:
        // the step observes again and sends them only if still needed.
        List<Faults.Injection> faults = List.of(
                aws.faults().next(1).serverError("rds", "CreateDBClusterSnapshot", 503),
                aws.faults().next(1).dropConnection("rds", "CreateDBClusterParameterGroup"),
                aws.faults().next(1).serverError("rds", "ModifyDBClusterParameterGroup", 500),
                aws.faults().next(1).dropConnection("rds", "ModifyDBCluster"));
        List<Retrying> retries = Collections.synchronizedList(new ArrayList<>());

        UpgradeResult result = AuroraUpgrades.inPlace("writes", ctx).to("8.0").snapshotFirst()
                .listener(Retrying.class, retries::add).run();

        assertThat(faults).allMatch(Faults.Injection::exhausted);
        assertThat(retries).extracting(Retrying::step)
                .contains("snapshot", "parameter groups", "start upgrade");
        assertThat(result.toVersion()).isEqualTo(TARGET);
        assertThat(aws.faults().calls("rds", "ModifyDBCluster")).isEqualTo(2);
        assertThat(clusterEvents(rds, "writes")).filteredOn(STARTED::equals).hasSize(1);
        assertThat(rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier("writes")).dbClusterSnapshots())
                .filteredOn(s -> "manual".equals(s.snapshotType())).hasSize(1);
        assertThat(clusterGroups(rds, "writes-")).containsExactly("writes-params", "writes-params-aurora-mysql80");
        assertThat(userParams(rds, "writes-params-aurora-mysql80", true)).isEqualTo(Map.of("time_zone", "UTC"));
    }

    @Test
    void throttledOnEveryCallTheRunFailsAtItsDeadlineNamingTheOperation() {
        cluster("throttled", null, Map.of());
        Duration deadline = Duration.ofSeconds(8);
        aws.faults().always().throttle("rds", "*");
        List<Retrying> retries = Collections.synchronizedList(new ArrayList<>());

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> AuroraUpgrades.inPlace("throttled", ctx).to("8.0").deadline(deadline)
                        .listener(Retrying.class, retries::add).run());

        int attempts = aws.faults().calls("rds", "DescribeDBClusters");
        aws.faults().clear();
        assertThat(e).isNotNull();
        System.out.println("throttled run: " + e.getMessage());
        assertThat(e.step()).contains("pre-checks");
        assertThat(e.getMessage()).containsPattern("Rds DescribeDBClusters failed after \\d+ attempts")
                .contains("Step 'pre-checks'", "deadline of step 'pre-checks'", "Rate exceeded");
        assertThat(attempts).as("more attempts than the SDK's standard three").isGreaterThan(3);
        Duration took = e.outcome().orElseThrow().elapsed();
        assertThat(took).as("it kept trying until about the deadline, and not past it")
                .isGreaterThan(deadline.dividedBy(2)).isLessThan(deadline.plusSeconds(3));
        assertThat(retries).isNotEmpty().allSatisfy(r -> assertThat(r.step()).isEqualTo("pre-checks"));
        assertThat(describe(rds, "throttled").engineVersion()).isEqualTo(FROM);
    }

    @Test
    void aThrottledModifyDBClusterFailsTheStartUpgradeStepAtItsDeadlineWithNothingUpgraded() {
        cluster("held", null, Map.of());
        Duration deadline = Duration.ofSeconds(8);
        aws.faults().always().throttle("rds", "ModifyDBCluster");

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> AuroraUpgrades.inPlace("held", ctx).to("8.0").deadline(deadline).run());

        int attempts = aws.faults().calls("rds", "ModifyDBCluster");
        aws.faults().clear();
        assertThat(e).isNotNull();
        assertThat(e.step()).contains("start upgrade");
        assertThat(e.getMessage()).containsPattern("Rds ModifyDBCluster failed after \\d+ attempts")
                .contains("deadline of step 'start upgrade'", "Rate exceeded");
        assertThat(attempts).as("more attempts than the SDK's standard three").isGreaterThan(3);
        DBCluster after = describe(rds, "held");
        assertThat(after.status()).isEqualTo("available");
        assertThat(after.engineVersion()).isEqualTo(FROM);
        assertThat(clusterEvents(rds, "held")).doesNotContain(STARTED);
    }

    // ------------------------------------------------------------------ helpers

    private static void cluster(String id, String group, Map<String, String> params) {
        if (group != null) {
            clusterGroup(rds, group, "aurora-mysql5.7", params);
        }
        rds.createDBCluster(r -> {
            r.dbClusterIdentifier(id).engine("aurora-mysql").engineVersion(FROM).masterUsername("admin")
                    .masterUserPassword(PASSWORD.reveal());
            if (group != null) {
                r.dbClusterParameterGroupName(group);
            }
        });
        addWriter(rds, id, "aurora-mysql", null);
    }

}
