package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.AwsContext;
import dev.opskit.core.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.PackageType;

/** A maintenance window's LAMBDA task invokes the function on LocalAws, with the task's payload. */
class LambdaMaintenanceWindowIT {
    private static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-03-02T10:00:00Z"));

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().clock(TIME.clock())
            .configure(b -> b.dataDir(dataDir)).perClass();

    @BeforeAll
    static void needsTheCli() {
        AwsCli.assumeInstalled();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLambdaTaskRunsTheFunctionWithItsPayload() throws Exception {
        LocalAws aws = AWS.aws();
        assumeTrue(aws.lambda().sandboxAvailable(), "bubblewrap cannot isolate functions here");
        aws.lambda().transitionTime(Duration.ZERO);
        String arn;
        try (AwsContext ctx = aws.context()) {
            EcrClient ecr = ctx.client(EcrClient.class, EcrClient::builder);
            ecr.createRepository(r -> r.repositoryName("window-fn"));
            String image = TestImages.using(aws, ecr).push("window-fn", "v1", TestImages.seed(), List.of("function.handler"));
            LambdaClient lambda = ctx.client(LambdaClient.class, LambdaClient::builder);
            arn = lambda.createFunction(r -> r.functionName("window-fn").packageType(PackageType.IMAGE)
                    .role("arn:aws:iam::" + LocalAws.DEFAULT_ACCOUNT_ID + ":role/r").code(c -> c.imageUri(image)))
                    .functionArn();
            lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName("window-fn"));
        }
        AwsCli cli = AwsCli.against(AWS.aws(), AWS.aws().defaultAccount());
        String windowId = (String) json(cli.ok("ssm", "create-maintenance-window", "--name", "lambda-window",
                "--schedule", "rate(5 minutes)", "--duration", "2", "--cutoff", "1", "--allow-unassociated-targets"))
                .get("WindowId");
        String payload = Base64.getEncoder().encodeToString("{\"from\":\"window\"}".getBytes(StandardCharsets.UTF_8));
        cli.ok("ssm", "register-task-with-maintenance-window", "--window-id", windowId, "--task-arn", arn,
                "--task-type", "LAMBDA", "--priority", "1", "--max-concurrency", "1", "--max-errors", "0",
                "--task-invocation-parameters", "{\"Lambda\":{\"Payload\":\"" + payload + "\"}}");

        TIME.advance(Duration.ofMinutes(5));
        Map<String, Object> execution = awaitFinished(cli, windowId);
        assertThat(execution).containsEntry("Status", "SUCCESS");
        String executionId = (String) execution.get("WindowExecutionId");
        Map<String, Object> task = ((List<Map<String, Object>>) json(cli.ok("ssm",
                "describe-maintenance-window-execution-tasks", "--window-execution-id", executionId))
                .get("WindowExecutionTaskIdentities")).get(0);
        assertThat(task).containsEntry("Status", "SUCCESS").containsEntry("TaskType", "LAMBDA");
        Map<String, Object> invocation = ((List<Map<String, Object>>) json(cli.ok("ssm",
                "describe-maintenance-window-execution-task-invocations", "--window-execution-id", executionId,
                "--task-id", (String) task.get("TaskExecutionId"))).get("WindowExecutionTaskInvocationIdentities")).get(0);
        assertThat(invocation).containsEntry("Status", "SUCCESS");
        assertThat((String) invocation.get("ExecutionId")).matches("[0-9a-f-]{36}");
        assertThat(aws.lambda().logs(aws.defaultAccount(), LocalAws.DEFAULT_REGION, "window-fn"))
                .contains("{\"from\":\"window\"}", "RequestId: " + invocation.get("ExecutionId"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitFinished(AwsCli cli, String windowId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Object> last = Map.of();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> list = (List<Map<String, Object>>) json(cli.ok("ssm",
                    "describe-maintenance-window-executions", "--window-id", windowId)).get("WindowExecutions");
            if (!list.isEmpty()) {
                last = list.get(0);
                if (!"PENDING".equals(last.get("Status")) && !"IN_PROGRESS".equals(last.get("Status"))) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        return last;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String s) throws Exception {
        return (Map<String, Object>) JSON.std.anyFrom(s);
    }
}
