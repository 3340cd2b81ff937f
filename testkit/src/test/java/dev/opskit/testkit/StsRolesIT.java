package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/** AssumeRole into other LocalAws accounts through roles with a trust policy. */
class StsRolesIT {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.perClass();
    private static LocalAws aws;
    private static LocalAccount ops;
    private static LocalAccount prod;
    private static LocalAccount stranger;
    private static AwsContext opsCtx;

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        ops = aws.createAccount("200000000001");
        prod = aws.createAccount("200000000002");
        stranger = aws.createAccount("200000000003");
        aws.roles().create(prod, "deploy", r -> r.trust(ops.id()).externalId("ticket-4711")
                .maxSession(Duration.ofHours(2)));
        aws.roles().create(prod, "audit", r -> r.trust(ops.roleArn("auditor")));
        opsCtx = aws.context(ops, "eu-west-1").toBuilder().maxAttempts(1).build();
    }

    @AfterAll
    static void stop() {
        if (opsCtx != null) {
            opsCtx.close();
        }
    }

    @Test
    void aTrustedCallerWithTheExternalIdGetsASessionInTheRolesAccount() {
        AssumeRoleResponse r = sts(opsCtx).assumeRole(b -> b.roleArn(prod.roleArn("deploy"))
                .roleSessionName("alice").externalId("ticket-4711").durationSeconds(7200).sourceIdentity("alice"));

        assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::200000000002:assumed-role/deploy/alice");
        assertThat(r.sourceIdentity()).isEqualTo("alice");
        try (AwsContext as = session(r)) {
            var id = sts(as).getCallerIdentity();
            assertThat(id.account()).isEqualTo(prod.id());
            assertThat(id.arn()).isEqualTo("arn:aws:sts::200000000002:assumed-role/deploy/alice");
            assertThat(id.userId()).startsWith("AROA").endsWith(":alice");
        }
    }

    @Test
    void aWrongOrMissingExternalIdIsRefusedAsAccessDenied() {
        for (String externalId : new String[] {"ticket-0000", null}) {
            assertThatThrownBy(() -> sts(opsCtx).assumeRole(b -> b.roleArn(prod.roleArn("deploy"))
                    .roleSessionName("alice").externalId(externalId)))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.getMessage()).contains("User: arn:aws:iam::200000000001:root is not authorized "
                                + "to perform: sts:AssumeRole on resource: arn:aws:iam::200000000002:role/deploy");
                    });
        }
    }

    @Test
    void anAccountTheTrustDoesNotNameIsRefused() {
        try (AwsContext other = aws.context(stranger, "eu-west-1").toBuilder().maxAttempts(1).build()) {
            assertThatThrownBy(() -> sts(other).assumeRole(b -> b.roleArn(prod.roleArn("deploy"))
                    .roleSessionName("mallory").externalId("ticket-4711")))
                    .isInstanceOfSatisfying(StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        }
    }

    @Test
    void aRolesMaximumSessionAndTheOneHourChainingCapAreEnforced() {
        assertThatThrownBy(() -> sts(opsCtx).assumeRole(b -> b.roleArn(prod.roleArn("deploy"))
                .roleSessionName("alice").externalId("ticket-4711").durationSeconds(3 * 3600)))
                .hasMessageContaining("exceeds the MaxSessionDuration set for this role");

        AssumeRoleResponse auditor = sts(opsCtx).assumeRole(b -> b.roleArn(ops.roleArn("auditor"))
                .roleSessionName("bob").sourceIdentity("bob"));
        try (AwsContext chained = session(auditor)) {
            assertThatThrownBy(() -> sts(chained).assumeRole(b -> b.roleArn(prod.roleArn("audit"))
                    .roleSessionName("bob").durationSeconds(7200)))
                    .hasMessageContaining("exceeds the 1 hour session limit for roles assumed by role chaining");
            assertThatThrownBy(() -> sts(chained).assumeRole(b -> b.roleArn(prod.roleArn("audit"))
                    .roleSessionName("bob").sourceIdentity("eve")))
                    .hasMessageContaining("sts:SetSourceIdentity");

            AssumeRoleResponse audit = sts(chained).assumeRole(b -> b.roleArn(prod.roleArn("audit"))
                    .roleSessionName("bob"));
            assertThat(audit.sourceIdentity()).isEqualTo("bob");
            assertThat(audit.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::200000000002:assumed-role/audit/bob");
        }
        // The audit role trusts the auditor role's sessions, not the ops account as a whole.
        assertThatThrownBy(() -> sts(opsCtx).assumeRole(b -> b.roleArn(prod.roleArn("audit")).roleSessionName("x1")))
                .hasMessageContaining("is not authorized to perform: sts:AssumeRole");
    }

    @Test
    void roleNamesWithoutADefinitionStayAssumableByAnyone() {
        AssumeRoleResponse r = sts(opsCtx).assumeRole(b -> b.roleArn(stranger.roleArn("anything"))
                .roleSessionName("s1"));

        assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::200000000003:assumed-role/anything/s1");
    }

    private static AwsContext session(AssumeRoleResponse r) {
        return opsCtx.toBuilder().credentials(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                r.credentials().accessKeyId(), r.credentials().secretAccessKey(), r.credentials().sessionToken())))
                .build();
    }

    private static StsClient sts(AwsContext ctx) {
        return ctx.client(StsClient.class, StsClient::builder);
    }
}
