package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.server.AuthorizationHeader;
import dev.opskit.testkit.internal.server.Caller;
import dev.opskit.testkit.internal.server.IncomingRequest;
import dev.opskit.testkit.internal.server.SigV4Verifier;
import dev.opskit.testkit.internal.sts.AccessKey;
import dev.opskit.testkit.internal.sts.Identities;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

class SigV4VerifierTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";

    private final Identities identities = new Identities(Clock.fixed(NOW, ZoneOffset.UTC));
    private final SigV4Verifier verifier = new SigV4Verifier(identities, Clock.fixed(NOW, ZoneOffset.UTC));
    private final AccessKey key = identities.createAccount("222222222222");

    @Test
    void requestSignedWithTheRightSecretIsAcceptedAsItsAccount() {
        IncomingRequest request = sign(key.accessKeyId(), key.secretAccessKey().reveal(), null, NOW, BODY);

        Caller caller = verify(request);

        assertThat(caller.accountId()).isEqualTo("222222222222");
        assertThat(caller.region()).isEqualTo("eu-west-1");
        assertThat(caller.service()).isEqualTo("sts");
    }

    @Test
    void wrongSecretIsSignatureDoesNotMatch() {
        IncomingRequest request = sign(key.accessKeyId(), "not-the-secret", null, NOW, BODY);

        assertThatThrownBy(() -> verify(request)).isInstanceOfSatisfying(AwsError.class, e -> {
            assertThat(e.code()).isEqualTo("SignatureDoesNotMatch");
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.getMessage()).startsWith("The request signature we calculated does not match");
        });
    }

    @Test
    void bodyChangedAfterSigningIsSignatureDoesNotMatch() {
        IncomingRequest signed = sign(key.accessKeyId(), key.secretAccessKey().reveal(), null, NOW, BODY);
        IncomingRequest tampered = new IncomingRequest(signed.method(), signed.rawPath(), signed.rawQuery(),
                signed.headers(), "Action=AssumeRole&Version=2011-06-15".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> verify(tampered)).isInstanceOfSatisfying(AwsError.class,
                e -> assertThat(e.code()).isEqualTo("SignatureDoesNotMatch"));
    }

    @Test
    void unknownAccessKeyIsInvalidClientTokenId() {
        IncomingRequest request = sign("AKIAUNKNOWN000000000", "whatever", null, NOW, BODY);

        assertThatThrownBy(() -> verify(request)).isInstanceOfSatisfying(AwsError.class, e -> {
            assertThat(e.code()).isEqualTo("InvalidClientTokenId");
            assertThat(e.getMessage()).isEqualTo("The security token included in the request is invalid.");
        });
    }

    @Test
    void requestSignedMoreThanFifteenMinutesAgoIsExpired() {
        IncomingRequest request = sign(key.accessKeyId(), key.secretAccessKey().reveal(), null,
                NOW.minus(Duration.ofMinutes(16)), BODY);

        assertThatThrownBy(() -> verify(request)).isInstanceOfSatisfying(AwsError.class, e -> {
            assertThat(e.code()).isEqualTo("SignatureDoesNotMatch");
            assertThat(e.getMessage()).startsWith("Signature expired: 20250304T045007Z is now earlier than");
        });
    }

    @Test
    void temporaryKeyNeedsItsOwnSessionToken() {
        AccessKey temp = identities.issueSession("222222222222", "ops", "s1", Duration.ofHours(1));
        String secret = temp.secretAccessKey().reveal();

        Caller ok = verify(sign(temp.accessKeyId(), secret, temp.sessionToken().reveal(), NOW, BODY));
        assertThat(ok.accountId()).isEqualTo("222222222222");

        assertThatThrownBy(() -> verify(sign(temp.accessKeyId(), secret, "forged-token", NOW, BODY)))
                .isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("InvalidClientTokenId"));
        assertThatThrownBy(() -> verify(sign(temp.accessKeyId(), secret, null, NOW, BODY)))
                .isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("InvalidClientTokenId"));
    }

    @Test
    void temporaryKeyIsExpiredTokenOnceTheEmulatedClockPassesItsExpiration() {
        Instant[] emulated = {NOW};
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return emulated[0];
            }
        };
        Identities ids = new Identities(moving);
        ids.createAccount("333333333333");
        // Signatures are checked against real time; expiry against the emulated clock.
        SigV4Verifier v = new SigV4Verifier(ids, Clock.fixed(NOW, ZoneOffset.UTC));
        AccessKey temp = ids.issueSession("333333333333", "ops", "s1", Duration.ofMinutes(15));
        IncomingRequest request = sign(temp.accessKeyId(), temp.secretAccessKey().reveal(),
                temp.sessionToken().reveal(), NOW, BODY);
        assertThat(v.verify(request, auth(request)).accountId()).isEqualTo("333333333333");

        emulated[0] = NOW.plus(Duration.ofMinutes(15));

        assertThatThrownBy(() -> v.verify(request, auth(request))).isInstanceOfSatisfying(AwsError.class, e -> {
            assertThat(e.code()).isEqualTo("ExpiredToken");
            assertThat(e.getMessage()).isEqualTo("The security token included in the request is expired");
        });
    }

    private Caller verify(IncomingRequest request) {
        return verifier.verify(request, auth(request));
    }

    private static AuthorizationHeader auth(IncomingRequest request) {
        return AuthorizationHeader.parse(request.header("authorization"));
    }

    /** Signs like an SDK client would, and returns the request as the server receives it. */
    private static IncomingRequest sign(String akid, String secret, String token, Instant at, String body) {
        AwsCredentialsIdentity identity = token == null ? AwsCredentialsIdentity.create(akid, secret)
                : AwsSessionCredentialsIdentity.create(akid, secret, token);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("http")
                .host("127.0.0.1").port(4566).encodedPath("/")
                .putHeader("Host", "127.0.0.1:4566")
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .putHeader("User-Agent", "test")
                .build();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))).request();
        Map<String, List<String>> headers = new LinkedHashMap<>(signed.headers());
        return new IncomingRequest("POST", "/", null, headers, bytes);
    }
}
