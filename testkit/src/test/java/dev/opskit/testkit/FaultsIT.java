package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

class FaultsIT {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.perClass();

    @AfterEach
    void clear() {
        AWS.aws().faults().clear();
    }

    @Test
    void sdkRetriesInjectedThrottlingAndSucceedsOnTheThirdAttempt() {
        Faults.Injection throttle = AWS.aws().faults().next(2).throttle("sts", "GetCallerIdentity");
        try (AwsContext ctx = context(3)) {
            assertThat(sts(ctx).getCallerIdentity().account()).isEqualTo(LocalAws.DEFAULT_ACCOUNT_ID);
        }
        assertThat(AWS.aws().faults().calls("sts", "GetCallerIdentity")).isEqualTo(3);
        assertThat(throttle.triggered()).isEqualTo(2);
        assertThat(throttle.exhausted()).isTrue();
    }

    @Test
    void throttlingBeyondTheAttemptsReachesTheCallerAsThrottling() {
        AWS.aws().faults().always().throttle("sts", "*");
        try (AwsContext ctx = context(2)) {
            assertThatThrownBy(() -> sts(ctx).getCallerIdentity()).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.isThrottlingException()).isTrue();
            });
        }
        assertThat(AWS.aws().faults().calls("sts", "GetCallerIdentity")).isEqualTo(2);
    }

    @Test
    void serverErrorsCarryTheirStatusAndCode() {
        AWS.aws().faults().next(1).serverError("sts", "GetCallerIdentity", 503);
        AWS.aws().faults().next(1).serverError("*", "*", 500);
        try (AwsContext ctx = context(1)) {
            assertThatThrownBy(() -> sts(ctx).getCallerIdentity()).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
            });
            assertThatThrownBy(() -> sts(ctx).getCallerIdentity()).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(500);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
            });
            assertThat(sts(ctx).getCallerIdentity().account()).isEqualTo(LocalAws.DEFAULT_ACCOUNT_ID);
        }
    }

    @Test
    void droppedConnectionIsAClientErrorWithoutRetriesAndRetriedOtherwise() {
        AWS.aws().faults().next(1).dropConnection("sts", "*");
        try (AwsContext once = context(1)) {
            assertThatThrownBy(() -> sts(once).getCallerIdentity()).isInstanceOf(SdkClientException.class);
        }
        AWS.aws().faults().next(1).dropConnection("sts", "*");
        try (AwsContext twice = context(2)) {
            assertThat(sts(twice).getCallerIdentity().account()).isEqualTo(LocalAws.DEFAULT_ACCOUNT_ID);
        }
        assertThat(AWS.aws().faults().calls("sts", "GetCallerIdentity")).isEqualTo(3);
    }

    @Test
    void latencyDelaysTheAnswerAndClosingTheInjectionRemovesIt() {
        // long enough that a loaded machine's own delays cannot pass for it
        Duration latency = Duration.ofSeconds(1);
        Faults.Injection slow = AWS.aws().faults().always().latency("sts", "GetCallerIdentity", latency);
        try (AwsContext ctx = context(1)) {
            sts(ctx).getCallerIdentity(); // warm up the connection and client
            long t0 = System.nanoTime();
            sts(ctx).getCallerIdentity();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(latency);

            slow.close();
            slow.close();
            long t1 = System.nanoTime();
            sts(ctx).getCallerIdentity();
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(latency);
        }
        assertThat(slow.triggered()).isEqualTo(2);
    }

    private static AwsContext context(int attempts) {
        return AwsContext.builder().credentials(AWS.aws().defaultAccount().credentials()).region("us-east-1")
                .endpointOverride(AWS.aws().endpoint()).maxAttempts(attempts).build();
    }

    private static StsClient sts(AwsContext ctx) {
        return ctx.client(StsClient.class, StsClient::builder);
    }
}
