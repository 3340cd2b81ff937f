package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Secret;
import dev.opskit.testkit.LocalAwsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The replication runbook run with a known master password, replication password and the
 * account's secret key, in a JVM of its own with every logger at TRACE: its whole output (every
 * log line, every event printed whole, exception messages and stack traces, the
 * {@code toString()} of the context, setup, plan, handle, statuses, report and cutover) holds none
 * of the three.
 */
class ReplicationSecretScanIT {
    @RegisterExtension
    static final LocalAwsExtension cloud = LocalAwsExtension.perClass();

    private static RdsClient rds() {
        return cloud.client(RdsClient.class, RdsClient::builder);
    }

    @Test
    void noSecretAppearsInLogsEventsMessagesOrDescriptions() throws Exception {
        Secret master = Secret.of("Master-Pw-4d9e21c7");
        Secret replication = Secret.of("Repl-Pw-8b3f0a6e");
        Secret wrong = Secret.of("Wrong-Pw-5a1c9d02");
        AwsCredentials keys = cloud.context().credentials().resolveCredentials();
        String secretKey = keys.secretAccessKey();
        ReplicationFixture.seededSource(rds(), "vault", "8.0.mysql_aurora.3.04.0", master, 42);

        Path dir = Files.createDirectories(Path.of(System.getProperty("opskit.it.dir",
                System.getProperty("java.io.tmpdir")), "secret-scan"));
        Path output = dir.resolve("runbook-output.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                ReplicationSecretScanChild.class.getName(), "vault", "vault-next")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = pb.environment();
        env.put("SCAN_ENDPOINT", cloud.context().endpointOverride().orElseThrow().toString());
        env.put("SCAN_REGION", cloud.context().region().id());
        env.put("SCAN_ACCESS_KEY_ID", keys.accessKeyId());
        env.put("SCAN_SECRET_ACCESS_KEY", secretKey);
        env.put("SCAN_MASTER_PASSWORD", master.reveal());
        env.put("SCAN_REPLICATION_PASSWORD", replication.reveal());
        env.put("SCAN_WRONG_PASSWORD", wrong.reveal());
        Process child = pb.start();
        try {
            assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("the runbook's JVM finished; see %s", output).isTrue();
        } finally {
            child.destroyForcibly();
        }
        String everything = Files.readString(output);
        assertThat(child.exitValue()).as("exit status; output in %s", output).isZero();
        // What was scanned: trace logging, the failure, every kind of output the child prints.
        assertThat(everything).as("the runbook's output, in %s", output)
                .contains("done", "TRACE", "DEBUG", "software.amazon.awssdk", "com.zaxxer.hikari")
                .contains("wrong password: ", "Access denied", "\tat ")
                .contains("context AwsContext", "setup Replication.from(vault)", "plan ", "handle ReplicationHandle")
                .contains("event StepSucceeded", "event Waiting", "event StartPositionRead", "event VerificationFinished",
                        "event ReplicationCutOver", "event ReplicationTornDown", "IDENTICAL", "after cutover: ")
                .contains("external-source", "replication-user");
        assertThat(everything).as("the master password, in %s", output).doesNotContain(master.reveal());
        assertThat(everything).as("the replication password, in %s", output).doesNotContain(replication.reveal());
        assertThat(everything).as("the wrong master password, in %s", output).doesNotContain(wrong.reveal());
        assertThat(everything).as("the account's secret key, in %s", output).doesNotContain(secretKey);
    }
}
