package dev.opskit.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real AWS CLI v2 driving the RDS emulator's control plane. */
class RdsCliIT {
    private static final Path AWS_CLI = Path.of("/usr/bin/aws");
    private static LocalAws aws;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(AWS_CLI), "the AWS CLI is not installed at /usr/bin/aws");
        aws = LocalAws.start();
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void parameterGroupClusterInstanceRebootCloneAndEvents() throws Exception {
        ok("rds", "create-db-cluster-parameter-group", "--db-cluster-parameter-group-name", "cli-binlog",
                "--db-parameter-group-family", "aurora-mysql5.7", "--description", "binlog on");
        ok("rds", "modify-db-cluster-parameter-group", "--db-cluster-parameter-group-name", "cli-binlog",
                "--parameters", "ParameterName=binlog_format,ParameterValue=MIXED,ApplyMethod=pending-reboot");
        String params = ok("rds", "describe-db-cluster-parameters", "--db-cluster-parameter-group-name",
                "cli-binlog", "--source", "user");
        assertThat(params).contains("\"ParameterName\": \"binlog_format\"").contains("\"ParameterValue\": \"MIXED\"");

        String created = ok("rds", "create-db-cluster", "--db-cluster-identifier", "cli-src", "--engine",
                "aurora-mysql", "--engine-version", "5.7.mysql_aurora.2.11.2", "--master-username", "admin",
                "--master-user-password", "Sup3rSecretPw", "--db-cluster-parameter-group-name", "cli-binlog");
        assertThat(created).contains("\"Status\": \"creating\"").doesNotContain("Sup3rSecretPw");
        ok("rds", "create-db-instance", "--db-instance-identifier", "cli-src-1", "--db-cluster-identifier",
                "cli-src", "--db-instance-class", "db.r6g.large", "--engine", "aurora-mysql");
        awaitAvailable("cli-src-1");
        ok("rds", "wait", "db-instance-available", "--db-instance-identifier", "cli-src-1");
        ok("rds", "wait", "db-cluster-available", "--db-cluster-identifier", "cli-src");

        assertThat(ok("rds", "reboot-db-instance", "--db-instance-identifier", "cli-src-1"))
                .contains("\"DBInstanceStatus\": \"rebooting\"");
        awaitAvailable("cli-src-1");
        ok("rds", "restore-db-cluster-to-point-in-time", "--db-cluster-identifier", "cli-clone",
                "--source-db-cluster-identifier", "cli-src", "--restore-type", "copy-on-write",
                "--use-latest-restorable-time");
        ok("rds", "create-db-instance", "--db-instance-identifier", "cli-clone-1", "--db-cluster-identifier",
                "cli-clone", "--db-instance-class", "db.r6g.large", "--engine", "aurora-mysql");
        awaitAvailable("cli-clone-1");

        String events = ok("rds", "describe-events", "--source-type", "db-instance", "--source-identifier",
                "cli-clone-1", "--duration", "60");
        assertThat(events).contains("DB instance created")
                .containsPattern("Binlog position from crash recovery is mysql-bin-changelog\\.\\d+ \\d+");
        assertThat(ok("rds", "describe-events", "--source-type", "db-instance", "--source-identifier",
                "cli-src-1")).contains("DB instance restarted");

        Result missing = cli("rds", "describe-db-clusters", "--db-cluster-identifier", "nope");
        assertThat(missing.exit).isNotZero();
        assertThat(missing.err).contains("DBClusterNotFoundFault");
    }

    /** Polls instead of `aws rds wait` first: the CLI's waiter sleeps 30 s after a miss. */
    private static void awaitAvailable(String instance) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String out = ok("rds", "describe-db-instances", "--db-instance-identifier", instance, "--query",
                    "DBInstances[0].DBInstanceStatus", "--output", "text");
            if (out.trim().equals("available")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(instance + " did not become available within 60 s");
    }

    private static String ok(String... args) throws Exception {
        Result r = cli(args);
        assertThat(r.exit).as(String.join(" ", args) + "\n" + r.err).isZero();
        return r.out;
    }

    private record Result(int exit, String out, String err) {
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
        Path out = Files.createTempFile("rds-cli-out", ".txt");
        Path err = Files.createTempFile("rds-cli-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("aws " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
