package dev.opskit.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * How every AWS call made through an {@link AwsContext} is retried. Real accounts throttle
 * {@code Describe*} calls under load and answer a few calls with 5xx or a reset connection; a
 * runbook that dies halfway through a migration because of one is the worst outcome, so the
 * defaults keep trying until a deadline instead of giving up after three attempts:
 *
 * <ul>
 *   <li><b>Throttling</b> ({@code Throttling}, {@code ThrottlingException}, 429, ...) is retried
 *       for every operation: a throttled call was not carried out.</li>
 *   <li><b>Server errors and connection problems</b> (500, 502, 503, 504, a reset or dropped
 *       connection, an attempt timeout) are retried for <em>reads</em> (operations named
 *       {@code Describe*}, {@code List*}, {@code Get*}, {@code Head*}, {@code BatchGet*},
 *       {@code Search*}, {@code Lookup*}, {@code Download*}, plus {@link #withReads}). A call that changes something
 *       is retried only when the connection was never made, because it may have been carried out
 *       already; inside a runbook the step then observes the real state again and acts only if
 *       still needed (see {@link RetryPolicy#stepDefaults()}).</li>
 *   <li>An endpoint that cannot be reached at all (connection refused, unknown host) is tried
 *       {@value #UNREACHABLE_ATTEMPTS} times, not until the deadline: that is nearly always a
 *       wrong endpoint or region, or a local stand-in that is not running.</li>
 *   <li>Delays grow from 200 ms to 20 s with full jitter; there is no attempt count and no
 *       retry quota that could silently stop retries. A call gives up when its next attempt would
 *       start after the deadline: inside a runbook step, the step's deadline; elsewhere
 *       {@link #deadline()} (5 minutes) from the call's first attempt.</li>
 *   <li>Each retry is published as a {@link dev.opskit.core.event.Retrying} event naming the
 *       service, operation, attempt and error: to the running step's bus, or else to the
 *       context's {@link AwsContext.Builder#events bus}.</li>
 * </ul>
 *
 * Immutable; every {@code with...} method returns a copy and checks its argument.
 *
 * <pre>{@code
 * AwsContext ctx = AwsContext.builder()
 *         .retries(CallRetries.defaults().withDeadline(Duration.ofMinutes(2)))
 *         .build();
 * AwsContext quick = ctx.toBuilder().maxAttempts(2).build();   // tests that expect a failure
 * }</pre>
 */
public final class CallRetries {
    private static final Set<String> READ_PREFIXES =
            Set.of("Describe", "List", "Get", "Head", "BatchGet", "Search", "Lookup", "Download");
    private static final Set<String> TRANSIENT_CODES = Set.of("InternalFailure", "InternalError",
            "InternalServerError", "InternalServerException", "ServiceUnavailable", "ServiceUnavailableException",
            "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete");
    private static final Set<String> THROTTLING_CODES = Set.of("Throttling", "ThrottlingException",
            "ThrottledException", "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
            "RequestThrottled", "SlowDown", "BandwidthLimitExceeded", "ProvisionedThroughputExceededException",
            "EC2ThrottledException", "TransactionInProgressException");

    /** Attempts in a row that may find the endpoint unreachable before a call gives up. */
    public static final int UNREACHABLE_ATTEMPTS = 3;

    private final Duration deadline;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Set<String> reads;
    private final Clock clock;

    private CallRetries(Duration deadline, int maxAttempts, Backoff backoff, Set<String> reads, Clock clock) {
        this.deadline = deadline;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.reads = reads;
        this.clock = clock;
    }

    /** @return the defaults described above: 5 minutes outside runbooks, 200 ms to 20 s full jitter */
    public static CallRetries defaults() {
        return new CallRetries(Duration.ofMinutes(5), 0,
                Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(20)).withJitter(Backoff.Jitter.FULL),
                Set.of(), Clock.systemUTC());
    }

    /**
     * @param deadline how long a call made outside a runbook step keeps retrying, from its first
     *     attempt; more than zero
     * @return a copy with that deadline
     * @throws InvalidInputException if not positive
     */
    public CallRetries withDeadline(Duration deadline) {
        if (deadline == null || deadline.isZero() || deadline.isNegative()) {
            throw new InvalidInputException("deadline", String.valueOf(deadline),
                    "give how long a call may keep retrying, e.g. Duration.ofMinutes(5)");
        }
        return new CallRetries(deadline, maxAttempts, backoff, reads, clock);
    }

    /**
     * Caps the attempts per call as well, e.g. for a test that expects a failure quickly.
     *
     * @param attempts 1 (no retries) to 1000
     * @return a copy with that cap
     * @throws InvalidInputException if out of range
     */
    public CallRetries withMaxAttempts(int attempts) {
        if (attempts < 1 || attempts > 1000) {
            throw new InvalidInputException("maxAttempts", Integer.toString(attempts),
                    "give 1 (no retries) to 1000 attempts");
        }
        return new CallRetries(deadline, attempts, backoff, reads, clock);
    }

    /**
     * @param backoff the delays between attempts; a server's suggested delay (Retry-After) is
     *     honoured when longer
     * @return a copy with that backoff
     */
    public CallRetries withBackoff(Backoff backoff) {
        return new CallRetries(deadline, maxAttempts, Objects.requireNonNull(backoff, "backoff"), reads, clock);
    }

    /**
     * Treats more operations as reads, so that server errors on them are retried too.
     *
     * @param operations operation names as the API spells them, e.g. {@code "Invoke"} for a
     *     function known to be idempotent
     * @return a copy that also treats these as reads
     * @throws InvalidInputException if a name is blank
     */
    public CallRetries withReads(String... operations) {
        Set<String> all = new TreeSet<>(reads);
        for (String op : operations) {
            if (op == null || op.isBlank()) {
                throw new InvalidInputException("operation", op, "give operation names such as \"Invoke\"");
            }
            all.add(op);
        }
        return new CallRetries(deadline, maxAttempts, backoff, Set.copyOf(all), clock);
    }

    /**
     * @param clock where deadlines are measured (tests pass {@link VirtualTime#clock()})
     * @return a copy with that clock
     */
    public CallRetries withClock(Clock clock) {
        return new CallRetries(deadline, maxAttempts, backoff, reads, Objects.requireNonNull(clock, "clock"));
    }

    /** @return how long a call outside a runbook step keeps retrying */
    public Duration deadline() {
        return deadline;
    }

    /** @return the cap on attempts per call, or 0 for none (the deadline alone ends retries) */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the delays between attempts */
    public Backoff backoff() {
        return backoff;
    }

    /** @return the clock deadlines are measured with */
    public Clock clock() {
        return clock;
    }

    /**
     * @param operation an operation name such as {@code DescribeDBClusters}
     * @return true if it only reads, so that a server error on it may be retried
     */
    public boolean isRead(String operation) {
        if (operation == null) {
            return false;
        }
        if (reads.contains(operation)) {
            return true;
        }
        for (String prefix : READ_PREFIXES) {
            if (operation.startsWith(prefix) && operation.length() > prefix.length()
                    && Character.isUpperCase(operation.charAt(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param failure a failed call's exception
     * @return true if AWS throttled the call (it was not carried out)
     */
    public static boolean isThrottling(Throwable failure) {
        if (failure instanceof AwsServiceException e) {
            if (e.isThrottlingException()) {
                return true;
            }
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            return code != null && THROTTLING_CODES.contains(code);
        }
        return failure instanceof SdkServiceException s && s.isThrottlingException();
    }

    /**
     * @param failure a failed call's exception
     * @return true if the failure is throttling, a server error (5xx and its codes), a connection
     *     problem or an attempt timeout: something that trying again may get past
     */
    public static boolean isTransient(Throwable failure) {
        if (isThrottling(failure)) {
            return true;
        }
        if (failure instanceof SdkServiceException s) {
            int status = s.statusCode();
            if (status == 500 || status == 502 || status == 503 || status == 504) {
                return true;
            }
            String code = s instanceof AwsServiceException a && a.awsErrorDetails() != null
                    ? a.awsErrorDetails().errorCode() : null;
            return code != null && TRANSIENT_CODES.contains(code);
        }
        if (failure instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        if (failure instanceof SdkClientException) {
            for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IOException) {
                    return true;
                }
            }
            String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
            return message.contains("unable to execute http request") || message.contains("connection reset");
        }
        return false;
    }

    /**
     * @param failure a failed call's exception
     * @return true if the request never reached the service (the connection was refused, had no
     *     route, or the host name did not resolve), so that even a call that changes something
     *     may be sent again
     */
    public static boolean wasNotSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "CallRetries[deadline=" + deadline + (maxAttempts == 0 ? "" : ", maxAttempts=" + maxAttempts)
                + ", " + backoff + (reads.isEmpty() ? "" : ", reads+=" + reads) + "]";
    }
}
