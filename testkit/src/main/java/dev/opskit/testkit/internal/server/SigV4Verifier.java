package dev.opskit.testkit.internal.server;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.sts.AccessKey;
import dev.opskit.testkit.internal.sts.Identities;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.CredentialScope;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4Properties;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4RequestSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Checks a request's SigV4 signature by signing it again with the SDK's own signer, using the
 * secret of the access key, the headers the client signed, its {@code X-Amz-Date}, and the region
 * and service of its credential scope; then compares the signatures in constant time. Also checks
 * the clock skew, and the session token and expiry of temporary keys.
 */
public final class SigV4Verifier {
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the "
            + "signature you provided. Check your AWS Secret Access Key and signing method. "
            + "Consult the service documentation for details.";

    private final Identities identities;
    private final Clock wallClock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param identities the keys to check against; their clock decides token expiry
     * @param wallClock the clock request timestamps are compared with (clients sign with real time)
     */
    public SigV4Verifier(Identities identities, Clock wallClock) {
        this.identities = identities;
        this.wallClock = wallClock;
    }

    /**
     * @return the verified caller
     * @throws AwsError {@code InvalidClientTokenId}, {@code SignatureDoesNotMatch},
     *     {@code IncompleteSignature} or {@code ExpiredToken}, as AWS answers them
     */
    public Caller verify(IncomingRequest request, AuthorizationHeader auth) {
        AccessKey key = identities.find(auth.accessKeyId()).orElseThrow(SigV4Verifier::invalidToken);
        Instant signedAt = signedAt(request);
        checkSkew(signedAt);

        String token = request.header("x-amz-security-token");
        boolean tokenSigned = auth.signedHeaders().contains("x-amz-security-token");
        AwsCredentialsIdentity identity = token != null && tokenSigned
                ? AwsSessionCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey().reveal(), token)
                : AwsCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey().reveal());

        String expected = auth.signedHeaders().contains("x-amz-content-sha256")
                ? signWithHttpSigner(request, auth, identity, signedAt)
                : signWithoutPayloadHeader(request, auth, identity, signedAt);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            throw new AwsError("SignatureDoesNotMatch", 403, true, SIGNATURE_MISMATCH);
        }

        if (key.temporary()) {
            if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    key.sessionToken().reveal().getBytes(StandardCharsets.UTF_8))) {
                throw invalidToken();
            }
            Instant expiry = ((dev.opskit.testkit.internal.sts.Principal.RoleSession) key.principal()).expiration();
            if (!identities.clock().instant().isBefore(expiry)) {
                throw new AwsError("ExpiredToken", 403, true, "The security token included in the request is expired");
            }
        } else if (token != null) {
            // A session token with a long-term key is a client mix-up AWS rejects.
            throw invalidToken();
        }
        return new Caller(key, auth.region(), auth.service());
    }

    /** The SDK's public signer; it always signs {@code x-amz-content-sha256}, as SDK clients do. */
    private String signWithHttpSigner(IncomingRequest request, AuthorizationHeader auth,
            AwsCredentialsIdentity identity, Instant signedAt) {
        SignedRequest signed = signer.sign(r -> r
                .identity(identity)
                .request(toSdkRequest(request, auth).build())
                .payload(ContentStreamProvider.fromByteArray(request.body()))
                .putProperty(AwsV4HttpSigner.REGION_NAME, auth.region())
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, auth.service())
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        return signed.request().firstMatchingHeader("Authorization")
                .map(AuthorizationHeader::parse).map(AuthorizationHeader::signature).orElse("");
    }

    /**
     * Clients such as the AWS CLI leave {@code x-amz-content-sha256} out for most services, but
     * the public signer would add it; so the same SDK request signer runs without that step, with
     * the body's SHA-256 as the payload hash.
     */
    private static String signWithoutPayloadHeader(IncomingRequest request, AuthorizationHeader auth,
            AwsCredentialsIdentity identity, Instant signedAt) {
        V4Properties properties = V4Properties.builder()
                .credentials(identity)
                .credentialScope(new CredentialScope(auth.region(), auth.service(), signedAt))
                .signingClock(Clock.fixed(signedAt, ZoneOffset.UTC))
                .doubleUrlEncode(true)
                .normalizePath(true)
                .build();
        return V4RequestSigner.create(properties, sha256Hex(request.body()))
                .sign(toSdkRequest(request, auth)).getSignature();
    }

    private static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static AwsError invalidToken() {
        return new AwsError("InvalidClientTokenId", 403, true, "The security token included in the request is invalid.");
    }

    private static Instant signedAt(IncomingRequest request) {
        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            throw AwsError.badRequest("IncompleteSignature",
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header; "
                            + "LocalAws needs X-Amz-Date");
        }
        try {
            return Instant.from(AMZ_DATE.parse(amzDate.trim()));
        } catch (DateTimeParseException e) {
            throw AwsError.badRequest("IncompleteSignature",
                    "X-Amz-Date '" + amzDate + "' is not in the form yyyyMMdd'T'HHmmss'Z'");
        }
    }

    private void checkSkew(Instant signedAt) {
        Instant now = wallClock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw new AwsError("SignatureDoesNotMatch", 403, true, "Signature expired: " + AMZ_DATE.format(signedAt)
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " ("
                    + AMZ_DATE.format(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw new AwsError("SignatureDoesNotMatch", 403, true, "Signature not yet current: "
                    + AMZ_DATE.format(signedAt) + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW))
                    + " (" + AMZ_DATE.format(now) + " + 15 min.)");
        }
    }

    private static SdkHttpRequest.Builder toSdkRequest(IncomingRequest request, AuthorizationHeader auth) {
        String host = request.header("host");
        if (host == null) {
            host = "localhost";
        }
        int colon = host.lastIndexOf(':');
        SdkHttpRequest.Builder b = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .protocol("http")
                .host(colon > 0 ? host.substring(0, colon) : host)
                .encodedPath(request.rawPath());
        if (colon > 0) {
            b.port(Integer.parseInt(host.substring(colon + 1)));
        }
        for (Map.Entry<String, List<String>> q : FormData.parse(request.rawQuery()).values().entrySet()) {
            b.putRawQueryParameter(q.getKey(), q.getValue());
        }
        // Only what the client signed takes part, so unsigned headers added by proxies don't matter.
        for (String name : auth.signedHeaders()) {
            List<String> values = request.headers().get(name);
            b.putHeader(name, values == null ? List.of() : new ArrayList<>(values));
        }
        return b;
    }
}
