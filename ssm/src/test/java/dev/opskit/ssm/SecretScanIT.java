package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.opskit.core.Secret;
import dev.opskit.core.VirtualTime;
import dev.opskit.testkit.Faults;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maintenance-window runbook run in a JVM of its own with a known secret access key and a
 * secret in two task parameters, logging at DEBUG: neither secret appears in any log line, event
 * (record, message, console, SLF4J, JSON lines), {@code toString()}, plan, outcome or exception
 * (message, causes, suppressed) of the apply, the plan, an execution, a failed wait, a throttled
 * apply that ends at its deadline, or rejected input.
 */
class SecretScanIT {
    private static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-07-06T04:00:00Z"));
    private static LocalAws aws;

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().clock(TIME.clock())
            .configure(b -> b.dataDir(dataDir)).perClass();

    @BeforeAll
    static void start() {
        aws = AWS.aws();
    }

    @Test
    void neitherTheSecretKeyNorATaskParameterSecretAppearsAnywhere() throws Exception {
        LocalAccount account = aws.defaultAccount();
        String secretKey = account.secretAccessKey().reveal();
        String taskSecret = Secret.generate(24).reveal();
        Path stderr = dataDir.resolve("scan-stderr.log");
        Path json = dataDir.resolve("scan-events.jsonl");
        List<String> lines = new ArrayList<>();
        try (ChildJvm child = ChildJvm.start(SecretScanChild.class,
                List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"), List.of(json.toString()),
                Map.of("SCAN_ENDPOINT", aws.endpoint().toString(), "SCAN_REGION", LocalAws.DEFAULT_REGION,
                        "SCAN_ACCESS_KEY_ID", account.accessKeyId(), "SCAN_SECRET_ACCESS_KEY", secretKey,
                        "SCAN_INSTANCE", aws.instances().list().get(0).id(), "SCAN_TASK_SECRET", taskSecret),
                stderr)) {
            await(child, lines, "applied", stderr);
            TIME.advance(Duration.ofDays(1));
            child.send("fired");
            await(child, lines, "executed", stderr);
            try (Faults.Injection throttle = aws.faults().always().throttle("ssm", "RegisterTaskWithMaintenanceWindow")) {
                child.send("throttled");
                await(child, lines, "done", stderr);
            }
            assertThat(child.await(30)).as("exit status; stderr: %s", Files.readString(stderr)).isZero();
        }
        String stdout = String.join("\n", lines);
        String log = Files.readString(stderr);
        String events = Files.readString(json);

        // It all happened, so the scan below is of something.
        assertThat(stdout).contains("event WindowChanged", "created window", "registered task with-token",
                "updated task with-token", "ExecutionFinished", "TaskInvocationFinished", "token set",
                "Plan for apply maintenance window scan-window", "RegisterTaskWithMaintenanceWindow failed after",
                "Invalid commands", "WaitTimeoutException", "Caused by:", "Suppressed:");
        assertThat(log).contains("DEBUG").contains("StepSucceeded");
        assertThat(events).contains("\"type\":\"WindowChanged\"").contains("\"type\":\"ExecutionFinished\"");
        for (String secret : List.of(secretKey, taskSecret)) {
            assertThat(stdout).as("stdout").doesNotContain(secret);
            assertThat(log).as("the SLF4J log at DEBUG").doesNotContain(secret);
            assertThat(events).as("the JSON-lines events").doesNotContain(secret);
        }
    }

    private static void await(ChildJvm child, List<String> seen, String marker, Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String line = child.poll(deadline - System.nanoTime());
            if (line == null || line.equals(ChildJvm.EOF)) {
                fail("the child did not print '%s'; it printed %s; stderr: %s", marker, seen, Files.readString(stderr));
            }
            seen.add(line);
            if (line.equals(marker)) {
                return;
            }
        }
    }
}
