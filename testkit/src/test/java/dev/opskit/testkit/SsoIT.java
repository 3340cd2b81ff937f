package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.sso.model.AccountInfo;
import software.amazon.awssdk.services.sso.model.RoleCredentials;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.model.AccessDeniedException;
import software.amazon.awssdk.services.ssooidc.model.AuthorizationPendingException;
import software.amazon.awssdk.services.ssooidc.model.CreateTokenResponse;
import software.amazon.awssdk.services.ssooidc.model.InvalidGrantException;
import software.amazon.awssdk.services.ssooidc.model.RegisterClientResponse;
import software.amazon.awssdk.services.ssooidc.model.SlowDownException;
import software.amazon.awssdk.services.ssooidc.model.StartDeviceAuthorizationResponse;
import software.amazon.awssdk.services.sts.StsClient;

/** SSO-OIDC, the SSO portal and the verification page, spoken to by the SDK's own clients. */
class SsoIT {
    private static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.perClass();
    private static LocalAws aws;
    private static AwsContext anonymous;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        for (int i = 1; i <= 25; i++) {
            String id = String.format("4000000000%02d", i);
            aws.createAccount(id);
            aws.organization().name(id, "acct-" + i);
            aws.sso().assign(id, "ReadOnly");
        }
        aws.sso().assign("400000000001", "AdministratorAccess")
                .permissionSet("AdministratorAccess", Duration.ofHours(4));
        anonymous = aws.context().toBuilder().credentials(AnonymousCredentialsProvider.create()).maxAttempts(1).build();
    }

    @AfterAll
    static void stop() {
        if (anonymous != null) {
            anonymous.close();
        }
    }

    @Test
    void aDeviceLoginApprovedOnTheVerificationPageGetsTokensThatListAndUseAccounts() throws Exception {
        RegisterClientResponse client = oidc().registerClient(r -> r.clientName("test").clientType("public")
                .scopes("sso:account:access"));
        StartDeviceAuthorizationResponse device = oidc().startDeviceAuthorization(r -> r
                .clientId(client.clientId()).clientSecret(client.clientSecret()).startUrl(aws.sso().startUrl()));
        assertThat(device.userCode()).matches("[A-Z]{4}-[A-Z]{4}");
        assertThat(device.verificationUriComplete()).isEqualTo(aws.endpoint() + "/device?user_code=" + device.userCode());
        assertThat(aws.sso().pendingUserCodes()).contains(device.userCode());

        assertThatThrownBy(() -> token(client, device.deviceCode())).isInstanceOfSatisfying(AuthorizationPendingException.class,
                e -> assertThat(e.error()).isEqualTo("authorization_pending"));

        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(device.verificationUriComplete()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("value=\"" + device.userCode() + "\"").contains("Allow access")
                .contains("local-user");
        HttpResponse<String> approved = HTTP.send(HttpRequest.newBuilder(aws.sso().verificationPage())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user_code=" + device.userCode() + "&action=allow")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(approved.body()).contains("Request approved");

        // A client polls at the announced interval (1 s); sooner than half of it, LocalAws says slow_down.
        Thread.sleep(600);
        CreateTokenResponse token = token(client, device.deviceCode());
        assertThat(token.tokenType()).isEqualTo("Bearer");
        assertThat(token.expiresIn()).isBetween(3500, 3600);
        assertThat(token.refreshToken()).isNotBlank();
        assertThatThrownBy(() -> token(client, device.deviceCode())).isInstanceOf(InvalidGrantException.class);

        List<AccountInfo> accounts = portal().listAccountsPaginator(r -> r.accessToken(token.accessToken())
                .maxResults(10)).accountList().stream().toList();
        assertThat(accounts).hasSize(25).first().satisfies(a -> {
            assertThat(a.accountId()).isEqualTo("400000000001");
            assertThat(a.accountName()).isEqualTo("acct-1");
            assertThat(a.emailAddress()).isEqualTo("acct-1@example.com");
        });
        assertThat(portal().listAccountRolesPaginator(r -> r.accessToken(token.accessToken())
                .accountId("400000000001").maxResults(1)).roleList().stream().map(x -> x.roleName()).toList())
                .containsExactly("ReadOnly", "AdministratorAccess");

        RoleCredentials creds = portal().getRoleCredentials(r -> r.accessToken(token.accessToken())
                .accountId("400000000001").roleName("AdministratorAccess")).roleCredentials();
        assertThat(creds.expiration() - System.currentTimeMillis()).isBetween(Duration.ofHours(4).minusMinutes(1)
                .toMillis(), Duration.ofHours(4).toMillis());
        try (AwsContext as = aws.context().toBuilder().credentials(StaticCredentialsProvider.create(
                AwsSessionCredentials.create(creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken())))
                .build()) {
            assertThat(as.client(StsClient.class, StsClient::builder).getCallerIdentity().arn())
                    .isEqualTo("arn:aws:sts::400000000001:assumed-role/"
                            + aws.sso().roleName("400000000001", "AdministratorAccess") + "/local-user")
                    .contains("AWSReservedSSO_AdministratorAccess_");
        }
        assertThatThrownBy(() -> portal().getRoleCredentials(r -> r.accessToken(token.accessToken())
                .accountId("400000000002").roleName("AdministratorAccess")))
                .hasMessageContaining("No access").satisfies(e -> assertThat(e.toString()).contains("403"));

        CreateTokenResponse refreshed = oidc().createToken(r -> r.clientId(client.clientId())
                .clientSecret(client.clientSecret()).grantType("refresh_token").refreshToken(token.refreshToken()));
        assertThat(refreshed.accessToken()).isNotEqualTo(token.accessToken());
        portal().logout(r -> r.accessToken(token.accessToken()));
        assertThatThrownBy(() -> portal().listAccounts(r -> r.accessToken(token.accessToken())))
                .isInstanceOf(UnauthorizedException.class);
        assertThat(portal().listAccounts(r -> r.accessToken(refreshed.accessToken())).accountList()).isNotEmpty();
    }

    @Test
    void deniedSlowedDownAndEndedLoginsAnswerWithTheirOwnErrors() {
        RegisterClientResponse client = oidc().registerClient(r -> r.clientName("test").clientType("public"));
        StartDeviceAuthorizationResponse device = start(client);
        aws.sso().slowDownNext(1);
        assertThatThrownBy(() -> token(client, device.deviceCode())).isInstanceOfSatisfying(SlowDownException.class,
                e -> assertThat(e.error()).isEqualTo("slow_down"));
        aws.sso().deny(device.userCode());
        assertThatThrownBy(() -> token(client, device.deviceCode())).isInstanceOf(AccessDeniedException.class);

        StartDeviceAuthorizationResponse second = start(client);
        aws.sso().approve(second.userCode().toLowerCase());
        CreateTokenResponse token = token(client, second.deviceCode());
        aws.sso().endSessions();
        assertThatThrownBy(() -> oidc().createToken(r -> r.clientId(client.clientId())
                .clientSecret(client.clientSecret()).grantType("refresh_token").refreshToken(token.refreshToken())))
                .isInstanceOf(InvalidGrantException.class);
        assertThatThrownBy(() -> portal().listAccounts(r -> r.accessToken(token.accessToken())))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> oidc().startDeviceAuthorization(r -> r.clientId(client.clientId())
                .clientSecret(client.clientSecret()).startUrl("https://elsewhere.awsapps.com/start")))
                .hasMessageContaining("Invalid start URL");
    }

    private static StartDeviceAuthorizationResponse start(RegisterClientResponse client) {
        return oidc().startDeviceAuthorization(r -> r.clientId(client.clientId()).clientSecret(client.clientSecret())
                .startUrl(aws.sso().startUrl()));
    }

    private static CreateTokenResponse token(RegisterClientResponse client, String deviceCode) {
        return oidc().createToken(r -> r.clientId(client.clientId()).clientSecret(client.clientSecret())
                .grantType(GRANT).deviceCode(deviceCode));
    }

    private static SsoOidcClient oidc() {
        return anonymous.client(SsoOidcClient.class, SsoOidcClient::builder);
    }

    private static SsoClient portal() {
        return anonymous.client(SsoClient.class, SsoClient::builder);
    }
}
