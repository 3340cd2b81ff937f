package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.AwsContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.model.CreateTokenResponse;
import software.amazon.awssdk.services.ssooidc.model.RegisterClientResponse;
import software.amazon.awssdk.services.ssooidc.model.StartDeviceAuthorizationResponse;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The token cache is shared with the AWS SDK's own providers and the AWS CLI: what opskit writes,
 * the SDK's ProfileCredentialsProvider with an sso-session profile reads; what the CLI writes,
 * opskit reads.
 */
class SdkAndCliInteropIT {
    private static LocalIdentityCenter center;
    private static Path config;

    @BeforeAll
    static void start() throws Exception {
        center = LocalIdentityCenter.start(2, 520000000001L);
        config = LocalIdentityCenter.home().resolve("interop-config");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "[sso-session shared]\n"
                + "sso_start_url = " + center.aws.sso().startUrl() + "\n"
                + "sso_region = us-east-1\n"
                + "sso_registration_scopes = sso:account:access\n\n"
                + "[profile ops]\n"
                + "sso_session = shared\n"
                + "sso_account_id = 520000000002\n"
                + "sso_role_name = OpsAdmin\n"
                + "region = eu-west-1\n");
        // The SDK's SSO clients inside ProfileCredentialsProvider find LocalAws through the SDK's
        // service endpoint settings, as they would find a VPC endpoint.
        System.setProperty("aws.endpointUrlSso", center.aws.endpoint().toString());
        System.setProperty("aws.endpointUrlSsoOidc", center.aws.endpoint().toString());
    }

    @AfterAll
    static void stop() {
        System.clearProperty("aws.endpointUrlSso");
        System.clearProperty("aws.endpointUrlSsoOidc");
        if (center != null) {
            center.close();
        }
    }

    @Test
    void theSdksProfileCredentialsProviderReadsTheTokenOpskitCached() {
        LocalIdentityCenter.clearTokenCache();
        try (SsoSession sso = center.login("shared").configFile(config).login()) {
            assertThat(sso.sessionName()).isEqualTo("shared");
        }
        ProfileFile file = ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build();
        try (ProfileCredentialsProvider sdk = ProfileCredentialsProvider.builder().profileFile(file).profileName("ops")
                .build()) {
            AwsCredentials creds = sdk.resolveCredentials();
            assertThat(creds.accessKeyId()).startsWith("ASIA");
            try (AwsContext ctx = center.base.toBuilder().credentials(sdk).build()) {
                assertThat(ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().arn())
                        .isEqualTo("arn:aws:sts::520000000002:assumed-role/"
                                + center.aws.sso().roleName("520000000002", "OpsAdmin") + "/local-user");
            }
        }
    }

    @Test
    void aSessionNameIsTakenFromTheConfigSectionWithTheSameStartUrl() {
        LocalIdentityCenter.clearTokenCache();
        try (SsoSession sso = Sso.builder().startUrl(center.aws.sso().startUrl()).region("us-east-1")
                .configFile(config).baseContext(center.base)
                .onDeviceCode(c -> center.aws.sso().approve(c.userCode())).login()) {
            assertThat(sso.sessionName()).isEqualTo("shared");
        }
    }

    @Test
    void opskitReadsATokenCachedInTheCliFormat() throws Exception {
        LocalIdentityCenter.clearTokenCache();
        // What `aws sso login --sso-session shared` leaves behind, made with the real OIDC calls.
        try (AwsContext anonymous = center.base.toBuilder().credentials(AnonymousCredentialsProvider.create()).build()) {
            SsoOidcClient oidc = anonymous.client(SsoOidcClient.class, SsoOidcClient::builder);
            RegisterClientResponse reg = oidc.registerClient(r -> r.clientName("botocore-client-shared")
                    .clientType("public").scopes("sso:account:access"));
            StartDeviceAuthorizationResponse device = oidc.startDeviceAuthorization(r -> r.clientId(reg.clientId())
                    .clientSecret(reg.clientSecret()).startUrl(center.aws.sso().startUrl()));
            center.aws.sso().approve(device.userCode());
            CreateTokenResponse token = oidc.createToken(r -> r.clientId(reg.clientId()).clientSecret(reg.clientSecret())
                    .grantType("urn:ietf:params:oauth:grant-type:device_code").deviceCode(device.deviceCode()));
            Map<String, Object> cli = new LinkedHashMap<>();
            cli.put("startUrl", center.aws.sso().startUrl());
            cli.put("region", "us-east-1");
            cli.put("accessToken", token.accessToken());
            cli.put("expiresAt", cliTime(Instant.now().plusSeconds(token.expiresIn())));
            cli.put("clientId", reg.clientId());
            cli.put("clientSecret", reg.clientSecret());
            cli.put("registrationExpiresAt", cliTime(Instant.ofEpochSecond(reg.clientSecretExpiresAt())));
            cli.put("refreshToken", token.refreshToken());
            Path file = LocalIdentityCenter.cacheDir().resolve(SsoSessionIT.sha1("shared") + ".json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.std.asString(cli));
        }

        try (SsoSession sso = Sso.builder().configFile(config).fromConfig("shared").baseContext(center.base).session()) {
            assertThat(sso.accounts()).extracting(SsoAccount::id).containsExactly("520000000001", "520000000002");
            assertThat(sso.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
            try (AwsContext ctx = sso.context("520000000001", "OpsAdmin", "eu-west-1")) {
                assertThat(ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().account())
                        .isEqualTo("520000000001");
            }
        }
    }

    private static String cliTime(Instant t) {
        // botocore's _serialize_utc_timestamp: "%Y-%m-%dT%H:%M:%SZ"
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
