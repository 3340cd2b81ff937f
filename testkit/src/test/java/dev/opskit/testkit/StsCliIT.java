package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opskit.core.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real AWS CLI v2 (Python, botocore signer, its own form encoding) against LocalAws STS. */
class StsCliIT {
    static final Path AWS_CLI = Path.of("/usr/bin/aws");
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
    void getCallerIdentityShowsTheAccountOfTheKey() throws Exception {
        LocalAccount account = aws.createAccount();

        Result r = cli(account.accessKeyId(), account.secretAccessKey(), "sts", "get-caller-identity");

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("\"Account\": \"" + account.id() + "\"")
                .contains("\"Arn\": \"arn:aws:iam::" + account.id() + ":root\"");
    }

    @Test
    void assumeRoleWithTagsAndExternalIdReturnsTemporaryCredentials() throws Exception {
        LocalAccount caller = aws.defaultAccount();
        LocalAccount target = aws.createAccount();

        Result r = cli(caller.accessKeyId(), caller.secretAccessKey(), "sts", "assume-role",
                "--role-arn", target.roleArn("deploy"), "--role-session-name", "cli+session=1",
                "--external-id", "ext:id/42", "--tags", "Key=team name,Value=ops+infra 1",
                "--duration-seconds", "1800");

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("\"AccessKeyId\": \"ASIA")
                .contains("arn:aws:sts::" + target.id() + ":assumed-role/deploy/cli+session=1");
    }

    @Test
    void wrongSecretFailsWithSignatureDoesNotMatch() throws Exception {
        Result r = cli(aws.defaultAccount().accessKeyId(), Secret.of("definitely-not-it"), "sts", "get-caller-identity");

        assertThat(r.exit).isNotZero();
        assertThat(r.err).contains("SignatureDoesNotMatch");
    }

    private static Result cli(String akid, Secret secret, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(AWS_CLI.toString(), "--endpoint-url", aws.endpoint().toString(),
                "--output", "json"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", akid);
        env.put("AWS_SECRET_ACCESS_KEY", secret.reveal());
        env.put("AWS_DEFAULT_REGION", "eu-central-1");
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
