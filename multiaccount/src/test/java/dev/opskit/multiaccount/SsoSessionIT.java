package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.AwsContext;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.multiaccount.event.DeviceAuthorizationStarted;
import dev.opskit.multiaccount.event.SsoLoggedIn;
import dev.opskit.multiaccount.event.SsoTokenRefreshed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

/** Device login, the token cache, refresh before expiry and "log in again", against LocalAws. */
class SsoSessionIT {
    private static LocalIdentityCenter center;

    @BeforeAll
    static void start() {
        center = LocalIdentityCenter.start(3, 500000000001L);
        center.aws.sso().assign("500000000002", "ReadOnly");
    }

    @AfterAll
    static void stop() {
        if (center != null) {
            center.close();
        }
    }

    @BeforeEach
    void clean() {
        LocalIdentityCenter.clearTokenCache();
        center.aws.faults().clear();
    }

    @Test
    void aDeviceLoginWritesTheCliCacheListsAccountsAndRolesAndSignsAsTheRole() throws Exception {
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        try (SsoSession sso = center.login("login-test").listener(events::add).login()) {
            Path file = LocalIdentityCenter.cacheDir().resolve(sha1("login-test") + ".json");
            assertThat(file).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            Map<String, Object> cached = JSON.std.mapFrom(Files.readString(file));
            assertThat(cached.keySet()).containsExactly("startUrl", "region", "accessToken", "expiresAt", "clientId",
                    "clientSecret", "registrationExpiresAt", "refreshToken");
            assertThat(cached).containsEntry("startUrl", center.aws.sso().startUrl()).containsEntry("region", "us-east-1");
            assertThat((String) cached.get("expiresAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(Instant.parse((String) cached.get("expiresAt"))).isAfter(Instant.now().plus(Duration.ofMinutes(55)));

            assertThat(sso.accounts()).extracting(SsoAccount::id).containsExactly("500000000001", "500000000002",
                    "500000000003");
            assertThat(sso.accounts().get(1).name()).isEqualTo("team-2");
            assertThat(sso.roles("500000000002")).extracting(SsoRole::roleName).containsExactly("OpsAdmin", "ReadOnly");

            try (AwsContext ctx = sso.context("500000000003", "OpsAdmin", "eu-west-1")) {
                var id = ctx.client(StsClient.class, StsClient::builder).getCallerIdentity();
                assertThat(id.account()).isEqualTo("500000000003");
                assertThat(id.arn()).isEqualTo("arn:aws:sts::500000000003:assumed-role/"
                        + center.aws.sso().roleName("500000000003", "OpsAdmin") + "/local-user");
                assertThat(ctx.account()).hasValue("500000000003");
            }
        }
        assertThat(events).filteredOn(DeviceAuthorizationStarted.class::isInstance).hasSize(1);
        assertThat(events).filteredOn(SsoLoggedIn.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((SsoLoggedIn) e).fromCache()).isFalse());

        // A second login finds the cached token: no code to approve, no device authorization.
        AtomicInteger codes = new AtomicInteger();
        int authorizations = center.aws.faults().calls("awsssooidc", "StartDeviceAuthorization");
        try (SsoSession again = center.login("login-test").onDeviceCode(c -> codes.incrementAndGet()).login()) {
            assertThat(again.accounts()).hasSize(3);
        }
        assertThat(codes).hasValue(0);
        assertThat(center.aws.faults().calls("awsssooidc", "StartDeviceAuthorization")).isEqualTo(authorizations);
    }

    @Test
    void aTokenCloseToExpiryIsRefreshedWithTheRefreshTokenAndTheCacheUpdated() throws Exception {
        List<SsoTokenRefreshed> refreshed = new CopyOnWriteArrayList<>();
        // Tokens that live 4 minutes are inside the 5 minutes before expiry in which the SDK's
        // token provider renews them.
        center.aws.sso().accessTokenLifetime(Duration.ofMinutes(4));
        try (SsoSession sso = center.login("refresh-test").listener(SsoTokenRefreshed.class, refreshed::add).login()) {
            Path file = LocalIdentityCenter.cacheDir().resolve(sha1("refresh-test") + ".json");
            Map<String, Object> before = JSON.std.mapFrom(Files.readString(file));
            int tokenCalls = center.aws.faults().calls("awsssooidc", "CreateToken");

            assertThat(sso.accounts()).hasSize(3);
            assertThat(sso.accounts()).hasSize(3);

            Map<String, Object> after = JSON.std.mapFrom(Files.readString(file));
            assertThat(after.get("accessToken")).isNotEqualTo(before.get("accessToken"));
            assertThat(after.get("refreshToken")).isEqualTo(before.get("refreshToken"));
            assertThat(after.get("clientId")).isEqualTo(before.get("clientId"));
            assertThat(center.aws.faults().calls("awsssooidc", "CreateToken")).isGreaterThan(tokenCalls);
            assertThat(refreshed).isNotEmpty();
        } finally {
            center.aws.sso().accessTokenLifetime(Duration.ofHours(1));
        }
    }

    @Test
    void anExpiredCachedTokenIsRefreshedWithoutANewLogin() throws Exception {
        try (SsoSession sso = center.login("expired-test").login()) {
            assertThat(sso.accounts()).hasSize(3);
        }
        Path file = LocalIdentityCenter.cacheDir().resolve(sha1("expired-test") + ".json");
        Map<String, Object> before = JSON.std.mapFrom(Files.readString(file));
        center.aws.sso().expireAccessTokens();
        writeExpired(file, before);

        AtomicInteger codes = new AtomicInteger();
        try (SsoSession sso = center.login("expired-test").onDeviceCode(c -> codes.incrementAndGet()).login()) {
            assertThat(sso.accounts()).hasSize(3);
            assertThat(sso.expiresAt()).isAfter(Instant.now().plusSeconds(3000));
        }
        assertThat(codes).hasValue(0);
        assertThat(JSON.std.mapFrom(Files.readString(file)).get("accessToken")).isNotEqualTo(before.get("accessToken"));
    }

    static void writeExpired(Path file, Map<String, Object> token) throws Exception {
        Map<String, Object> expired = new java.util.LinkedHashMap<>(token);
        expired.put("expiresAt", Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString());
        Files.writeString(file, JSON.std.asString(expired));
    }

    @Test
    void anEndedSessionFailsWithAClearLogInAgainErrorThatShowsNoToken() throws Exception {
        try (SsoSession first = center.login("ended-test").login()) {
            assertThat(first.accounts()).hasSize(3);
        }
        Path file = LocalIdentityCenter.cacheDir().resolve(sha1("ended-test") + ".json");
        Map<String, Object> token = JSON.std.mapFrom(Files.readString(file));
        center.aws.sso().endSessions();
        writeExpired(file, token);
        try (SsoSession sso = Sso.builder().startUrl(center.aws.sso().startUrl()).region("us-east-1")
                .sessionName("ended-test").baseContext(center.base).session()) {

            assertThatThrownBy(sso::accounts).isInstanceOfSatisfying(SsoLoginRequiredException.class, e -> {
                assertThat(e.getMessage()).contains("SSO session 'ended-test'")
                        .contains("refused the refresh token").contains("Log in again: Sso.login(\"");
                for (String secret : List.of("accessToken", "refreshToken", "clientSecret")) {
                    assertThat(e.toString()).doesNotContain((String) token.get(secret));
                }
            });
            // Nothing usable is cached any more, so login() asks for a new approval.
            AtomicInteger codes = new AtomicInteger();
            try (SsoSession again = center.login("ended-test").onDeviceCode(c -> {
                codes.incrementAndGet();
                center.aws.sso().approve(c.userCode());
            }).login()) {
                assertThat(again.accounts()).hasSize(3);
            }
            assertThat(codes).hasValue(1);
        }
    }

    @Test
    void aCachedTokenThePortalNoLongerTakesLeadsToANewLogin() {
        try (SsoSession first = center.login("revoked").login()) {
            assertThat(first.accounts()).hasSize(3);
        }
        // Still valid by its expiry, but the sessions were ended (as a restarted LocalAws would forget them).
        center.aws.sso().endSessions();
        AtomicInteger codes = new AtomicInteger();
        try (SsoSession again = center.login("revoked").onDeviceCode(c -> {
            codes.incrementAndGet();
            center.aws.sso().approve(c.userCode());
        }).login()) {
            assertThat(again.accounts()).hasSize(3);
        }
        assertThat(codes).hasValue(1);
    }

    @Test
    void aDeniedLoginAndACodeNobodyApprovesFailWithWhatToDo() {
        assertThatThrownBy(() -> center.login("denied").onDeviceCode(c -> center.aws.sso().deny(c.userCode())).login())
                .isInstanceOf(SsoLoginException.class).hasMessageContaining("denied on the verification page")
                .hasMessageContaining("log in again");

        var vt = dev.opskit.core.VirtualTime.startingAt(Instant.now());
        assertThatThrownBy(() -> center.login("ignored").onDeviceCode(c -> { }).timeout(Duration.ofSeconds(30))
                .clock(vt.clock()).sleeper(vt.sleeper()).login())
                .isInstanceOf(SsoLoginException.class).hasMessageContaining("Nobody approved the code")
                .hasMessageContaining("log in again");
        assertThat(vt.totalSlept()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void slowDownMakesThePollingFiveSecondsSlower() {
        // LocalAws and the login share virtual time, so that LocalAws sees the polls as far apart as the login waits.
        var vt = dev.opskit.core.VirtualTime.startingAt(Instant.now());
        try (LocalIdentityCenter virtual = new LocalIdentityCenter(
                dev.opskit.testkit.LocalAws.builder().clock(vt.clock()).start(), 1, 510000000001L)) {
            virtual.aws.sso().slowDownNext(2);
            try (SsoSession sso = virtual.login("slow").clock(vt.clock()).sleeper(vt.sleeper()).login()) {
                assertThat(sso.accounts()).hasSize(1);
            }
        }
        assertThat(vt.sleeps()).contains(Duration.ofSeconds(6), Duration.ofSeconds(11));
    }

    @Test
    void theDefaultHandlerPrintsTheUrlAndCode() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Thread approver = new Thread(() -> {
            for (int i = 0; i < 200 && center.aws.sso().pendingUserCodes().isEmpty(); i++) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            center.aws.sso().pendingUserCodes().forEach(c -> center.aws.sso().approve(c));
        });
        approver.start();
        try (SsoSession sso = Sso.builder().startUrl(center.aws.sso().startUrl()).region("us-east-1")
                .sessionName("printed").baseContext(center.base).out(new java.io.PrintStream(out, true)).login()) {
            assertThat(sso.accounts()).isNotEmpty();
        }
        approver.join();
        assertThat(out.toString()).contains("To sign in, open " + center.aws.endpoint() + "/device?user_code=")
                .containsPattern("confirm the code [A-Z]{4}-[A-Z]{4}");
    }

    static String sha1(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
