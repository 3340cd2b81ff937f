package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.OpsException;
import dev.opskit.core.event.EventBus;
import dev.opskit.multiaccount.event.CredentialsIssued;
import dev.opskit.testkit.LocalAccount;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** AssumeRole chains into LocalAws accounts: trust and external id, the chaining cap, caching. */
class AssumeRoleIT {
    private static LocalIdentityCenter center;
    private static LocalAccount ops;
    private static LocalAccount prod;
    private static LocalAccount audit;

    @BeforeAll
    static void start() {
        center = LocalIdentityCenter.start(1, 530000000001L);
        ops = center.aws.account("530000000001");
        prod = center.aws.createAccount("530000000002");
        audit = center.aws.createAccount("530000000003");
        center.aws.roles().create(prod, "deploy", r -> r.trust(ops.id()).externalId("ticket-4711")
                .maxSession(Duration.ofHours(4)));
        center.aws.roles().create(audit, "reader", r -> r.trust(prod.roleArn("deploy"),
                "arn:aws:iam::530000000001:role/" + center.aws.sso().roleName(ops.id(), LocalIdentityCenter.ROLE)));
    }

    @AfterAll
    static void stop() {
        if (center != null) {
            center.close();
        }
    }

    @BeforeEach
    void clear() {
        center.aws.faults().clear();
    }

    private static AwsContext opsRoot() {
        return center.aws.context(ops, "eu-west-1").toBuilder().maxAttempts(2).build();
    }

    @Test
    void aChainOfTwoRolesSignsAsTheLastAndEachHopIsAssumedOnce() {
        List<CredentialsIssued> issued = new CopyOnWriteArrayList<>();
        EventBus bus = new EventBus();
        bus.subscribe(CredentialsIssued.class, issued::add);
        try (AwsContext base = opsRoot()) {
            AssumeRole chain = AssumeRole.from(base).role(prod.roleArn("deploy")).externalId("ticket-4711")
                    .sessionName("alice").duration(Duration.ofHours(2)).tag("team", "ops").sourceIdentity("alice")
                    .then(audit.roleArn("reader")).events(bus);
            try (AwsContext eu = chain.context("eu-west-1"); AwsContext us = chain.context("us-east-1")) {
                assertThat(sts(eu).getCallerIdentity().arn())
                        .isEqualTo("arn:aws:sts::530000000003:assumed-role/reader/alice");
                assertThat(sts(us).getCallerIdentity().account()).isEqualTo("530000000003");
                assertThat(eu.account()).hasValue("530000000003");
            }
            // The same chain built again uses the cached sessions.
            AssumeRole again = AssumeRole.from(base).role(prod.roleArn("deploy")).externalId("ticket-4711")
                    .sessionName("alice").duration(Duration.ofHours(2)).tag("team", "ops").sourceIdentity("alice")
                    .then(audit.roleArn("reader"));
            try (AwsContext ctx = again.context("eu-west-1")) {
                assertThat(sts(ctx).getCallerIdentity().account()).isEqualTo("530000000003");
            }
        }
        assertThat(center.aws.faults().calls("sts", "AssumeRole")).isEqualTo(2);
        assertThat(issued).extracting(CredentialsIssued::accountId).containsExactly("530000000002", "530000000003");
    }

    @Test
    void aWrongExternalIdIsRefusedByStsAndTheErrorNamesTheCall() {
        try (AwsContext base = opsRoot();
             AwsContext ctx = AssumeRole.from(base).role(prod.roleArn("deploy")).externalId("ticket-0000")
                     .context("eu-west-1")) {
            assertThatThrownBy(() -> sts(ctx).getCallerIdentity())
                    .hasMessageContaining("STS AssumeRole for arn:aws:iam::530000000002:role/deploy in account "
                            + "530000000002 failed")
                    .hasMessageContaining("is not authorized to perform: sts:AssumeRole")
                    .hasRootCauseInstanceOf(StsException.class);
        }
    }

    @Test
    void aChainedHopOverOneHourIsRefusedBeforeAnyCall() {
        try (AwsContext base = opsRoot()) {
            assertThatThrownBy(() -> AssumeRole.from(base).role(prod.roleArn("deploy")).externalId("ticket-4711")
                    .then(audit.roleArn("reader")).duration(Duration.ofHours(2)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("role chaining, which AWS caps at 1 hour");
        }
        // From an SSO role, even the first hop is chaining.
        try (SsoSession sso = center.login("assume").login()) {
            AccountAccess opsAdmin = sso.access(ops.id(), LocalIdentityCenter.ROLE);
            assertThatThrownBy(() -> AssumeRole.from(opsAdmin, "eu-west-1").role(audit.roleArn("reader"))
                    .duration(Duration.ofHours(3)).credentials())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("caps at 1 hour");
            assertThat(center.aws.faults().calls("sts", "AssumeRole")).isZero();

            try (AwsContext reader = AssumeRole.from(opsAdmin, "eu-west-1").role(audit.roleArn("reader"))
                    .sessionName("via-sso").context("eu-west-1")) {
                assertThat(sts(reader).getCallerIdentity().arn())
                        .isEqualTo("arn:aws:sts::530000000003:assumed-role/reader/via-sso");
            }
        }
    }

    @Test
    void badInputIsRefusedWithTheFix() {
        try (AwsContext base = opsRoot()) {
            assertThatThrownBy(() -> AssumeRole.from(base).role("arn:aws:iam::12:role/x"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("give a role ARN");
            assertThatThrownBy(() -> AssumeRole.from(base).role(prod.roleArn("deploy")).duration(Duration.ofMinutes(5)))
                    .hasMessageContaining("15 minutes to 12 hours");
            assertThatThrownBy(() -> AssumeRole.from(base).externalId("x1"))
                    .hasMessageContaining("name the role first");
            assertThatThrownBy(() -> AssumeRole.from(base).role(prod.roleArn("deploy")).sourceIdentity("alice")
                    .then(audit.roleArn("reader")).sourceIdentity("eve"))
                    .isInstanceOf(OpsException.class).hasMessageContaining("already carries source identity alice");
        }
    }

    private static StsClient sts(AwsContext ctx) {
        return ctx.client(StsClient.class, StsClient::builder);
    }
}
