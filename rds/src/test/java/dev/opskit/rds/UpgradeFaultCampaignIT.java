package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Backoff;
import dev.opskit.core.Secret;
import dev.opskit.core.StepFailedException;
import dev.opskit.core.Waiter;
import dev.opskit.core.event.Retrying;
import dev.opskit.testkit.Faults;
import dev.opskit.testkit.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.SourceType;

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

    static LocalAws aws;
    static AwsContext ctx;
    static RdsClient rds;

    @BeforeAll
    static void start() {
        aws = LocalAws.start();
        ctx = aws.context();
        rds = ctx.client(RdsClient.class, RdsClient::builder);
    }

    @AfterAll
    static void stop() {
        if (ctx != null) {
            ctx.close();
        }
        if (aws != null) {
            aws.close();
        }
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
        assertThat(retries).hasSizeGreaterThanOrEqualTo(hits.stream().mapToInt(Integer::intValue).sum() - 1);

        assertThat(result.toVersion()).isEqualTo(TARGET);
        DBCluster after = describe("campaign");
        assertThat(after.status()).isEqualTo("available");
        assertThat(after.engineVersion()).isEqualTo(TARGET);
        assertThat(after.dbClusterParameterGroup()).isEqualTo("campaign-params-aurora-mysql80");
        assertThat(userParams("campaign-params-aurora-mysql80")).isEqualTo(Map.of("binlog_format", "ROW",
                "time_zone", "UTC"));
        assertThat(clusterGroups("campaign-")).containsExactly("campaign-params", "campaign-params-aurora-mysql80");
        assertThat(clusterEvents("campaign")).filteredOn(STARTED::equals).hasSize(1);
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
        assertThat(describe("campaign2").engineVersion()).isEqualTo(TARGET);
        assertThat(result.connection().orElseThrow().versionAfter()).startsWith("8.0");
        assertThat(rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier("campaign2")).dbClusterSnapshots())
                .filteredOn(s -> "manual".equals(s.snapshotType())).extracting(DBClusterSnapshot::dbClusterSnapshotIdentifier)
                .containsExactly("campaign2-before-8-0-mysql-aurora-3-08-0");
        assertThat(clusterGroups("campaign2-")).containsExactly("campaign2-params", "campaign2-params-aurora-mysql80");
        assertThat(clusterEvents("campaign2")).filteredOn(STARTED::equals).hasSize(1);
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
        assertThat(clusterEvents("writes")).filteredOn(STARTED::equals).hasSize(1);
        assertThat(rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier("writes")).dbClusterSnapshots())
                .filteredOn(s -> "manual".equals(s.snapshotType())).hasSize(1);
        assertThat(clusterGroups("writes-")).containsExactly("writes-params", "writes-params-aurora-mysql80");
        assertThat(userParams("writes-params-aurora-mysql80")).isEqualTo(Map.of("time_zone", "UTC"));
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

        aws.faults().clear();
        assertThat(e).isNotNull();
        assertThat(e.step()).contains("pre-checks");
        assertThat(e.getMessage()).contains("Step 'pre-checks'", "Rds DescribeDBClusters failed after",
                "deadline of step 'pre-checks'", "Rate exceeded");
        assertThat(attempts(e.getMessage())).as("more attempts than the SDK's standard three").isGreaterThan(3);
        Duration took = e.outcome().orElseThrow().elapsed();
        assertThat(took).as("it kept trying until about the deadline, and not past it")
                .isGreaterThan(deadline.dividedBy(2)).isLessThan(deadline.plusSeconds(3));
        assertThat(retries).isNotEmpty().allSatisfy(r -> assertThat(r.step()).isEqualTo("pre-checks"));
        assertThat(describe("throttled").engineVersion()).isEqualTo(FROM);
    }

    @Test
    void aThrottledModifyDBClusterFailsTheStartUpgradeStepAtItsDeadlineWithNothingUpgraded() {
        cluster("held", null, Map.of());
        Duration deadline = Duration.ofSeconds(8);
        aws.faults().always().throttle("rds", "ModifyDBCluster");

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> AuroraUpgrades.inPlace("held", ctx).to("8.0").deadline(deadline).run());

        aws.faults().clear();
        assertThat(e).isNotNull();
        assertThat(e.step()).contains("start upgrade");
        assertThat(e.getMessage()).contains("Rds ModifyDBCluster failed after", "deadline of step 'start upgrade'",
                "Rate exceeded");
        assertThat(attempts(e.getMessage())).isGreaterThan(3);
        DBCluster after = describe("held");
        assertThat(after.status()).isEqualTo("available");
        assertThat(after.engineVersion()).isEqualTo(FROM);
        assertThat(clusterEvents("held")).doesNotContain(STARTED);
    }

    // ------------------------------------------------------------------ helpers

    private static int attempts(String message) {
        Matcher m = Pattern.compile("failed after (\\d+) attempts").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static void cluster(String id, String group, Map<String, String> params) {
        if (group != null) {
            rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(group)
                    .dbParameterGroupFamily("aurora-mysql5.7").description("tuned"));
            if (!params.isEmpty()) {
                rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(group).parameters(params
                        .entrySet().stream().map(e -> Parameter.builder().parameterName(e.getKey())
                                .parameterValue(e.getValue()).applyMethod(ApplyMethod.PENDING_REBOOT).build())
                        .toList()));
            }
        }
        rds.createDBCluster(r -> {
            r.dbClusterIdentifier(id).engine("aurora-mysql").engineVersion(FROM).masterUsername("admin")
                    .masterUserPassword(PASSWORD.reveal());
            if (group != null) {
                r.dbClusterParameterGroupName(group);
            }
        });
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id + "-1").dbClusterIdentifier(id).engine("aurora-mysql")
                .dbInstanceClass("db.r6g.large"));
        Waiter.forResource("DB instance " + id + "-1").waitingFor("available")
                .poll(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(id + "-1")).dbInstances().get(0))
                .state(i -> i.dbInstanceStatus())
                .succeedWhen(i -> "available".equals(i.dbInstanceStatus()))
                .backoff(Backoff.fixed(Duration.ofMillis(50))).deadline(Duration.ofMinutes(2)).await();
    }

    private static DBCluster describe(String id) {
        return rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().get(0);
    }

    private static List<String> clusterGroups(String prefix) {
        return rds.describeDBClusterParameterGroups().dbClusterParameterGroups().stream()
                .map(g -> g.dbClusterParameterGroupName()).filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    private static Map<String, String> userParams(String group) {
        Map<String, String> out = new TreeMap<>();
        rds.describeDBClusterParameters(r -> r.dbClusterParameterGroupName(group).source("user")).parameters()
                .forEach(p -> out.put(p.parameterName(), p.parameterValue()));
        return out;
    }

    private static List<String> clusterEvents(String id) {
        return rds.describeEvents(r -> r.sourceType(SourceType.DB_CLUSTER).sourceIdentifier(id)).events().stream()
                .map(Event::message).toList();
    }
}
