package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.AwsContext;
import dev.opskit.core.OpsException;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.multiaccount.event.CredentialsIssued;
import dev.opskit.multiaccount.event.FleetFinished;
import dev.opskit.multiaccount.event.FleetStarted;
import dev.opskit.multiaccount.event.FleetTargetFinished;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

/** Fan-out over 50 SSO accounts x 2 regions: results, isolation, one credential fetch per account, cancel. */
class FleetIT {
    private static final String BROKEN = "540000000017";
    private static LocalIdentityCenter center;
    private static SsoSession sso;

    @BeforeAll
    static void start() {
        center = LocalIdentityCenter.start(50, 540000000001L);
        sso = center.login("fleet").login();
    }

    @AfterAll
    static void stop() {
        if (sso != null) {
            sso.close();
        }
        if (center != null) {
            center.close();
        }
    }

    @BeforeEach
    void clear() {
        center.aws.faults().clear();
    }

    @Test
    void oneAccountFailingAmongFiftyLeavesTheOthersAndEachAccountFetchesCredentialsOnce() throws Exception {
        // A session of its own, so that no credentials are cached yet.
        try (SsoSession sso = center.login("fleet").login()) {
            oneFailingAmongFifty(sso);
        }
    }

    private void oneFailingAmongFifty(SsoSession sso) throws Exception {
        List<SsoAccount> accounts = sso.accounts();
        assertThat(accounts).hasSize(50);
        // The user loses the role in one account after the accounts were listed.
        center.aws.sso().unassign(BROKEN, LocalIdentityCenter.ROLE);
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try {
            FleetResults<String> r = Fleet.over(sso.access(accounts, LocalIdentityCenter.ROLE))
                    .regions("eu-west-1", "us-east-1").parallelism(12).listener(events::add)
                    .progress(new PrintStream(progress, true))
                    .run(ctx -> ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().account()
                            + " in " + ctx.region());

            assertThat(r.results()).hasSize(100);
            assertThat(r.succeeded()).hasSize(98);
            assertThat(r.succeeded()).allSatisfy(x -> assertThat(x.value()).isEqualTo(x.accountId() + " in " + x.region()));
            assertThat(r.failed()).extracting(FleetResult::accountId, FleetResult::region)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(BROKEN, "eu-west-1"),
                            org.assertj.core.groups.Tuple.tuple(BROKEN, "us-east-1"));
            assertThat(r.failed()).allSatisfy(x -> assertThat(x.errorMessage())
                    .contains("SSO GetRoleCredentials for OpsAdmin in account " + BROKEN + " failed")
                    .contains("No access"));
            assertThat(r.results().get(0).accountName()).isEqualTo("team-1");
            assertThat(center.aws.faults().calls("awsssoportal", "GetRoleCredentials")).isEqualTo(50);

            String table = r.table();
            assertThat(table).startsWith("ACCOUNT").contains("540000000001  team-1").contains("FAILED")
                    .endsWith("98 succeeded, 2 failed in " + r.took().toMillis() + " ms");
            Map<String, Object> json = JSON.std.mapFrom(r.toJson());
            assertThat((List<?>) json.get("results")).hasSize(100);
            assertThat(json).containsEntry("fleet", r.fleetId()).containsEntry("cancelled", false);

            assertThat(events).filteredOn(FleetStarted.class::isInstance).hasSize(1);
            assertThat(events).filteredOn(FleetTargetFinished.class::isInstance).hasSize(100);
            assertThat(events).filteredOn(FleetFinished.class::isInstance).singleElement()
                    .satisfies(e -> assertThat(((FleetFinished) e).failed()).isEqualTo(2));
            assertThat(progress.toString()).contains("\rfleet: 100/100 done, 2 failed, 0 running");
        } finally {
            center.aws.sso().assign(BROKEN, LocalIdentityCenter.ROLE);
        }
    }

    @Test
    void theSameAccessesReuseTheirCredentialsInALaterRun() {
        List<AccountAccess> some = sso.access(sso.accounts().subList(0, 5), LocalIdentityCenter.ROLE);
        List<CredentialsIssued> issued = new CopyOnWriteArrayList<>();
        Fleet.over(some).regions("eu-west-1").run(ctx -> ctx.client(StsClient.class, StsClient::builder)
                .getCallerIdentity().account());
        int first = center.aws.faults().calls("awsssoportal", "GetRoleCredentials");
        FleetResults<String> again = Fleet.over(some).regions("eu-west-1", "eu-central-1")
                .listener(CredentialsIssued.class, issued::add)
                .run(ctx -> ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().account());
        assertThat(again.allSucceeded()).isTrue();
        assertThat(center.aws.faults().calls("awsssoportal", "GetRoleCredentials")).isEqualTo(first);
    }

    @Test
    void interruptingTheCallerCancelsWhatIsNotFinished() throws Exception {
        List<AccountAccess> all = sso.access(sso.accounts(), LocalIdentityCenter.ROLE);
        CountDownLatch someDone = new CountDownLatch(4);
        AtomicInteger started = new AtomicInteger();
        AtomicReference<FleetResults<String>> out = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            out.set(Fleet.over(all).regions("eu-west-1").parallelism(4)
                    .listener(FleetTargetFinished.class, e -> someDone.countDown())
                    .run(ctx -> {
                        if (started.incrementAndGet() > 4) {
                            try {
                                Thread.sleep(60_000);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException("interrupted", e);
                            }
                        }
                        return "done";
                    }));
            flag.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertThat(someDone.await(30, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(30_000);
        assertThat(caller.isAlive()).isFalse();

        FleetResults<String> r = out.get();
        assertThat(r.cancelled()).isTrue();
        assertThat(flag.get()).isTrue();
        assertThat(r.results()).hasSize(50);
        assertThat(r.succeeded()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(r.results()).filteredOn(x -> x.status() == FleetResult.Status.CANCELLED).hasSizeGreaterThan(40);
        assertThat(r.failed()).isEmpty();
    }

    @Test
    void organizationsListsAccountsForTheManagementAccountOnly() {
        try (AwsContext management = center.aws.context()) {
            List<OrganizationAccount> org = Organizations.accounts(management);
            assertThat(org).extracting(OrganizationAccount::id).contains("111111111111", "540000000001", "540000000050");
            assertThat(org).filteredOn(a -> a.id().equals("540000000002")).singleElement().satisfies(a -> {
                assertThat(a.name()).isEqualTo("team-2");
                assertThat(a.active()).isTrue();
                assertThat(a.joined()).isNotNull();
            });
        }
        try (AwsContext member = sso.context("540000000003", LocalIdentityCenter.ROLE, "us-east-1")) {
            assertThatThrownBy(() -> Organizations.accounts(member)).isInstanceOf(OpsException.class)
                    .hasMessageContaining("only the organization's management account or a delegated administrator");
            assertThat(Organizations.accountsIfAllowed(member)).isEmpty();
        }
    }
}
