package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.VirtualTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed runbook's four AWS CLI commands against LocalAws SSM, on a virtual clock so that
 * {@code rate(5 minutes)} fires as soon as the test moves time on.
 */
@ExtendWith(AwsCli.Installed.class)
class SsmCliIT {
    private static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-03-02T10:00:00Z"));

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder()
            .clock(TIME.clock()).configure(b -> b.dataDir(dataDir)).perClass();
    @Test
    void seedCommandsCreateRegisterAndListASuccessfulExecution() throws Exception {
        LocalInstances.Instance instance = AWS.aws().instances().list().get(0);
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
        AwsCli.Result r = cli("ssm", "create-maintenance-window", "--name", "bad-window",
                "--schedule", "cron(0 2 * * SUN *)", "--duration", "2", "--cutoff", "1",
                "--allow-unassociated-targets");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("ValidationException").contains("must be '?'");
    }

    @Test
    void unknownWindowIsDoesNotExist() throws Exception {
        AwsCli.Result r = cli("ssm", "get-maintenance-window", "--window-id", "mw-0123456789abcdef0");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("DoesNotExistException").contains("mw-0123456789abcdef0");
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
            assertThat(AWS.aws().awaitIdle(Duration.ofSeconds(10))).isTrue();
            list = executions(windowId);
            if (!list.isEmpty() && !"PENDING".equals(list.get(0).get("Status"))
                    && !"IN_PROGRESS".equals(list.get(0).get("Status"))) {
                return list;
            }
            Thread.sleep(50);
        }
        return list;
    }

    private static Map<String, Object> json(AwsCli.Result r) throws IOException {
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.std.mapFrom(r.out());
    }

    private static AwsCli.Result cli(String... args) throws IOException, InterruptedException {
        return AwsCli.against(AWS.aws()).run(args);
    }
}
