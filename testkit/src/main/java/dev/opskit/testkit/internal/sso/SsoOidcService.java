package dev.opskit.testkit.internal.sso;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.protocol.RestJsonService;
import dev.opskit.testkit.internal.protocol.RestRequest;
import dev.opskit.testkit.internal.protocol.RestResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SSO-OIDC over restJson1, unsigned as on AWS: {@code RegisterClient},
 * {@code StartDeviceAuthorization} and {@code CreateToken} with the device code and refresh token
 * grants, with the error codes and {@code error}/{@code error_description} members of the model
 * (botocore {@code sso-oidc/2019-06-10/service-2.json}). The verification page a person opens to
 * approve a code is served on the same port ({@link VerificationPage}).
 */
public final class SsoOidcService implements RestJsonService {
    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    private final IdentityCenter center;
    private final VerificationPage page;

    public SsoOidcService(IdentityCenter center) {
        this.center = center;
        this.page = new VerificationPage(center);
    }

    @Override
    public String signingName() {
        return "awsssooidc";
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.unsigned("POST", "/client/register", "RegisterClient"),
                Route.unsigned("POST", "/device_authorization", "StartDeviceAuthorization"),
                Route.unsigned("POST", "/token", "CreateToken"),
                Route.unsigned("GET", "/start", "StartPage"),
                Route.unsigned("GET", "/device", "VerificationPage"),
                Route.unsigned("POST", "/device", "VerificationDecision"));
    }

    @Override
    public RestResponse handle(RestRequest request) {
        return switch (request.operation()) {
            case "RegisterClient" -> registerClient(request.json());
            case "StartDeviceAuthorization" -> startDeviceAuthorization(request, request.json());
            case "CreateToken" -> createToken(request.json());
            case "StartPage" -> page.start(request);
            case "VerificationPage" -> page.show(request);
            case "VerificationDecision" -> page.decide(request);
            default -> throw new IllegalStateException("no handler for " + request.operation());
        };
    }

    private RestResponse registerClient(JsonRequest body) {
        String name = invalidIfMissing(body, "clientName");
        String type = invalidIfMissing(body, "clientType");
        if (!type.equals("public")) {
            throw IdentityCenter.oidcError("InvalidClientMetadataException", 400, "invalid_client_metadata",
                    "Invalid client type " + type + "; only public clients are supported");
        }
        for (Object scope : body.list("scopes")) {
            if (!(scope instanceof String s) || !s.matches("[\\w:.-]+")) {
                throw IdentityCenter.oidcError("InvalidScopeException", 400, "invalid_scope", "Invalid scope " + scope);
            }
        }
        IdentityCenter.Client c = center.register(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clientId", c.clientId());
        out.put("clientSecret", c.clientSecret());
        out.put("clientIdIssuedAt", c.issuedAt().getEpochSecond());
        out.put("clientSecretExpiresAt", c.expiresAt().getEpochSecond());
        return RestResponse.ok(out);
    }

    private RestResponse startDeviceAuthorization(RestRequest request, JsonRequest body) {
        IdentityCenter.Client c = center.authenticate(invalidIfMissing(body, "clientId"),
                invalidIfMissing(body, "clientSecret"));
        String startUrl = invalidIfMissing(body, "startUrl");
        if (!sameUrl(startUrl, center.startUrl())) {
            throw IdentityCenter.oidcError("InvalidRequestException", 400, "invalid_request",
                    "Invalid start URL " + startUrl + "; this LocalAws's is " + center.startUrl());
        }
        IdentityCenter.Device d = center.startDeviceAuthorization(c);
        String base = base(request);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deviceCode", d.deviceCode);
        out.put("userCode", d.userCode);
        out.put("verificationUri", base + "/device");
        out.put("verificationUriComplete", base + "/device?user_code=" + d.userCode);
        out.put("expiresIn", Duration.between(center.clock().instant(), d.expiresAt).toSeconds());
        out.put("interval", Math.max(1, d.interval.toSeconds()));
        return RestResponse.ok(out);
    }

    private RestResponse createToken(JsonRequest body) {
        IdentityCenter.Client c = center.authenticate(invalidIfMissing(body, "clientId"),
                invalidIfMissing(body, "clientSecret"));
        String grant = invalidIfMissing(body, "grantType");
        IdentityCenter.Tokens t = switch (grant) {
            case DEVICE_GRANT -> center.exchangeDeviceCode(c, invalidIfMissing(body, "deviceCode"));
            case "refresh_token" -> center.refresh(c, invalidIfMissing(body, "refreshToken"));
            default -> throw IdentityCenter.oidcError("UnsupportedGrantTypeException", 400, "unsupported_grant_type",
                    "Unsupported grant type " + grant + "; LocalAws supports " + DEVICE_GRANT + " and refresh_token");
        };
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accessToken", t.accessToken());
        out.put("tokenType", "Bearer");
        out.put("expiresIn", Math.max(0, t.expiresIn().toSeconds()));
        out.put("refreshToken", t.refreshToken());
        return RestResponse.ok(out);
    }

    private static String invalidIfMissing(JsonRequest body, String member) {
        String v = body.string(member);
        if (v == null || v.isEmpty()) {
            throw IdentityCenter.oidcError("InvalidRequestException", 400, "invalid_request",
                    "Missing required parameter " + member);
        }
        return v;
    }

    private static boolean sameUrl(String a, String b) {
        return strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String url) {
        String u = url.trim();
        while (u.endsWith("/") || u.endsWith("#")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    /** The scheme, host and port the client reached LocalAws at. */
    static String base(RestRequest request) {
        String host = request.header("host");
        return "http://" + (host == null ? "127.0.0.1" : host);
    }

    static AwsError pageError(String message) {
        return AwsError.badRequest("InvalidRequestException", message);
    }
}
