package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.opskit.core.Secret;
import dev.opskit.core.VirtualTime;
import dev.opskit.testkit.Faults;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
        ProcessBuilder pb = new ProcessBuilder(java(), "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-cp", classpath(),
                SecretScanChild.class.getName(), json.toString())
                .redirectError(stderr.toFile());
        Map<String, String> env = pb.environment();
        env.put("SCAN_ENDPOINT", aws.endpoint().toString());
        env.put("SCAN_REGION", LocalAws.DEFAULT_REGION);
        env.put("SCAN_ACCESS_KEY_ID", account.accessKeyId());
        env.put("SCAN_SECRET_ACCESS_KEY", secretKey);
        env.put("SCAN_INSTANCE", aws.instances().list().get(0).id());
        env.put("SCAN_TASK_SECRET", taskSecret);
        Process child = pb.start();
        List<String> lines = new ArrayList<>();
        try (Writer stdin = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            BlockingQueue<String> queue = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        queue.add(line);
                    }
                } catch (IOException e) {
                    // ended
                }
                queue.add("<eof>");
            }, "scan-child-output");
            reader.setDaemon(true);
            reader.start();

            await(queue, lines, "applied", stderr);
            TIME.advance(Duration.ofDays(1));
            stdin.write("fired\n");
            stdin.flush();
            await(queue, lines, "executed", stderr);
            try (Faults.Injection throttle = aws.faults().always().throttle("ssm", "RegisterTaskWithMaintenanceWindow")) {
                stdin.write("throttled\n");
                stdin.flush();
                await(queue, lines, "done", stderr);
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("exit status; stderr: %s", Files.readString(stderr)).isZero();
        } finally {
            child.destroyForcibly();
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

    private static void await(BlockingQueue<String> queue, List<String> seen, String marker, Path stderr)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String line = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null || line.equals("<eof>")) {
                fail("the child did not print '%s'; it printed %s; stderr: %s", marker, seen, Files.readString(stderr));
            }
            seen.add(line);
            if (line.equals(marker)) {
                return;
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
