package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.protocol.JsonService;
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

/** The awsJson1_1 dispatcher with a fake service, spoken to over real HTTP with SigV4. */
class ProtocolJsonIT {
    private final Identities identities = new Identities(Clock.systemUTC());
    private final FaultEngine faults = new FaultEngine();
    private AccessKey key;
    private AwsHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Echoes its input, or fails with the modelled error the input asks for. */
    static final class FakeService implements JsonService {
        @Override
        public String signingName() {
            return "fake";
        }

        @Override
        public String targetPrefix() {
            return "FakeService_20250101";
        }

        @Override
        public Object handle(JsonRequest request) {
            return switch (request.operation()) {
                case "Echo" -> Map.of("Name", request.require("Name"), "Account", request.accountId(),
                        "Region", request.region(), "Count", request.number("Count"));
                case "Fail" -> throw AwsError.badRequest("ResourceNotFoundException", "no such thing: "
                        + request.string("Name"));
                case "Crash" -> throw new NoClassDefFoundError("a class the service needed");
                default -> throw AwsError.badRequest("UnknownOperationException", "unknown " + request.operation());
            };
        }
    }

    @BeforeEach
    void start() {
        key = identities.createAccount("555555555555");
        server = AwsHttpServer.start(0, new ServiceRegistry().register(new FakeService()),
                new SigV4Verifier(identities, Clock.systemUTC()), faults, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
        server.close();
    }

    @Test
    void operationFromTargetHeaderGetsTheJsonBodyAndCallerAccount() throws Exception {
        HttpResponse<String> r = send("FakeService_20250101.Echo", "{\"Name\":\"w\u00e9ekly\",\"Count\":3}", key);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/x-amz-json-1.1");
        assertThat(JSON.std.mapFrom(r.body())).containsEntry("Name", "w\u00e9ekly").containsEntry("Count", 3)
                .containsEntry("Account", "555555555555").containsEntry("Region", "eu-west-1");
    }

    @Test
    void errorsAreTypeAndMessage() throws Exception {
        HttpResponse<String> r = send("FakeService_20250101.Fail", "{\"Name\":\"x\"}", key);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.std.mapFrom(r.body())).isEqualTo(Map.of("__type", "ResourceNotFoundException",
                "message", "no such thing: x"));
        assertThat(send("Other.Echo", "{}", key).body()).contains("UnknownOperationException");
        assertThat(send("FakeService_20250101.Echo", "[1]", key).body()).contains("SerializationException");
    }

    @Test
    void aServiceThatFailsWithAnErrorStillAnswersWith500() throws Exception {
        HttpResponse<String> r = send("FakeService_20250101.Crash", "{}", key);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(JSON.std.mapFrom(r.body())).containsEntry("__type", "InternalFailure");
        assertThat(r.body()).contains("LocalAws failed to handle fake Crash", "a class the service needed");
        // and the server still serves
        assertThat(send("FakeService_20250101.Echo", "{\"Name\":\"a\",\"Count\":1}", key).statusCode()).isEqualTo(200);
    }

    @Test
    void injectedThrottlingIsThrottlingException() throws Exception {
        faults.add(new FaultEngine.Rule("fake", "Echo", FaultEngine.Kind.THROTTLE, 0, Duration.ZERO, 1, 1.0, 0));

        HttpResponse<String> first = send("FakeService_20250101.Echo", "{\"Name\":\"a\",\"Count\":1}", key);
        HttpResponse<String> second = send("FakeService_20250101.Echo", "{\"Name\":\"a\",\"Count\":1}", key);

        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(JSON.std.mapFrom(first.body())).containsEntry("__type", "ThrottlingException")
                .containsEntry("message", "Rate exceeded");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(faults.calls("fake", "Echo")).isEqualTo(2);
    }

    @Test
    void authenticationErrorsAreJsonToo() throws Exception {
        AccessKey forged = new AccessKey(key.accessKeyId(), dev.opskit.core.Secret.of("nope-nope-nope"), null,
                key.principal());

        HttpResponse<String> r = send("FakeService_20250101.Echo", "{\"Name\":\"a\"}", forged);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.std.mapFrom(r.body())).containsEntry("__type", "SignatureDoesNotMatch");
    }

    private HttpResponse<String> send(String target, String body, AccessKey as) throws Exception {
        URI uri = server.endpoint().resolve("/");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("Host", uri.getHost() + ":" + uri.getPort())
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", target).build();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(as.accessKeyId(), as.secretAccessKey().reveal()))
                .request(unsigned).payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "fake")).request();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .timeout(Duration.ofSeconds(10)); // a request left without a reply fails the test, not hangs it
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

}
