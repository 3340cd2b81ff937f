package dev.opskit.core;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A named condition under which a failed call may be tried again, such as "cluster busy" for
 * {@code InvalidDbClusterStateException} while another change is under way. A
 * {@link RetryPolicy} retries only failures that match one of its conditions, and reports the
 * condition's name in every {@code Retrying} event.
 *
 * <pre>{@code
 * Retryable busy = Retryable.on("cluster busy", InvalidDbClusterStateException.class);
 * Retryable lock = Retryable.when("lock wait timeout",
 *         e -> e instanceof SQLException s && s.getErrorCode() == 1205);
 * }</pre>
 *
 * @param condition the condition's name, used in events and messages
 * @param test whether a failure is this condition
 */
public record Retryable(String condition, Predicate<? super Throwable> test) {
    /** AWS throttled a call ({@link CallRetries#isThrottling}). */
    public static final Retryable AWS_THROTTLING = new Retryable("AWS throttling", CallRetries::isThrottling);
    /**
     * An AWS call failed with a server error or a connection problem ({@link CallRetries#isTransient}),
     * but not because its endpoint could not be reached at all ({@link CallRetries#wasNotSent}):
     * the call itself tried that {@value CallRetries#UNREACHABLE_ATTEMPTS} times already.
     */
    public static final Retryable AWS_TRANSIENT = new Retryable("AWS server error or connection problem",
            e -> CallRetries.isTransient(e) && !CallRetries.wasNotSent(e));

    /** Checks both parts. */
    public Retryable {
        if (condition == null || condition.isBlank()) {
            throw new InvalidInputException("condition", condition, "name the condition, e.g. \"cluster busy\"");
        }
        Objects.requireNonNull(test, "test");
    }

    /**
     * @param condition the condition's name
     * @param test whether a failure is this condition
     * @return the condition
     */
    public static Retryable when(String condition, Predicate<? super Throwable> test) {
        return new Retryable(condition, test);
    }

    /**
     * @param condition the condition's name
     * @param type failures of this type (and subtypes) are this condition
     * @return the condition
     */
    public static Retryable on(String condition, Class<? extends Throwable> type) {
        Objects.requireNonNull(type, "type");
        return new Retryable(condition, type::isInstance);
    }

    /**
     * @param failure a failure
     * @return true if it is this condition
     */
    public boolean matches(Throwable failure) {
        return test.test(failure);
    }

    @Override
    public String toString() {
        return "Retryable[" + condition + "]";
    }
}
