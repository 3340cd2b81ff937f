package dev.opskit.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.services.sts.StsClient;

/** A context for an http:// endpoint builds its HTTP client without TLS; calls still work as before. */
class AwsContextPlainHttpTest {
    private static final String IDENTITY = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ops</Arn><UserId>AIDAEXAMPLE</UserId>"
            + "<Account>123456789012</Account></GetCallerIdentityResult>"
            + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                requests.add(exchange.getRequestMethod() + " "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8) + " signed="
                        + exchange.getRequestHeaders().getFirst("Authorization").startsWith("AWS4-HMAC-SHA256"));
            }
            byte[] body = IDENTITY.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void callsOverPlainHttpAreSignedAndAnswered() {
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        try (AwsContext ctx = AwsContext.builder().region("us-east-1").endpointOverride(endpoint)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .maxAttempts(1).build()) {
            StsClient sts = ctx.client(StsClient.class, StsClient::builder);

            assertThat(sts.getCallerIdentity().account()).isEqualTo("123456789012");
            assertThat(sts.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::123456789012:user/ops");
        }
        assertThat(requests).hasSize(2)
                .allSatisfy(r -> assertThat(r).startsWith("POST ").contains("Action=GetCallerIdentity").endsWith("signed=true"));
    }

    @Test
    void plainHttpConnectionsKeepTheSdkDefaultTimeouts() throws IOException {
        HttpURLConnection c = AwsContext.plainHttpConnection(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));

        // Without them a server that accepts and never answers would hang a runbook forever.
        assertThat(c.getConnectTimeout()).isEqualTo(SdkHttpConfigurationOption.GLOBAL_HTTP_DEFAULTS
                .get(SdkHttpConfigurationOption.CONNECTION_TIMEOUT).toMillis()).isPositive();
        assertThat(c.getReadTimeout()).isEqualTo(SdkHttpConfigurationOption.GLOBAL_HTTP_DEFAULTS
                .get(SdkHttpConfigurationOption.READ_TIMEOUT).toMillis()).isPositive();
        assertThat(c.getURL().getProtocol()).isEqualTo("http");
    }
}
