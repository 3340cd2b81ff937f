package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.opskit.rds.UpgradeFixture.addWriter;
import static dev.opskit.rds.UpgradeFixture.clusterGroup;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The in-place upgrade, run with a known master password by an account with a known secret key,
 * in a JVM of its own that logs everything at DEBUG and prints every event (its
 * {@code toString()}, message and attributes), the setup, the context, the plan, the result and,
 * on failure, the exception with its message, suppressed exceptions, causes and outcome: neither
 * secret appears anywhere in what it wrote, when it succeeds and when it fails in each way.
 */
class UpgradeSecretScanIT {
    private static final Secret PASSWORD = Secret.of("Sc4n-Me-If-You-C4n");
    private static final List<String> DEBUG = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug");

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.perClass();
    static LocalAws aws;
    static LocalAccount account;
    static AwsContext ctx;
    static RdsClient rds;

    @BeforeAll
    static void clients() {
        aws = AWS.aws();
        account = aws.createAccount();
        ctx = aws.context(account, LocalAws.DEFAULT_REGION);
        rds = ctx.client(RdsClient.class, RdsClient::builder);
    }

    @AfterAll
    static void closeContext() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void aSuccessfulUpgradeWritesNeitherSecret() throws Exception {
        cluster("scan-ok");
        List<String> out = run("scan-ok", PASSWORD, 0, "plan", "snapshot", "password");

        assertThat(out).contains("done 8.0.mysql_aurora.3.08.0").anyMatch(l -> l.startsWith("plan Upgrade of scan-ok"))
                .anyMatch(l -> l.startsWith("event UpgradeConnectionRestored:"))
                .anyMatch(l -> l.startsWith("event UpgradeRdsEventSeen:"))
                .anyMatch(l -> l.startsWith("setup ") && l.contains("reconnect check on"));
        assertNoSecret(out, PASSWORD);
    }

    @Test
    void anUpgradeRdsStopsWritesNeitherSecret() throws Exception {
        cluster("scan-stopped");
        aws.rds().failNextUpgradePrechecks(account, LocalAws.DEFAULT_REGION, "scan-stopped", null);
        List<String> out = run("scan-stopped", PASSWORD, 1, "password");

        assertThat(out).anyMatch(l -> l.startsWith("failed dev.opskit.rds.UpgradeException: The upgrade of scan-stopped"))
                .anyMatch(l -> l.contains("upgrade-prechecks.log"));
        assertNoSecret(out, PASSWORD);
    }

    @Test
    void aWrongMasterPasswordWritesNeitherItNorTheRightOne() throws Exception {
        cluster("scan-wrong");
        Secret wrong = Secret.of("Wr0ng-But-Secret-All-The-Same");
        List<String> out = run("scan-wrong", wrong, 1, "password", "deadline=PT20S");

        assertThat(out).anyMatch(l -> l.startsWith("failed dev.opskit.rds.UpgradeException: Could not connect to scan-wrong"))
                .anyMatch(l -> l.contains("Access denied"));
        assertNoSecret(out, wrong);
        assertNoSecret(out, PASSWORD);
    }

    @Test
    void aRunThrottledUntilItsDeadlineWritesNeitherSecret() throws Exception {
        cluster("scan-throttled");
        List<String> out;
        try (var throttled = aws.faults().always().throttle("rds", "*")) {
            out = run("scan-throttled", PASSWORD, 1, "password", "deadline=PT5S");
        }

        assertThat(out).anyMatch(l -> l.startsWith("failed dev.opskit.core.StepFailedException: Step 'pre-checks'")
                && l.contains("Rds DescribeDBClusters failed after"))
                .anyMatch(l -> l.startsWith("event Retrying:pre-checks"));
        assertNoSecret(out, PASSWORD);
    }

    /** Runs the upgrade in its own JVM to its end and returns everything it wrote. */
    private static List<String> run(String id, Secret password, int exitStatus, String... options) throws Exception {
        String[] args = new String[3 + options.length];
        args[0] = id;
        args[1] = "8.0";
        args[2] = "-";
        System.arraycopy(options, 0, args, 3, options.length);
        try (UpgradeChildProcess child = UpgradeChildProcess.start(aws, account, LocalAws.DEFAULT_REGION, password,
                itDir().resolve(id + ".log"), DEBUG, args)) {
            int status = child.awaitExit(Duration.ofMinutes(3));
            List<String> out = child.output();
            assertThat(status).as("exit status; it wrote %s", out).isEqualTo(exitStatus);
            return out;
        }
    }

    private static void assertNoSecret(List<String> out, Secret password) {
        assertThat(out).as("it logged at DEBUG, the SDK's signing included").anyMatch(l -> l.contains("DEBUG"))
                .anyMatch(l -> l.contains("AWS4 String to sign"));
        assertThat(out).as("it printed its events").anyMatch(l -> l.startsWith("detail "));
        String all = String.join("\n", out);
        assertThat(all).as("the master password").doesNotContain(password.reveal());
        assertThat(all).as("the account's secret key").doesNotContain(account.secretAccessKey().reveal());
    }

    private static void cluster(String id) {
        clusterGroup(rds, id + "-params", "aurora-mysql5.7", Map.of("time_zone", "UTC"));
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-mysql").engineVersion("5.7.mysql_aurora.2.11.2")
                .dbClusterParameterGroupName(id + "-params").masterUsername("admin")
                .masterUserPassword(PASSWORD.reveal()));
        addWriter(rds, id, "aurora-mysql", null);
    }

    private static Path itDir() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("opskit.it.dir",
                System.getProperty("java.io.tmpdir")), "upgrade-secret-scan"));
    }
}
