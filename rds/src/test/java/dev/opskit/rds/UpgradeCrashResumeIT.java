package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.opskit.rds.UpgradeFixture.addWriter;
import static dev.opskit.rds.UpgradeFixture.clusterEvents;
import static dev.opskit.rds.UpgradeFixture.clusterGroup;
import static dev.opskit.rds.UpgradeFixture.clusterGroups;
import static dev.opskit.rds.UpgradeFixture.connect;
import static dev.opskit.rds.UpgradeFixture.describe;
import static dev.opskit.rds.UpgradeFixture.instanceGroup;
import static dev.opskit.rds.UpgradeFixture.instanceGroups;
import static dev.opskit.rds.UpgradeFixture.userParams;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Backoff;
import dev.opskit.core.Secret;
import dev.opskit.core.StepResult;
import dev.opskit.core.Waiter;
import dev.opskit.testkit.Faults;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterParameterGroupNotFoundException;

/**
 * The in-place upgrade's JVM really dies (SIGKILL), at each step boundary, in the middle of its
 * waits, and in the middle of each call that changes something (LocalAws holds the call, the JVM
 * dies, LocalAws then carries it out: the answer is lost, as when a connection breaks). LocalAws
 * lives on in this JVM; the same upgrade run again from here converges to the same end state with
 * one of everything: one ModifyDBCluster and one upgrade, one snapshot, one new cluster and one new
 * instance parameter group, each created and set once.
 */
class UpgradeCrashResumeIT {
    private static final Secret PASSWORD = Secret.of("Crash-Resum3-Pw");
    /** 2.10 upgrades to 3.03 only: a run again after the upgrade must not take the cluster on to 3.08. */
    private static final String FROM = "5.7.mysql_aurora.2.10.2";
    private static final String TARGET = "8.0.mysql_aurora.3.03.1";
    private static final String STARTED = "Database cluster engine version upgrade started.";
    private static final String UPGRADED = "Database cluster major version has been upgraded";
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
    /** How long LocalAws holds a call the JVM is killed in. */
    private static final Duration HELD = Duration.ofSeconds(3);
    private static final List<String> WRITES = List.of("CreateDBClusterSnapshot", "CreateDBClusterParameterGroup",
            "ModifyDBClusterParameterGroup", "CreateDBParameterGroup", "ModifyDBParameterGroup", "ModifyDBCluster");

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

    /** Where the JVM dies: at an event (it pauses there, then is killed), or in a call LocalAws holds. */
    static Stream<Arguments> killPoints() {
        return Stream.of(
                Arguments.of("u1", "StepStarted:pre-checks"),
                Arguments.of("u2", "StepStarted:snapshot"),
                Arguments.of("u3", "Waiting:snapshot"),
                Arguments.of("u4", "StepStarted:parameter groups"),
                Arguments.of("u5", "StepStarted:start upgrade"),
                Arguments.of("u6", "StepStarted:follow upgrade"),
                Arguments.of("u7", "Waiting:follow upgrade"),
                Arguments.of("u8", "StepStarted:verify"),
                Arguments.of("u9", "Waiting:verify"),
                Arguments.of("m1", "call:CreateDBClusterSnapshot"),
                Arguments.of("m2", "call:CreateDBClusterParameterGroup"),
                Arguments.of("m3", "call:ModifyDBClusterParameterGroup"),
                Arguments.of("m4", "call:CreateDBParameterGroup"),
                Arguments.of("m5", "call:ModifyDBCluster"));
    }

    @ParameterizedTest(name = "killed at {1}")
    @MethodSource("killPoints")
    void killedThenRunAgainConvergesWithOneOfEverything(String id, String killAt) throws Exception {
        cluster(id);
        aws.faults().clear();

        List<String> child = killAt.startsWith("call:") ? killInCall(id, killAt.substring("call:".length()))
                : killAtEvent(id, killAt);
        assertThat(String.join("\n", child)).as("the killed JVM's output and log")
                .doesNotContain(PASSWORD.reveal())
                .doesNotContain(aws.defaultAccount().secretAccessKey().reveal());
        Set<String> finished = finishedSteps(child);

        UpgradeResult result = AuroraUpgrades.inPlace(id, ctx).to("8.0").snapshotFirst().masterPassword(PASSWORD)
                .deadline(Duration.ofMinutes(2)).run();

        String context = "killed at " + killAt + " after " + finished + "; the run again did " + result.outcome();
        for (String step : finished) {
            if (!step.equals("verify")) {
                assertThat(result.outcome().step(step).status()).as(context).isEqualTo(StepResult.Status.SKIPPED);
            }
        }
        assertThat(result.toVersion()).as(context).isEqualTo(TARGET);
        assertThat(result.connection().orElseThrow().versionAfter()).as(context).startsWith("8.0");

        DBCluster after = describe(rds, id);
        assertThat(after.status()).isEqualTo("available");
        assertThat(after.engineVersion()).isEqualTo(TARGET);
        assertThat(after.pendingModifiedValues() == null ? null : after.pendingModifiedValues().engineVersion())
                .isNull();
        assertThat(after.dbClusterParameterGroup()).isEqualTo(id + "-cp-aurora-mysql80");
        assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier(id + "-1")).dbInstances().get(0)
                .dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo(id + "-ip-aurora-mysql80");
        for (String op : WRITES) {
            assertThat(aws.faults().calls("rds", op)).as(op + " calls; " + context).isEqualTo(1);
        }
        assertThat(clusterEvents(rds, id)).filteredOn(STARTED::equals).hasSize(1);
        assertThat(clusterEvents(rds, id)).filteredOn(UPGRADED::equals).hasSize(1);
        assertThat(rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier(id)).dbClusterSnapshots())
                .filteredOn(s -> "manual".equals(s.snapshotType()))
                .extracting(DBClusterSnapshot::dbClusterSnapshotIdentifier)
                .containsExactly(id + "-before-8-0-mysql-aurora-3-03-1");
        assertThat(clusterGroups(rds, id + "-")).containsExactly(id + "-cp", id + "-cp-aurora-mysql80");
        assertThat(instanceGroups(rds, id + "-")).containsExactly(id + "-ip", id + "-ip-aurora-mysql80");
        assertThat(userParams(rds, id + "-cp-aurora-mysql80", true)).isEqualTo(Map.of("binlog_format", "ROW",
                "time_zone", "UTC"));
        assertThat(userParams(rds, id + "-ip-aurora-mysql80", false)).isEqualTo(Map.of("long_query_time", "2"));
        try (Connection c = connect(after, PASSWORD); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), VERSION() FROM app.orders")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
            assertThat(rs.getString(2)).startsWith("8.0");
        }
    }

    /** Runs the upgrade in its own JVM, which pauses at the event, and kills it there. */
    private static List<String> killAtEvent(String id, String pauseAt) throws Exception {
        try (UpgradeChildProcess child = UpgradeChildProcess.start(aws, aws.defaultAccount(), LocalAws.DEFAULT_REGION,
                PASSWORD, itDir().resolve(id + "-child.log"), List.of(), id, "8.0", pauseAt, "snapshot", "password")) {
            child.awaitLine(line -> line.equals("paused " + pauseAt), CHILD_TIMEOUT);
            child.kill();
            return child.output();
        }
    }

    /** Runs the upgrade in its own JVM while LocalAws holds every call of one operation, and kills it in the call. */
    private static List<String> killInCall(String id, String operation) throws Exception {
        try (Faults.Injection held = aws.faults().always().latency("rds", operation, HELD);
                UpgradeChildProcess child = UpgradeChildProcess.start(aws, aws.defaultAccount(),
                        LocalAws.DEFAULT_REGION, PASSWORD, itDir().resolve(id + "-child.log"), List.of(), id, "8.0",
                        "-", "snapshot", "password")) {
            Waiter.forResource("LocalAws").waitingFor("a " + operation + " call")
                    .poll(() -> aws.faults().calls("rds", operation))
                    .succeedWhen(n -> n >= 1)
                    .backoff(Backoff.fixed(Duration.ofMillis(10))).deadline(CHILD_TIMEOUT).await();
            child.kill();
            held.close();
            BooleanSupplier done = effect(id, operation);
            assertThat(done.getAsBoolean()).as(operation + " is still held by LocalAws when the JVM dies").isFalse();
            Waiter.forResource("LocalAws").waitingFor("the held " + operation + " carried out")
                    .poll(done::getAsBoolean).succeedWhen(b -> b)
                    .backoff(Backoff.fixed(Duration.ofMillis(50))).deadline(HELD.multipliedBy(10)).await();
            return child.output();
        }
    }

    /** Whether a call of the operation has been carried out, by its effect. */
    private static BooleanSupplier effect(String id, String operation) {
        return switch (operation) {
            case "CreateDBClusterSnapshot" -> () -> {
                try {
                    return !rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(
                            id + "-before-8-0-mysql-aurora-3-03-1")).dbClusterSnapshots().isEmpty();
                } catch (DbClusterSnapshotNotFoundException e) {
                    return false;
                }
            };
            case "CreateDBClusterParameterGroup" -> () -> {
                try {
                    rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName(id + "-cp-aurora-mysql80"));
                    return true;
                } catch (DbParameterGroupNotFoundException | DbClusterParameterGroupNotFoundException e) {
                    // RDS answers DBParameterGroupNotFound for a cluster parameter group too
                    return false;
                }
            };
            case "ModifyDBClusterParameterGroup" -> () -> userParams(rds, id + "-cp-aurora-mysql80", true).size() == 2;
            case "CreateDBParameterGroup" -> () -> {
                try {
                    rds.describeDBParameterGroups(r -> r.dbParameterGroupName(id + "-ip-aurora-mysql80"));
                    return true;
                } catch (DbParameterGroupNotFoundException e) {
                    return false;
                }
            };
            case "ModifyDBCluster" -> () -> {
                DBCluster c = describe(rds, id);
                return c.status().equals("upgrading") || c.engineVersion().equals(TARGET);
            };
            default -> throw new IllegalArgumentException(operation);
        };
    }

    /** The steps the killed run finished (succeeded or skipped), from its event lines. */
    private static Set<String> finishedSteps(List<String> lines) {
        Set<String> steps = new TreeSet<>();
        for (String line : lines) {
            for (String type : List.of("event StepSucceeded:", "event StepSkipped:")) {
                if (line.startsWith(type)) {
                    steps.add(line.substring(type.length()));
                }
            }
        }
        return steps;
    }

    // ------------------------------------------------------------------ fixtures

    private static void cluster(String id) throws SQLException {
        clusterGroup(rds, id + "-cp", "aurora-mysql5.7", Map.of("binlog_format", "ROW", "time_zone", "UTC"));
        instanceGroup(rds, id + "-ip", "aurora-mysql5.7", Map.of("long_query_time", "2"));
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-mysql").engineVersion(FROM)
                .dbClusterParameterGroupName(id + "-cp").masterUsername("admin")
                .masterUserPassword(PASSWORD.reveal()));
        addWriter(rds, id, "aurora-mysql", id + "-ip");
        try (Connection c = connect(describe(rds, id), PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE app");
            s.execute("CREATE TABLE app.orders (id INT PRIMARY KEY, total DECIMAL(8,2))");
            s.execute("INSERT INTO app.orders VALUES (1, 9.99), (2, 20.00), (3, 7.25)");
        }
    }

    /** The killed JVMs' logs, kept for when a case fails. */
    private static Path itDir() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("opskit.it.dir",
                System.getProperty("java.io.tmpdir")), "upgrade-crash-resume"));
    }
}
