package dev.opskit.core.internal;

import dev.opskit.core.CallRetries;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Retrying;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * The SDK retry strategy behind {@link CallRetries}: it knows each call's service and operation
 * (from {@link #interceptor()}, which runs on the calling thread just before the strategy is
 * asked for its first token), retries until the running step's deadline or the call's own, keeps
 * no retry quota, publishes a {@code Retrying} event per retry, and records why a call finally
 * failed in {@link CallFailures} so that runbook failures can name the operation.
 */
public final class CallRetryStrategy implements RetryStrategy {
    /**
     * Calls named by {@link CallNaming#beforeExecution} and not yet started, innermost first: a
     * call's credentials may be resolved by calls of their own (AssumeRole, SSO) between its
     * {@code beforeExecution} and its first token, so one slot would give its name to them.
     */
    private static final ThreadLocal<Deque<String[]>> NEXT_CALL = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ExecutionAttribute<String[]> CALL = new ExecutionAttribute<>("opskit.call");
    /** Less time than this before the deadline is not worth a last attempt. */
    private static final Duration LAST_TRY = Duration.ofMillis(20);
    private static final ThreadLocal<CallFailures.Failure> LAST_REFUSAL = new ThreadLocal<>();

    private final CallRetries retries;
    private final EventBus contextBus;
    private final List<Predicate<Throwable>> extraConditions;

    public CallRetryStrategy(CallRetries retries, EventBus contextBus) {
        this(retries, contextBus, List.of());
    }

    private CallRetryStrategy(CallRetries retries, EventBus contextBus, List<Predicate<Throwable>> extra) {
        this.retries = Objects.requireNonNull(retries, "retries");
        this.contextBus = contextBus;
        this.extraConditions = List.copyOf(extra);
    }

    /** The interceptor to add to every client built with this strategy. */
    public ExecutionInterceptor interceptor() {
        return new CallNaming();
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
        String[] call = NEXT_CALL.get().pollFirst();
        Instant start = retries.clock().instant();
        RunScope scope = RunScope.current();
        Instant end = start.plus(scope != null ? scope.remaining() : retries.deadline());
        Token token = new Token(call == null ? "AWS" : call[0], call == null ? "call" : call[1], start, end, scope);
        return AcquireInitialTokenResponse.create(token, Duration.ZERO);
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
        Token token = (Token) request.token();
        Throwable failure = request.failure();
        int attempt = token.attempts;
        String why = refusal(token, failure);
        Duration delay = Duration.ZERO;
        Instant now = retries.clock().instant();
        if (why == null) {
            delay = retries.backoff().delayAfter(attempt);
            if (request.suggestedDelay().isPresent() && request.suggestedDelay().get().compareTo(delay) > 0) {
                delay = request.suggestedDelay().get();
            }
            Duration left = Duration.between(now, token.end);
            if (now.plus(delay).isAfter(token.end) && left.compareTo(LAST_TRY) >= 0) {
                // One last attempt right at the deadline rather than giving up early.
                delay = left;
            } else if (now.plus(delay).isAfter(token.end)) {
                why = "its next attempt would start after the " + (token.scope != null
                        ? "deadline of step '" + token.scope.step() + "'" : "call's retry deadline") + " ("
                        + Durations.human(Duration.between(token.start, token.end)) + " from its first attempt)";
            }
        }
        if (why != null) {
            if (CallRetries.isTransient(failure)) {
                // The SDK throws a copy of this failure; the interceptor ties the reason to that copy.
                LAST_REFUSAL.set(new CallFailures.Failure(token.service, token.operation, attempt,
                        Duration.between(token.start, now), why));
            }
            throw new TokenAcquisitionFailedException(why, token, failure);
        }
        token.attempts++;
        publish(token, failure, attempt, delay, now);
        return RefreshRetryTokenResponse.create(token, delay);
    }

    /** Why the failed attempt must not be retried, or {@code null} if it may be. */
    private String refusal(Token token, Throwable failure) {
        boolean extra = extraConditions.stream().anyMatch(c -> c.test(failure));
        if (!extra && !CallRetries.isTransient(failure)) {
            return "the error is not one that trying again can get past";
        }
        if (!extra && !CallRetries.isThrottling(failure) && !retries.isRead(token.operation)
                && !CallRetries.wasNotSent(failure)) {
            return token.operation + " changes something and may have been carried out; it is not sent again "
                    + "blindly (a runbook step observes the real state and acts again only if still needed)";
        }
        token.unreachable = CallRetries.wasNotSent(failure) ? token.unreachable + 1 : 0;
        if (token.unreachable >= CallRetries.UNREACHABLE_ATTEMPTS) {
            return "the endpoint could not be reached " + token.unreachable + " times in a row ("
                    + rootMessage(failure) + "); check the endpoint and region, or that the service is running";
        }
        if (retries.maxAttempts() > 0 && token.attempts >= retries.maxAttempts()) {
            return "it reached the " + retries.maxAttempts() + " attempts this context allows";
        }
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private void publish(Token token, Throwable failure, int attempt, Duration delay, Instant now) {
        EventBus bus = token.scope != null ? token.scope.bus() : contextBus;
        if (bus == null) {
            return;
        }
        String condition = CallRetries.isThrottling(failure) ? token.service + " " + token.operation + " throttled"
                : token.service + " " + token.operation + " failed transiently";
        bus.publish(new Retrying(now, token.scope == null ? null : token.scope.runbookId(),
                token.scope == null ? null : token.scope.step(), token.scope == null ? null : token.scope.resource(),
                condition, attempt, delay, String.valueOf(failure.getMessage()),
                OpsEvent.attributes("service", token.service, "operation", token.operation)));
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
        return RecordSuccessResponse.create(request.token());
    }

    @Override
    public int maxAttempts() {
        return retries.maxAttempts() > 0 ? retries.maxAttempts() : Integer.MAX_VALUE;
    }

    @Override
    public boolean useClientDefaults() {
        return false;
    }

    @Override
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        return "CallRetryStrategy[" + retries + "]";
    }

    /** One call's retry state. */
    private static final class Token implements RetryToken {
        final String service;
        final String operation;
        final Instant start;
        final Instant end;
        final RunScope scope;
        int attempts = 1;
        int unreachable;

        Token(String service, String operation, Instant start, Instant end, RunScope scope) {
            this.service = service;
            this.operation = operation;
            this.start = start;
            this.end = end;
            this.scope = scope;
        }
    }

    /**
     * Names the next call on this thread for the strategy (the SDK calls it just before the retry
     * loop), and records why a failed call's retries ended against the exception the caller gets.
     */
    private static final class CallNaming implements ExecutionInterceptor {
        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            forget(attributes);
            CallFailures.Failure why = LAST_REFUSAL.get();
            LAST_REFUSAL.remove();
            if (why != null) {
                CallFailures.record(context.exception(), why);
            }
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            LAST_REFUSAL.remove();
            String[] call = {String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)),
                    String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))};
            attributes.putAttribute(CALL, call);
            NEXT_CALL.get().addFirst(call);
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            forget(attributes);
        }

        /** Drops a call that ended before the strategy saw it (e.g. its credentials failed). */
        private static void forget(ExecutionAttributes attributes) {
            String[] call = attributes.getAttribute(CALL);
            if (call != null) {
                NEXT_CALL.get().removeIf(c -> c == call);
            }
        }
    }

    /** What the SDK needs to derive a strategy; settings it cannot express are kept as they are. */
    public static final class Builder implements RetryStrategy.Builder<Builder, CallRetryStrategy> {
        private CallRetries retries;
        private final EventBus bus;
        private final List<Predicate<Throwable>> extra;

        Builder(CallRetryStrategy from) {
            this.retries = from.retries;
            this.bus = from.contextBus;
            this.extra = new ArrayList<>(from.extraConditions);
        }

        @Override
        public Builder retryOnException(Predicate<Throwable> shouldRetry) {
            extra.add(Objects.requireNonNull(shouldRetry, "shouldRetry"));
            return this;
        }

        @Override
        public Builder maxAttempts(int maxAttempts) {
            retries = retries.withMaxAttempts(maxAttempts);
            return this;
        }

        @Override
        public Builder backoffStrategy(BackoffStrategy backoffStrategy) {
            return this;
        }

        @Override
        public Builder throttlingBackoffStrategy(BackoffStrategy backoffStrategy) {
            return this;
        }

        @Override
        public Builder treatAsThrottling(Predicate<Throwable> treatAsThrottling) {
            return retryOnException(treatAsThrottling);
        }

        @Override
        public CallRetryStrategy build() {
            return new CallRetryStrategy(retries, bus, extra);
        }
    }
}
