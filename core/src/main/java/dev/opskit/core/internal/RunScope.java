package dev.opskit.core.internal;

import dev.opskit.core.event.EventBus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The runbook step the current thread is working for: where its events go and when it must be
 * done. A {@code Runbook} sets it around each step's observe and act; an AWS call made on that
 * thread retries until the step's deadline and publishes its retries to the step's bus. Threads
 * a step starts itself have no scope and use their {@code AwsContext}'s settings.
 *
 * @param bus where the step's events go
 * @param runbookId the run
 * @param step the step's name
 * @param resource the step's resource, or {@code null}
 * @param deadline when the step must be done, retries included, by {@code clock}
 * @param clock the runbook's clock
 */
public record RunScope(EventBus bus, String runbookId, String step, String resource, Instant deadline, Clock clock) {
    private static final ThreadLocal<RunScope> CURRENT = new ThreadLocal<>();

    public RunScope {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(clock, "clock");
    }

    /** @return how long until the step's deadline, by the runbook's clock (zero once passed) */
    public Duration remaining() {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** @return the scope of the current thread, or {@code null} outside a runbook step */
    public static RunScope current() {
        return CURRENT.get();
    }

    /** Runs the work with this scope on the current thread, restoring the previous one after. */
    public <T> T call(Supplier<T> work) {
        RunScope previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
