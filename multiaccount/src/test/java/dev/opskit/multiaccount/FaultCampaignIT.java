package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.AwsContext;
import dev.opskit.core.CallRetries;
import dev.opskit.testkit.LocalAccount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A fault campaign on the credential services: 30% throttling, 5% server errors and dropped
 * connections on SSO (OIDC and portal) and STS, seeded. The fan-out still completes with the right
 * results; with every GetRoleCredentials throttled it fails at the retry deadline, naming the call.
 */
class FaultCampaignIT {
    private static LocalIdentityCenter center;

    @BeforeAll
    static void start() {
        center = LocalIdentityCenter.start(20, 550000000001L);
        for (String id : center.accounts) {
            LocalAccount a = center.aws.account(id);
            center.aws.roles().create(a, "deploy", r -> r.trust("arn:aws:iam::550000000001:role/"
                    + center.aws.sso().roleName("550000000001", LocalIdentityCenter.ROLE)).externalId("campaign-1"));
        }
    }

    @AfterAll
    static void stop() {
        if (center != null) {
            center.close();
        }
    }

    @Test
    void theFleetCompletesWithTheRightResultsDespiteThrottlingServerErrorsAndDroppedConnections() {
        long seed = 20261202L;
        for (String service : List.of("awsssooidc", "awsssoportal", "sts")) {
            center.aws.faults().fraction(0.30, seed++).throttle(service, "*");
            center.aws.faults().fraction(0.05, seed++).serverError(service, "*", 503);
            center.aws.faults().fraction(0.05, seed++).dropConnection(service, "*");
        }
        try (SsoSession sso = center.login("campaign").login()) {
            List<SsoAccount> accounts = sso.accounts();
            assertThat(accounts).hasSize(20);
            List<AccountAccess> targets = new ArrayList<>(sso.access(accounts, LocalIdentityCenter.ROLE));
            AccountAccess hub = sso.access("550000000001", LocalIdentityCenter.ROLE);
            for (SsoAccount a : accounts) {
                targets.add(AssumeRole.from(hub, "us-east-1").role("arn:aws:iam::" + a.id() + ":role/deploy")
                        .externalId("campaign-1").sessionName("campaign").access());
            }

            FleetResults<String> r = Fleet.over(targets).regions("eu-west-1", "us-east-1").parallelism(16)
                    .run(ctx -> ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().arn());

            assertThat(r.failed()).as(r.table()).isEmpty();
            assertThat(r.results()).hasSize(80);
            for (FleetResult<String> x : r.results()) {
                String expected = x.role().startsWith("arn:")
                        ? "arn:aws:sts::" + x.accountId() + ":assumed-role/deploy/campaign"
                        : "arn:aws:sts::" + x.accountId() + ":assumed-role/"
                                + center.aws.sso().roleName(x.accountId(), LocalIdentityCenter.ROLE) + "/local-user";
                assertThat(x.value()).isEqualTo(expected);
            }
            // Faults were really hit, and the credentials were still fetched once per account and role.
            assertThat(center.aws.faults().calls("awsssoportal", "GetRoleCredentials")).isGreaterThan(20);
            assertThat(center.aws.faults().calls("sts", "AssumeRole")).isGreaterThan(20);
        } finally {
            center.aws.faults().clear();
        }
    }

    @Test
    void everyCallThrottledFailsAtTheDeadlineNamingTheThrottledOperation() {
        try (AwsContext quick = center.base.toBuilder().retries(CallRetries.defaults()
                .withDeadline(Duration.ofSeconds(3))).build();
             SsoSession sso = Sso.builder().startUrl(center.aws.sso().startUrl()).region("us-east-1")
                     .sessionName("throttled").baseContext(quick)
                     .onDeviceCode(c -> center.aws.sso().approve(c.userCode())).login()) {
            List<AccountAccess> some = sso.access(sso.accounts().subList(0, 3), LocalIdentityCenter.ROLE);
            center.aws.faults().always().throttle("awsssoportal", "GetRoleCredentials");
            long t0 = System.nanoTime();

            FleetResults<String> r = Fleet.over(some).regions("eu-west-1", "us-east-1")
                    .run(ctx -> ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().account());

            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.succeeded()).isEmpty();
            assertThat(r.failed()).hasSize(6).allSatisfy(x -> assertThat(x.errorMessage())
                    .contains("SSO GetRoleCredentials for OpsAdmin in account " + x.accountId()
                            + " failed while throttled, after retrying until its deadline")
                    .contains("Rate exceeded"));
            // Retries end when the next attempt would start after the 3 s deadline (a jittered delay may end them sooner).
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(center.aws.faults().calls("awsssoportal", "GetRoleCredentials")).isGreaterThan(3);
        } finally {
            center.aws.faults().clear();
        }
    }
}
