package dev.opskit.core;

import dev.opskit.core.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link Waiter} gave up before the awaited condition held: its deadline passed, or (only if
 * one was set explicitly) its attempt limit was reached — the message says which. It names what
 * was awaited, the resource, the last state seen, the number of attempts and the time spent.
 *
 * <pre>{@code
 * try {
 *     waiter.await();
 * } catch (WaitTimeoutException e) {
 *     System.out.println(e.resourceId().orElse("?") + " still " + e.lastState().orElse("?"));
 * }
 * }</pre>
 */
public class WaitTimeoutException extends OpsException {
    private static final long serialVersionUID = 1L;

    private final String waitingFor;
    private final int attempts;
    private final Duration elapsed;
    private final Duration deadline;
    private final boolean attemptLimitReached;

    /**
     * @param resource the resource waited on
     * @param waitingFor what was awaited, in prose
     * @param lastState the last state seen, or {@code null} if none was seen
     * @param attempts how many attempts were made
     * @param elapsed time spent waiting
     * @param deadline the overall deadline
     * @param attemptLimitReached true if the explicit attempt limit, not the deadline, ended it
     * @param lastError the last retried error, or {@code null}
     */
    public WaitTimeoutException(String resource, String waitingFor, String lastState, int attempts,
            Duration elapsed, Duration deadline, boolean attemptLimitReached, Throwable lastError) {
        super(message(resource, waitingFor, lastState, attempts, elapsed, deadline, attemptLimitReached),
                resource, lastState, lastError);
        this.waitingFor = Objects.requireNonNull(waitingFor, "waitingFor");
        this.attempts = attempts;
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.attemptLimitReached = attemptLimitReached;
    }

    private static String message(String resource, String waitingFor, String lastState, int attempts,
            Duration elapsed, Duration deadline, boolean attemptLimitReached) {
        String seen = lastState == null ? "no state was seen" : "last state seen '" + lastState + "'";
        if (attemptLimitReached) {
            return "Gave up waiting for " + resource + " (" + waitingFor + ") after " + attempts
                    + " attempts: the explicit maxAttempts limit was reached after "
                    + Durations.human(elapsed) + ", before the " + Durations.human(deadline)
                    + " deadline; " + seen + ". Raise maxAttempts, or drop it to wait until the deadline.";
        }
        return "Timed out waiting for " + resource + " (" + waitingFor + ") after "
                + Durations.human(elapsed) + " and " + attempts + " attempts (deadline "
                + Durations.human(deadline) + "); " + seen
                + ". Check the resource, then wait longer with deadline(...) or run again.";
    }

    /** @return what was awaited, in prose */
    public String waitingFor() {
        return waitingFor;
    }

    /** @return how many attempts were made */
    public int attempts() {
        return attempts;
    }

    /** @return time spent waiting */
    public Duration elapsed() {
        return elapsed;
    }

    /** @return the overall deadline */
    public Duration deadline() {
        return deadline;
    }

    /** @return true if the explicit attempt limit ended the wait, false if the deadline did */
    public boolean attemptLimitReached() {
        return attemptLimitReached;
    }
}
