package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.AwsContext;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Role credentials are fetched again shortly before they expire. LocalAws runs 58.5 minutes
 * behind, so the 1-hour credentials it issues expire 90 seconds from now: past the time (5 minutes
 * before expiry, jittered up to a minute before it) from which the SDK's providers renew them on
 * the next use, and before the minute in which they would no longer hand them out at all.
 */
class CredentialRefreshIT {
    private static LocalIdentityCenter center;

    @BeforeAll
    static void start() {
        center = new LocalIdentityCenter(LocalAws.builder()
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-3510))).start(), 2, 570000000001L);
        LocalAccount target = center.aws.account("570000000002");
        center.aws.roles().create(target, "deploy", r -> r.trust("*"));
    }

    @AfterAll
    static void stop() {
        if (center != null) {
            center.close();
        }
    }

    @Test
    void ssoRoleAndAssumedRoleCredentialsAreRenewedBeforeTheyExpire() {
        try (SsoSession sso = center.login("renew").login()) {
            AccountAccess admin = sso.access("570000000001", LocalIdentityCenter.ROLE);
            AwsCredentials first = admin.credentials().resolveCredentials();
            AwsCredentials second = admin.credentials().resolveCredentials();
            assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
            assertThat(center.aws.faults().calls("awsssoportal", "GetRoleCredentials")).isEqualTo(2);

            AccountAccess deploy = AssumeRole.from(admin, "us-east-1").role("arn:aws:iam::570000000002:role/deploy")
                    .access();
            AwsCredentials a1 = deploy.credentials().resolveCredentials();
            AwsCredentials a2 = deploy.credentials().resolveCredentials();
            assertThat(a2.accessKeyId()).isNotEqualTo(a1.accessKeyId());
            try (AwsContext ctx = deploy.context("eu-west-1")) {
                assertThat(ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().arn())
                        .isEqualTo("arn:aws:sts::570000000002:assumed-role/deploy/opskit");
            }
            assertThat(center.aws.faults().calls("sts", "AssumeRole")).isGreaterThanOrEqualTo(2);
        }
    }
}
