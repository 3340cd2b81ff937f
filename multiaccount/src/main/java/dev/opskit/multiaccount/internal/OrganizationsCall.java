package dev.opskit.multiaccount.internal;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.AwsContext;
import dev.opskit.core.CallRetries;
import dev.opskit.core.Waiter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * One AWS Organizations call over awsJson1_1, signed with the SDK's SigV4 signer: the SDK's
 * Organizations client is not among this project's dependencies, and this module needs only
 * {@code ListAccounts}. Throttling and server errors are retried like every opskit call
 * ({@link CallRetries}: its backoff, until its deadline), through core's {@link Waiter}.
 */
public final class OrganizationsCall {
    private static final String TARGET = "AWSOrganizationsV20161128.";
    private static final URI GLOBAL = URI.create("https://organizations.us-east-1.amazonaws.com/");

    private OrganizationsCall() {
    }

    /** Sends one operation and returns its JSON answer; an error answer becomes an {@link AwsServiceException}. */
    public static Map<String, Object> call(AwsContext ctx, String operation, Map<String, Object> body) {
        CallRetries retries = ctx.retries();
        Waiter.Builder<Map<String, Object>> wait = Waiter.forResource("Organizations " + operation)
                .waitingFor("an answer that is not throttled")
                .<Map<String, Object>>poll(() -> once(ctx, operation, body))
                .succeedWhen(m -> true)
                .retryOn(RetryableCall.class)
                .backoff(retries.backoff())
                .deadline(retries.deadline())
                .clock(retries.clock());
        if (retries.maxAttempts() > 0) {
            wait.maxAttempts(retries.maxAttempts());
        }
        return wait.await();
    }

    private static Map<String, Object> once(AwsContext ctx, String operation, Map<String, Object> body) {
        byte[] payload;
        try {
            payload = JSON.std.asBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        URI endpoint = ctx.endpointOverride().orElse(GLOBAL);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint.resolve("/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET + operation).build();
        AwsCredentialsIdentity identity = ctx.credentials().resolveCredentials();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "organizations")).request();
        try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
            HttpExecuteResponse response;
            try {
                response = http.prepareRequest(HttpExecuteRequest.builder().request(signed)
                        .contentStreamProvider(ContentStreamProvider.fromByteArray(payload)).build()).call();
            } catch (IOException e) {
                throw new RetryableCall(SdkClientException.create("Organizations " + operation
                        + ": unable to execute HTTP request: " + e.getMessage(), e));
            }
            String text;
            try (InputStream in = response.responseBody().orElse(null)) {
                text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RetryableCall(SdkClientException.create("Organizations " + operation
                        + ": the connection broke while reading the answer", e));
            }
            int status = response.httpResponse().statusCode();
            Map<String, Object> json = text.isBlank() ? Map.of() : parse(text);
            if (status / 100 == 2) {
                return json;
            }
            String type = String.valueOf(json.getOrDefault("__type", response.httpResponse()
                    .firstMatchingHeader("x-amzn-ErrorType").orElse("Unknown")));
            String code = type.substring(type.lastIndexOf('#') + 1).split(":")[0];
            Object message = json.containsKey("message") ? json.get("message") : json.get("Message");
            AwsServiceException error = AwsServiceException.builder().statusCode(status)
                    .message(code + ": " + message)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(String.valueOf(message))
                            .serviceName("Organizations").build()).build();
            if (CallRetries.isThrottling(error) || (status >= 500 && CallRetries.isTransient(error))) {
                throw new RetryableCall(error);
            }
            throw error;
        }
    }

    private static Map<String, Object> parse(String text) {
        try {
            return JSON.std.mapFrom(text);
        } catch (IOException e) {
            throw SdkClientException.create("Organizations answered something that is not JSON", e);
        }
    }

    /** A failure worth another attempt; the last one is the wait's error. */
    static final class RetryableCall extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RetryableCall(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
