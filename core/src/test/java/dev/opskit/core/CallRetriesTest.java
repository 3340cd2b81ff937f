package dev.opskit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.Retrying;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** Real SDK clients against a loopback HTTP server that answers with scripted statuses. */
class CallRetriesTest {
    private static final String OK = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/ops</Arn><UserId>AIDA</UserId>"
            + "<Account>111111111111</Account></GetCallerIdentityResult>"
            + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    private static final Duration FAST = Duration.ofMillis(5);

    private HttpServer server;
    private final Deque<Integer> script = new ConcurrentLinkedDeque<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final EventBus bus = new EventBus();
    private final List<Retrying> retries = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(body.replaceAll(".*Action=([A-Za-z]+).*", "$1"));
            Integer status = script.poll();
            String reply;
            int code;
            if (status == null || status == 200) {
                code = 200;
                reply = OK;
            } else {
                code = status;
                String error = status == 400 ? "Throttling" : "ServiceUnavailable";
                reply = "<ErrorResponse><Error><Type>" + (status == 400 ? "Sender" : "Receiver") + "</Type><Code>" + error
                        + "</Code><Message>" + (status == 400 ? "Rate exceeded" : "Service is unavailable")
                        + "</Message></Error><RequestId>r</RequestId></ErrorResponse>";
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(code, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        bus.subscribe(Retrying.class, retries::add);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private AwsContext context(CallRetries retries, URI endpoint) {
        return AwsContext.builder().region("us-east-1")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .endpointOverride(endpoint).retries(retries).events(bus).build();
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static CallRetries fast() {
        return CallRetries.defaults().withBackoff(Backoff.fixed(FAST));
    }

    @Test
    void readsAreThrottlingOrServerErrorsRetriedWithAnEventPerRetry() {
        script.addAll(List.of(400, 400, 503, 400, 503));
        try (AwsContext ctx = context(fast(), endpoint())) {
            String account = ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().account();
            assertThat(account).isEqualTo("111111111111");
        }
        assertThat(requests).hasSize(6).containsOnly("GetCallerIdentity");
        assertThat(retries).extracting(Retrying::attempt).containsExactly(1, 2, 3, 4, 5);
        assertThat(retries).extracting(Retrying::condition).containsExactly("Sts GetCallerIdentity throttled",
                "Sts GetCallerIdentity throttled", "Sts GetCallerIdentity failed transiently",
                "Sts GetCallerIdentity throttled", "Sts GetCallerIdentity failed transiently");
        assertThat(retries.get(0).attributes()).containsEntry("operation", "GetCallerIdentity")
                .containsEntry("service", "Sts");
        assertThat(retries.get(0).error()).contains("Rate exceeded");
    }

    @Test
    void aCallKeepsItsNameWhenItsCredentialsMakeACallOfTheirOwn() {
        // Credentials resolved lazily through another call (as AssumeRole or SSO credentials are):
        // the outer call, a read, must still be known as GetCallerIdentity and retried after a 503.
        try (AwsContext inner = context(fast(), endpoint())) {
            StsClient innerSts = inner.client(StsClient.class, StsClient::builder);
            software.amazon.awssdk.auth.credentials.AwsCredentialsProvider lazy = () -> {
                innerSts.getCallerIdentity();
                return AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
            };
            try (AwsContext outer = context(fast(), endpoint()).toBuilder().credentials(lazy).build()) {
                script.addAll(List.of(200, 503));
                assertThat(outer.client(StsClient.class, StsClient::builder).getCallerIdentity().account())
                        .isEqualTo("111111111111");
            }
        }
        assertThat(retries).extracting(Retrying::condition).contains("Sts GetCallerIdentity failed transiently");
    }

    @Test
    void aCallThatChangesSomethingIsRetriedWhenThrottledButNotAfterAServerError() {
        script.addAll(List.of(400, 400));
        try (AwsContext ctx = context(fast(), endpoint())) {
            StsClient sts = ctx.client(StsClient.class, StsClient::builder);
            // The scripted success body does not fit AssumeRole; only the attempts count here.
            sts.assumeRole(r -> r.roleArn("arn:aws:iam::111111111111:role/ops").roleSessionName("s"));
            assertThat(requests).hasSize(3);

            requests.clear();
            script.add(503);
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn("arn:aws:iam::111111111111:role/ops")
                    .roleSessionName("s"))).isInstanceOfSatisfying(StsException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(503));
            assertThat(requests).hasSize(1);
        }
    }

    @Test
    void aCallIsRetriedUntilItsDeadlineAndNoLonger() {
        for (int i = 0; i < 10_000; i++) {
            script.add(400);
        }
        long t0 = System.nanoTime();
        try (AwsContext ctx = context(fast().withDeadline(Duration.ofMillis(400)), endpoint())) {
            assertThatThrownBy(() -> ctx.client(StsClient.class, StsClient::builder).getCallerIdentity())
                    .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.isThrottlingException()).isTrue());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(requests.size()).isGreaterThan(3);
        assertThat(retries).hasSize(requests.size() - 1);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400 - FAST.toMillis()));
    }

    @Test
    void maxAttemptsCapsTheAttempts() {
        script.addAll(List.of(400, 400, 400, 400));
        try (AwsContext ctx = context(fast().withMaxAttempts(2), endpoint())) {
            assertThatThrownBy(() -> ctx.client(StsClient.class, StsClient::builder).getCallerIdentity())
                    .isInstanceOf(StsException.class);
        }
        assertThat(requests).hasSize(2);
    }

    @Test
    void aRunbookStepRetriesItsCallsUntilTheStepDeadlineAndNamesTheThrottledOperation() {
        for (int i = 0; i < 10_000; i++) {
            script.add(400);
        }
        List<String> seen = new ArrayList<>();
        try (AwsContext ctx = context(fast(), endpoint())) {
            StsClient sts = ctx.client(StsClient.class, StsClient::builder);
            Runbook rb = Runbook.named("who am i").stepDeadline(Duration.ofMillis(500)).events(bus)
                    .step("identity", c -> Observation.change("unknown", "ask STS"),
                            (c, obs) -> sts.getCallerIdentity().account())
                    .build();
            assertThatThrownBy(rb::run).isInstanceOfSatisfying(StepFailedException.class, e -> {
                seen.add(e.getMessage());
                assertThat(e.getCause()).isInstanceOf(StsException.class);
                assertThat(e.step()).contains("identity");
            });
        }
        assertThat(seen.get(0)).contains("Step 'identity'", "Sts GetCallerIdentity failed after",
                "deadline of step 'identity'", "Rate exceeded");
        assertThat(retries).allSatisfy(r -> {
            assertThat(r.step()).isEqualTo("identity");
            assertThat(r.runbookId()).startsWith("rb-");
        });
        // Retried for the whole half second (step-level retries start only after the deadline passed).
        assertThat(requests.size()).isGreaterThan(5);
    }

    @Test
    void workAStepHandsToAnotherThreadRetriesAsPartOfTheStep() {
        script.addAll(List.of(400, 400));
        try (AwsContext ctx = context(fast(), endpoint())) {
            StsClient sts = ctx.client(StsClient.class, StsClient::builder);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                Runbook.named("parallel").events(bus).step("identity", c -> Observation.change("unknown", "ask"),
                        (c, obs) -> java.util.concurrent.CompletableFuture.supplyAsync(
                                c.asPartOfStep(() -> sts.getCallerIdentity().account()), pool).join()).build().run();
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(retries).hasSize(2).allSatisfy(r -> {
            assertThat(r.step()).isEqualTo("identity");
            assertThat(r.runbookId()).startsWith("rb-");
        });
    }

    @Test
    void aRefusedConnectionIsRetriedEvenForACallThatChangesSomething() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (AwsContext ctx = context(fast().withMaxAttempts(3), URI.create("http://127.0.0.1:" + closedPort))) {
            assertThatThrownBy(() -> ctx.client(StsClient.class, StsClient::builder)
                    .assumeRole(r -> r.roleArn("arn:aws:iam::111111111111:role/ops").roleSessionName("s")))
                    .isInstanceOf(SdkClientException.class);
        }
        assertThat(retries).hasSize(2).allSatisfy(r -> assertThat(r.condition()).isEqualTo(
                "Sts AssumeRole failed transiently"));
    }

    @Test
    void anEndpointThatCannotBeReachedFailsAfterAFewAttemptsNotAtTheDeadline() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        List<String> messages = new ArrayList<>();
        long t0 = System.nanoTime();
        try (AwsContext ctx = context(fast(), URI.create("http://127.0.0.1:" + closedPort))) {
            Runbook rb = Runbook.named("who am i").events(bus).step("identity", c -> Observation.change("-", "ask"),
                    (c, obs) -> ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().account()).build();
            assertThatThrownBy(rb::run).isInstanceOfSatisfying(StepFailedException.class,
                    e -> messages.add(e.getMessage()));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMinutes(1));
        assertThat(messages.get(0)).contains("Sts GetCallerIdentity failed after " + CallRetries.UNREACHABLE_ATTEMPTS
                + " attempts", "could not be reached 3 times in a row", "ConnectException", "check the endpoint");
    }

    @Test
    void classifiesFailuresAndOperations() {
        CallRetries r = CallRetries.defaults().withReads("Invoke");
        assertThat(r.isRead("DescribeDBClusters")).isTrue();
        assertThat(r.isRead("ListTagsForResource")).isTrue();
        assertThat(r.isRead("GetRoleCredentials")).isTrue();
        assertThat(r.isRead("Invoke")).isTrue();
        assertThat(r.isRead("DownloadDBLogFilePortion")).isTrue();
        assertThat(r.isRead("ModifyDBCluster")).isFalse();
        assertThat(r.isRead("Listen")).isFalse();
        assertThat(r.isRead("Getaway")).isFalse();

        AwsServiceException throttled = error(400, "Throttling");
        AwsServiceException tooMany = error(429, "TooManyRequestsException");
        AwsServiceException unavailable = error(503, "ServiceUnavailable");
        AwsServiceException notFound = error(404, "DBClusterNotFoundFault");
        assertThat(CallRetries.isThrottling(throttled)).isTrue();
        assertThat(CallRetries.isThrottling(tooMany)).isTrue();
        assertThat(CallRetries.isThrottling(unavailable)).isFalse();
        assertThat(CallRetries.isTransient(unavailable)).isTrue();
        assertThat(CallRetries.isTransient(throttled)).isTrue();
        assertThat(CallRetries.isTransient(notFound)).isFalse();
        assertThat(CallRetries.isTransient(SdkClientException.create("Unable to execute HTTP request",
                new java.net.SocketException("Connection reset")))).isTrue();
        assertThat(CallRetries.wasNotSent(SdkClientException.create("x", new java.net.ConnectException("refused"))))
                .isTrue();
        assertThat(CallRetries.wasNotSent(SdkClientException.create("x", new java.net.SocketException("reset"))))
                .isFalse();
    }

    @Test
    void rejectsSettingsOutOfRange() {
        assertThatThrownBy(() -> CallRetries.defaults().withDeadline(Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("deadline");
        assertThatThrownBy(() -> CallRetries.defaults().withMaxAttempts(0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("1 (no retries) to 1000");
        assertThatThrownBy(() -> CallRetries.defaults().withReads(" ")).isInstanceOf(InvalidInputException.class);
    }

    private static AwsServiceException error(int status, String code) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }
}
