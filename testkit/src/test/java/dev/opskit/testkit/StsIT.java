package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

class StsIT {
    private static final MovableClock CLOCK = new MovableClock();
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().clock(CLOCK).perClass();

    @Test
    void defaultContextIsTheDefaultAccountRoot() {
        GetCallerIdentityResponse id = sts(AWS.context()).getCallerIdentity();

        assertThat(id.account()).isEqualTo(LocalAws.DEFAULT_ACCOUNT_ID);
        assertThat(id.arn()).isEqualTo("arn:aws:iam::111111111111:root");
        assertThat(id.userId()).isEqualTo("111111111111");
    }

    @Test
    void eachAccountsKeySeesOnlyThatAccount() {
        LocalAccount a = AWS.aws().createAccount();
        LocalAccount b = AWS.aws().createAccount("444444444444");
        try (AwsContext ca = AWS.aws().context(a, "eu-west-1"); AwsContext cb = AWS.aws().context(b, "us-west-2")) {
            assertThat(sts(ca).getCallerIdentity().account()).isEqualTo(a.id()).isNotEqualTo(b.id());
            assertThat(sts(cb).getCallerIdentity().account()).isEqualTo("444444444444");
        }
        assertThat(AWS.aws().account("444444444444")).isEqualTo(b);
    }

    @Test
    void wrongSecretArrivesAsTypedSignatureDoesNotMatch() {
        LocalAccount real = AWS.aws().defaultAccount();
        LocalAccount forged = new LocalAccount(real.id(), real.accessKeyId(), Secret.of("wrong-secret-value"));
        try (AwsContext bad = AWS.aws().context(forged, "us-east-1")) {
            assertThatThrownBy(() -> sts(bad).getCallerIdentity()).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorMessage()).contains("does not match the signature you provided");
                assertThat(e.requestId()).isNotBlank();
            });
        }
    }

    @Test
    void unknownAccessKeyIsInvalidClientTokenId() {
        LocalAccount stranger = new LocalAccount("999999999999", "AKIANOTKNOWN00000000", Secret.of("x".repeat(40)));
        try (AwsContext bad = AWS.aws().context(stranger, "us-east-1")) {
            assertThatThrownBy(() -> sts(bad).getCallerIdentity()).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                assertThat(e.statusCode()).isEqualTo(403);
            });
        }
    }

    @Test
    void assumedRoleCredentialsActInTheRolesAccount() {
        LocalAccount target = AWS.aws().createAccount();
        AssumeRoleResponse assumed = sts(AWS.context()).assumeRole(r -> r.roleArn(target.roleArn("ops-admin"))
                .roleSessionName("night-shift").durationSeconds(900).externalId("ext-123")
                .tags(t -> t.key("team").value("ops")));

        assertThat(assumed.credentials().accessKeyId()).startsWith("ASIA");
        assertThat(assumed.credentials().expiration()).isAfter(CLOCK.instant().plusSeconds(899));
        assertThat(assumed.assumedRoleUser().arn())
                .isEqualTo("arn:aws:sts::" + target.id() + ":assumed-role/ops-admin/night-shift");

        StsClient asRole = client(session(assumed));
        GetCallerIdentityResponse id = asRole.getCallerIdentity();
        assertThat(id.account()).isEqualTo(target.id());
        assertThat(id.arn()).isEqualTo("arn:aws:sts::" + target.id() + ":assumed-role/ops-admin/night-shift");
        assertThat(id.userId()).startsWith("AROA").endsWith(":night-shift");

        // Role chaining is limited to one hour, as in AWS.
        assertThatThrownBy(() -> asRole.assumeRole(r -> r.roleArn(AWS.aws().defaultAccount().roleArn("back"))
                .roleSessionName("chain").durationSeconds(7200)))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .contains("1 hour session limit"));
        asRole.close();
    }

    @Test
    void temporaryCredentialsExpireOnTheEmulatedClock() {
        AssumeRoleResponse assumed = sts(AWS.context()).assumeRole(r -> r.roleArn(AWS.aws().defaultAccount().roleArn("short"))
                .roleSessionName("s1").durationSeconds(900));
        try (StsClient asRole = client(session(assumed))) {
            assertThat(asRole.getCallerIdentity().account()).isEqualTo(LocalAws.DEFAULT_ACCOUNT_ID);

            CLOCK.advance(Duration.ofSeconds(901));

            assertThatThrownBy(asRole::getCallerIdentity).isInstanceOfSatisfying(StsException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken"));
        }
    }

    @Test
    void assumeRoleInputIsValidatedAgainstTheModel() {
        assertThatThrownBy(() -> sts(AWS.context()).assumeRole(r -> r.roleArn(AWS.aws().defaultAccount().roleArn("r"))
                .roleSessionName("has space").durationSeconds(60)))
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith("2 validation errors detected: ")
                            .contains("Value 'has space' at 'roleSessionName' failed to satisfy constraint: "
                                    + "Member must satisfy regular expression pattern: [\\w+=,.@-]*")
                            .contains("Value '60' at 'durationSeconds'");
                });
        assertThatThrownBy(() -> sts(AWS.context()).assumeRole(r -> r.roleArn("arn:aws:iam::123:user/not-a-role")
                .roleSessionName("ok")))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .contains("not a valid role ARN"));
        assertThatThrownBy(() -> sts(AWS.context()).assumeRole(r -> r.roleArn("arn:aws:iam::888888888888:role/x")
                .roleSessionName("ok")))
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.statusCode()).isEqualTo(403);
                });
    }

    private static StsClient sts(AwsContext c) {
        return c.client(StsClient.class, StsClient::builder);
    }

    private static AwsCredentialsProvider session(AssumeRoleResponse r) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(r.credentials().accessKeyId(),
                r.credentials().secretAccessKey(), r.credentials().sessionToken()));
    }

    private static StsClient client(AwsCredentialsProvider credentials) {
        return StsClient.builder().endpointOverride(AWS.aws().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
    }

    /** A clock tests move forward; starts at real time so that signatures stay fresh. */
    static final class MovableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
