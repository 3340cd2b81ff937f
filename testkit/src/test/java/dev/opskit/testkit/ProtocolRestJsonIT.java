package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.RestJsonService;
import dev.opskit.testkit.internal.protocol.RestRequest;
import dev.opskit.testkit.internal.protocol.RestResponse;
import dev.opskit.testkit.internal.server.AwsHttpServer;
import dev.opskit.testkit.internal.server.FaultEngine;
import dev.opskit.testkit.internal.server.ServiceRegistry;
import dev.opskit.testkit.internal.server.SigV4Verifier;
import dev.opskit.testkit.internal.sts.AccessKey;
import dev.opskit.testkit.internal.sts.Identities;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The restJson1 dispatcher with a fake service, spoken to over real HTTP, signed and unsigned. */
class ProtocolRestJsonIT {
    private final Identities identities = new Identities(Clock.systemUTC());
    private final FaultEngine faults = new FaultEngine();
    private AccessKey key;
    private AwsHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Things by name; a token endpoint that needs no signature, as SSO-OIDC's does. */
    static final class FakeRest implements RestJsonService {
        @Override
        public String signingName() {
            return "fakerest";
        }

        @Override
        public List<Route> routes() {
            return List.of(Route.signed("GET", "/2020-01-01/things/{Name}", "GetThing"),
                    Route.signed("GET", "/2020-01-01/things/{Name}/versions", "ListThingVersions"),
                    Route.signed("GET", "/2020-01-01/things/latest", "GetLatestThing"),
                    Route.signed("POST", "/2020-01-01/things", "CreateThing"),
                    Route.signed("DELETE", "/2020-01-01/things/{Name}", "DeleteThing"),
                    Route.signed("GET", "/2020-01-01/files/{Path+}", "GetFile"),
                    Route.unsigned("POST", "/token", "CreateToken"));
        }

        @Override
        public RestResponse handle(RestRequest r) {
            return switch (r.operation()) {
                case "GetThing" -> {
                    if (r.pathParam("Name").equals("missing")) {
                        throw AwsError.notFound("ResourceNotFoundException", "Thing not found: missing");
                    }
                    yield RestResponse.ok(Map.of("Name", r.pathParam("Name"), "Qualifier",
                            String.valueOf(r.queryParam("Qualifier")), "Account", r.accountId(), "Region", r.region()));
                }
                case "ListThingVersions" -> RestResponse.ok(Map.of("Versions", List.of("1", "2")));
                case "GetLatestThing" -> RestResponse.ok(Map.of("Name", "latest"));
                case "CreateThing" -> RestResponse.json(201, Map.of("Name", r.json().require("Name")))
                        .withHeader("X-Thing-Created", "yes");
                case "DeleteThing" -> RestResponse.empty(204);
                case "GetFile" -> RestResponse.bytes(200, "application/octet-stream",
                        r.pathParam("Path").getBytes(StandardCharsets.UTF_8));
                case "CreateToken" -> {
                    if (!"code-1".equals(r.json().string("deviceCode"))) {
                        throw AwsError.badRequest("AuthorizationPendingException", "Authorization is still pending")
                                .withField("error", "authorization_pending");
                    }
                    yield RestResponse.ok(Map.of("accessToken", "t", "account", String.valueOf(r.accountId())));
                }
                default -> throw new IllegalStateException(r.operation());
            };
        }
    }

    @BeforeEach
    void start() {
        key = identities.createAccount("555555555555");
        server = AwsHttpServer.start(0, new ServiceRegistry().register(new FakeRest()),
                new SigV4Verifier(identities, Clock.systemUTC()), faults, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pathVariablesQueryAndCallerReachTheOperation() throws Exception {
        HttpResponse<String> r = signed("GET", "/2020-01-01/things/arn%3Aaws%3Athing%3Aa%2Bb?Qualifier=prod", "");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(JSON.std.mapFrom(r.body())).containsEntry("Name", "arn:aws:thing:a+b")
                .containsEntry("Qualifier", "prod").containsEntry("Account", "555555555555")
                .containsEntry("Region", "eu-west-1");
    }

    @Test
    void theMostSpecificRouteWinsAndGreedyVariablesTakeTheRest() throws Exception {
        assertThat(JSON.std.mapFrom(signed("GET", "/2020-01-01/things/latest", "").body()))
                .containsEntry("Name", "latest");
        assertThat(JSON.std.mapFrom(signed("GET", "/2020-01-01/things/a/versions", "").body()))
                .containsKey("Versions");
        assertThat(signed("GET", "/2020-01-01/files/var/task/handler.sh", "").body()).isEqualTo("var/task/handler.sh");
    }

    @Test
    void statusHeadersAndEmptyBodiesAreAnsweredAsTheOperationSays() throws Exception {
        HttpResponse<String> created = signed("POST", "/2020-01-01/things", "{\"Name\":\"n\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("X-Thing-Created")).hasValue("yes");

        HttpResponse<String> deleted = signed("DELETE", "/2020-01-01/things/n", "");
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
    }

    @Test
    void errorsCarryTheirCodeInTheHeaderAndTheirMembersInTheBody() throws Exception {
        HttpResponse<String> r = signed("GET", "/2020-01-01/things/missing", "");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("ResourceNotFoundException");
        assertThat(JSON.std.mapFrom(r.body())).containsEntry("message", "Thing not found: missing")
                .containsEntry("Type", "User");

        HttpResponse<String> unknown = signed("PUT", "/2020-01-01/nothing", "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
    }

    @Test
    void unsignedRoutesNeedNoSignatureAndOthersStillDo() throws Exception {
        HttpResponse<String> pending = unsigned("POST", "/token", "{\"deviceCode\":\"other\"}");
        assertThat(pending.statusCode()).isEqualTo(400);
        assertThat(pending.headers().firstValue("x-amzn-ErrorType")).hasValue("AuthorizationPendingException");
        assertThat(JSON.std.mapFrom(pending.body())).containsEntry("error", "authorization_pending");

        HttpResponse<String> token = unsigned("POST", "/token", "{\"deviceCode\":\"code-1\"}");
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(JSON.std.mapFrom(token.body())).containsEntry("accessToken", "t").containsEntry("account", "null");

        HttpResponse<String> refused = unsigned("GET", "/2020-01-01/things/a", "");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("MissingAuthenticationToken");
    }

    @Test
    void injectedThrottlingIsTheServicesOwnThrottlingError() throws Exception {
        faults.add(new FaultEngine.Rule("fakerest", "GetThing", FaultEngine.Kind.THROTTLE, 0, Duration.ZERO, 1, 1.0, 0));

        HttpResponse<String> first = signed("GET", "/2020-01-01/things/a", "");

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("x-amzn-ErrorType")).hasValue("TooManyRequestsException");
        assertThat(signed("GET", "/2020-01-01/things/a", "").statusCode()).isEqualTo(200);
        assertThat(faults.calls("fakerest", "GetThing")).isEqualTo(2);
    }

    private HttpResponse<String> signed(String method, String pathAndQuery, String body) throws Exception {
        URI uri = server.endpoint().resolve(pathAndQuery);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri)
                .putHeader("Host", uri.getHost() + ":" + uri.getPort())
                .putHeader("Content-Type", "application/json").build();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey().reveal()))
                .request(unsigned).payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "fakerest")).request();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
                .timeout(Duration.ofSeconds(10));
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> unsigned(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.endpoint().resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
