package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone launcher in its own JVM, as {@code testkit/local-aws} runs it: its lines on
 * stdout (endpoint, credentials, account, region, the local instance), a working endpoint
 * (checked with the AWS CLI), the region the user works in, and a clean stop on SIGTERM.
 */
@ExtendWith(AwsCli.Installed.class)
class LauncherIT {
    @TempDir
    Path dataDir;

    /** A launcher process and the lines it printed. */
    private record Launcher(Process process, Map<String, String> lines, BufferedReader out) {
        URI endpoint() {
            return URI.create(lines.get("endpoint"));
        }

        /** SIGTERM, as Ctrl-C in a shell; the launcher closes everything before it exits. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        AwsCli cli(String region) {
            return AwsCli.of(endpoint(), lines.get("aws_access_key_id"), Secret.of(lines.get("aws_secret_access_key")),
                    region);
        }
    }

    private Launcher start(Map<String, String> env, String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", classpath,
                "dev.opskit.testkit.internal.server.Main", "--port", "0", "--data-dir", dataDir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Map<String, String> lines = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            String line = out.readLine();
            assertThat(line).as("line %d of the launcher's output", i + 1).isNotNull().contains("=");
            lines.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return new Launcher(p, lines, out);
    }

    @Test
    void printsEndpointAndCredentialsServesTheCliAndStopsOnSigterm() throws Exception {
        Launcher l = start(Map.of());
        Process p = l.process();
        try {
            assertThat(l.lines().keySet()).containsExactly("endpoint", "aws_access_key_id", "aws_secret_access_key",
                    "account", "region", "instance");
            assertThat(l.lines().get("instance")).matches("i-[0-9a-f]{17}");
            assertThat(l.lines().get("account")).isEqualTo(LocalAws.DEFAULT_ACCOUNT_ID);
            assertThat(l.lines().get("region")).isEqualTo("us-east-1");
            URI endpoint = l.endpoint();
            assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");

            AwsCli.Result identity = l.cli("us-east-1").run("sts", "get-caller-identity");
            assertThat(identity.exit()).as(identity.err()).isZero();
            assertThat(identity.out()).contains("\"Account\": \"" + LocalAws.DEFAULT_ACCOUNT_ID + "\"");

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("launcher exits after SIGTERM").isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
            try (ServerSocket s = new ServerSocket(endpoint.getPort(), 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(endpoint.getPort());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theSeedsSsmCommandsWorkInTheRegionTheLauncherWasGiven() throws Exception {
        Launcher l = start(Map.of(), "--region", "ap-northeast-1");
        try {
            assertThat(l.lines()).containsEntry("region", "ap-northeast-1");
            String instance = l.lines().get("instance");
            AwsCli cli = l.cli("ap-northeast-1");

            assertThat(cli.ok("ssm", "describe-instance-information")).contains(instance).contains("Online");
            String windowId = (String) json(cli.ok("ssm", "create-maintenance-window", "--name", "patch-window",
                    "--schedule", "rate(5 minutes)", "--duration", "2", "--cutoff", "1",
                    "--allow-unassociated-targets")).get("WindowId");
            String targetId = (String) json(cli.ok("ssm", "register-target-with-maintenance-window",
                    "--window-id", windowId, "--resource-type", "INSTANCE",
                    "--targets", "Key=InstanceIds,Values=" + instance)).get("WindowTargetId");
            json(cli.ok("ssm", "register-task-with-maintenance-window", "--window-id", windowId,
                    "--task-arn", "AWS-RunShellScript", "--task-type", "RUN_COMMAND",
                    "--targets", "Key=WindowTargetIds,Values=" + targetId,
                    "--task-invocation-parameters", "{\"RunCommand\":{\"Parameters\":{\"commands\":[\"ls\"]}}}",
                    "--max-concurrency", "1", "--max-errors", "1", "--priority", "10"));
            assertThat(executions(cli, windowId)).isEmpty();
            // The launcher runs on the wall clock: a one-time schedule a few seconds ahead fires soon (ahead
            // by more than the CLI takes to start on a loaded machine, or it would be in the past).
            LocalDateTime at = LocalDateTime.ofInstant(Instant.now().plusSeconds(10), ZoneOffset.UTC)
                    .truncatedTo(ChronoUnit.SECONDS);
            cli.ok("ssm", "update-maintenance-window", "--window-id", windowId, "--schedule", "at(" + at + ")");

            Map<String, Object> execution = awaitFinished(cli, windowId);
            assertThat(execution).containsEntry("Status", "SUCCESS");
            Map<String, Object> tasks = json(cli.ok("ssm", "describe-maintenance-window-execution-tasks",
                    "--window-execution-id", (String) execution.get("WindowExecutionId")));
            assertThat(tasks.toString()).contains("SUCCESS").contains("AWS-RunShellScript");
        } finally {
            l.stop();
        }
    }

    @Test
    void theRegionComesFromAwsRegionThenAwsDefaultRegionAndTheLocalMachineIsInEveryRegion() throws Exception {
        Launcher l = start(Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-west-2"));
        try {
            assertThat(l.lines()).containsEntry("region", "eu-west-1");
            String instance = l.lines().get("instance");
            for (String region : List.of("eu-west-1", "us-west-2", "ap-northeast-1")) {
                assertThat(l.cli(region).ok("ssm", "describe-instance-information")).as(region).contains(instance);
            }
        } finally {
            l.stop();
        }
        Launcher defaultRegion = start(Map.of("AWS_DEFAULT_REGION", "ap-northeast-1"));
        try {
            assertThat(defaultRegion.lines()).containsEntry("region", "ap-northeast-1");
        } finally {
            defaultRegion.stop();
        }
    }

    @Test
    void createsAccountsWithPermissionSetsAndRolesFromItsOptions() throws Exception {
        Launcher l = start(Map.of(), "--accounts", "2", "--permission-set", "ReadOnly", "--role", "deploy",
                "--external-id", "ext-1");
        try {
            Map<String, String> more = new LinkedHashMap<>();
            List<String> members = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String line = l.out().readLine();
                assertThat(line).as("line %d after the first six", i + 1).isNotNull().contains("=");
                String key = line.substring(0, line.indexOf('='));
                String value = line.substring(line.indexOf('=') + 1);
                if (key.equals("member_account")) {
                    members.add(value);
                } else {
                    more.put(key, value);
                }
            }
            assertThat(more).containsEntry("sso_start_url", l.lines().get("endpoint") + "/start")
                    .containsEntry("sso_region", "us-east-1");
            assertThat(members).containsExactly("100000000001 account-100000000001",
                    "100000000002 account-100000000002");

            AwsCli cli = l.cli("us-east-1");
            AwsCli.Result refused = cli.run("sts", "assume-role", "--role-arn", "arn:aws:iam::100000000002:role/deploy",
                    "--role-session-name", "ops");
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains("AccessDenied");
            assertThat(cli.ok("sts", "assume-role", "--role-arn", "arn:aws:iam::100000000002:role/deploy",
                    "--role-session-name", "ops", "--external-id", "ext-1"))
                    .contains("arn:aws:sts::100000000002:assumed-role/deploy/ops");
        } finally {
            l.stop();
        }
    }

    private static Map<String, Object> json(String text) throws IOException {
        return JSON.std.mapFrom(text);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> executions(AwsCli cli, String windowId) throws Exception {
        return (List<Map<String, Object>>) json(cli.ok("ssm", "describe-maintenance-window-executions",
                "--window-id", windowId)).get("WindowExecutions");
    }

    private static Map<String, Object> awaitFinished(AwsCli cli, String windowId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Map<String, Object>> list = List.of();
        while (System.nanoTime() < deadline) {
            list = executions(cli, windowId);
            if (!list.isEmpty() && !List.of("PENDING", "IN_PROGRESS").contains(list.get(0).get("Status"))) {
                return list.get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no finished execution of " + windowId + " within 60 s: " + list);
    }
}
