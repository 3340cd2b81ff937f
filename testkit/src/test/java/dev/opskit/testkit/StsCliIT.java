package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Secret;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real AWS CLI v2 (Python, botocore signer, its own form encoding) against LocalAws STS. */
@ExtendWith(AwsCli.Installed.class)
class StsCliIT {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.perClass();
    @Test
    void getCallerIdentityShowsTheAccountOfTheKey() throws Exception {
        LocalAccount account = AWS.aws().createAccount();

        AwsCli.Result r = cli(account.accessKeyId(), account.secretAccessKey(), "sts", "get-caller-identity");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"Account\": \"" + account.id() + "\"")
                .contains("\"Arn\": \"arn:aws:iam::" + account.id() + ":root\"");
    }

    @Test
    void assumeRoleWithTagsAndExternalIdReturnsTemporaryCredentials() throws Exception {
        LocalAccount caller = AWS.aws().defaultAccount();
        LocalAccount target = AWS.aws().createAccount();

        AwsCli.Result r = cli(caller.accessKeyId(), caller.secretAccessKey(), "sts", "assume-role",
                "--role-arn", target.roleArn("deploy"), "--role-session-name", "cli+session=1",
                "--external-id", "ext:id/42", "--tags", "Key=team name,Value=ops+infra 1",
                "--duration-seconds", "1800");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"AccessKeyId\": \"ASIA")
                .contains("arn:aws:sts::" + target.id() + ":assumed-role/deploy/cli+session=1");
    }

    @Test
    void wrongSecretFailsWithSignatureDoesNotMatch() throws Exception {
        AwsCli.Result r = cli(AWS.aws().defaultAccount().accessKeyId(), Secret.of("definitely-not-it"), "sts",
                "get-caller-identity");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("SignatureDoesNotMatch");
    }

    private static AwsCli.Result cli(String akid, Secret secret, String... args)
            throws IOException, InterruptedException {
        return AwsCli.of(AWS.aws().endpoint(), akid, secret, "eu-central-1").run(args);
    }
}
