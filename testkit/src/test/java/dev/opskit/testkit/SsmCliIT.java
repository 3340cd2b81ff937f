package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.VirtualTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed runbook's four AWS CLI commands against LocalAws SSM, on a virtual clock so that
 * {@code rate(5 minutes)} fires as soon as the test moves time on.
 */
class SsmCliIT {
    static final Path AWS_CLI = Path.of("/usr/bin/aws");
    private static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-03-02T10:00:00Z"));
    private static LocalAws aws;

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(AWS_CLI), "the AWS CLI is not installed at /usr/bin/aws");
        aws = LocalAws.builder().clock(TIME.clock()).dataDir(dataDir).start();
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void seedCommandsCreateRegisterAndListASuccessfulExecution() throws Exception {
        LocalInstances.Instance instance = aws.instances().list().get(0);
        Files.writeString(instance.sandbox().resolve("seed-marker.txt"), "x");

        Map<String, Object> info = json(cli("ssm", "describe-instance-information"));
        assertThat(info.get("InstanceInformationList").toString()).contains(instance.id()).contains("Online");

        Map<String, Object> window = json(cli("ssm", "create-maintenance-window", "--name", "patch-window",
                "--schedule", "rate(5 minutes)", "--duration", "2", "--cutoff", "1", "--allow-unassociated-targets"));
        String windowId = (String) window.get("WindowId");
        assertThat(windowId).matches("mw-[0-9a-f]{17}");

        Map<String, Object> target = json(cli("ssm", "register-target-with-maintenance-window", "--window-id", windowId,
                "--resource-type", "INSTANCE", "--targets", "Key=InstanceIds,Values=" + instance.id()));
        String targetId = (String) target.get("WindowTargetId");
        assertThat(targetId).matches("[0-9a-f-]{36}");

        Map<String, Object> task = json(cli("ssm", "register-task-with-maintenance-window", "--window-id", windowId,
                "--task-arn", "AWS-RunShellScript", "--task-type", "RUN_COMMAND",
                "--targets", "Key=WindowTargetIds,Values=" + targetId,
                "--task-invocation-parameters", "{\"RunCommand\":{\"Parameters\":{\"commands\":[\"ls\"]}}}",
                "--max-concurrency", "1", "--max-errors", "1", "--priority", "10"));
        assertThat((String) task.get("WindowTaskId")).matches("[0-9a-f-]{36}");

        assertThat(executions(windowId)).isEmpty();
        TIME.advance(Duration.ofMinutes(5));
        List<Map<String, Object>> executions = awaitFinished(windowId);

        assertThat(executions).hasSize(1);
        assertThat(executions.get(0)).containsEntry("Status", "SUCCESS").containsEntry("WindowId", windowId);
        String executionId = (String) executions.get(0).get("WindowExecutionId");
        Map<String, Object> tasks = json(cli("ssm", "describe-maintenance-window-execution-tasks",
                "--window-execution-id", executionId));
        @SuppressWarnings("unchecked")
        Map<String, Object> taskExecution = ((List<Map<String, Object>>) tasks.get("WindowExecutionTaskIdentities")).get(0);
        assertThat(taskExecution).containsEntry("Status", "SUCCESS").containsEntry("TaskArn", "AWS-RunShellScript");
        Map<String, Object> invocations = json(cli("ssm", "describe-maintenance-window-execution-task-invocations",
                "--window-execution-id", executionId, "--task-id", (String) taskExecution.get("TaskExecutionId")));
        @SuppressWarnings("unchecked")
        Map<String, Object> invocation =
                ((List<Map<String, Object>>) invocations.get("WindowExecutionTaskInvocationIdentities")).get(0);
        assertThat(invocation).containsEntry("Status", "SUCCESS").containsEntry("WindowTargetId", targetId);
        Map<String, Object> output = json(cli("ssm", "get-command-invocation", "--command-id",
                (String) invocation.get("ExecutionId"), "--instance-id", instance.id()));
        assertThat(output).containsEntry("Status", "Success").containsEntry("ResponseCode", 0);
        assertThat((String) output.get("StandardOutputContent")).contains("seed-marker.txt");
    }

    @Test
    void invalidScheduleIsAValidationErrorNamingTheField() throws Exception {
        Result r = cli("ssm", "create-maintenance-window", "--name", "bad-window",
                "--schedule", "cron(0 2 * * SUN *)", "--duration", "2", "--cutoff", "1",
                "--allow-unassociated-targets");

        assertThat(r.exit).isNotZero();
        assertThat(r.err).contains("ValidationException").contains("must be '?'");
    }

    @Test
    void unknownWindowIsDoesNotExist() throws Exception {
        Result r = cli("ssm", "get-maintenance-window", "--window-id", "mw-0123456789abcdef0");

        assertThat(r.exit).isNotZero();
        assertThat(r.err).contains("DoesNotExistException").contains("mw-0123456789abcdef0");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> executions(String windowId) throws Exception {
        return (List<Map<String, Object>>) json(cli("ssm", "describe-maintenance-window-executions",
                "--window-id", windowId)).get("WindowExecutions");
    }

    private static List<Map<String, Object>> awaitFinished(String windowId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Map<String, Object>> list = List.of();
        while (System.nanoTime() < deadline) {
            assertThat(aws.awaitIdle(Duration.ofSeconds(10))).isTrue();
            list = executions(windowId);
            if (!list.isEmpty() && !"PENDING".equals(list.get(0).get("Status"))
                    && !"IN_PROGRESS".equals(list.get(0).get("Status"))) {
                return list;
            }
            Thread.sleep(50);
        }
        return list;
    }

    private static Map<String, Object> json(Result r) throws IOException {
        assertThat(r.exit).as(r.err).isZero();
        return JSON.std.mapFrom(r.out);
    }

    private static Result cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(AWS_CLI.toString(), "--endpoint-url", aws.endpoint().toString(),
                "--output", "json"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        LocalAccount account = aws.defaultAccount();
        env.put("AWS_ACCESS_KEY_ID", account.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", account.secretAccessKey().reveal());
        env.put("AWS_DEFAULT_REGION", LocalAws.DEFAULT_REGION);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_PAGER", "");
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_MAX_ATTEMPTS", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    record Result(int exit, String out, String err) {
    }
}
