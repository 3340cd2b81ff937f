package dev.opskit.core;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.Retrying;
import dev.opskit.core.internal.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Step-level retries of <em>named</em> conditions: failures such as "cluster busy" while
 * something else is modifying a cluster, or a call that changes something and failed with a
 * server error. Every {@link Runbook} step runs under one ({@link #stepDefaults()} unless the
 * runbook is given another): a matching failure of the step's observe or act is followed by a
 * fresh observation of the real state and the act only if it is still needed. Single calls are
 * retried by {@link CallRetries}. A failure that matches no {@link Retryable} is never retried. Each retry publishes a {@link Retrying} event (condition, attempt, next delay, error).
 * When retries end (attempt limit, deadline, or a failure that is not retryable), the original
 * exception is rethrown as it was, not wrapped; if a limit ended the retries, a suppressed
 * {@link OpsException} on it says which.
 *
 * <p>Sleeping goes through the injected {@link Sleeper}, so tests run in virtual time. A retry
 * never starts whose delay would end after the deadline. Immutable and thread-safe.
 *
 * <pre>{@code
 * RetryPolicy busy = RetryPolicy.builder()
 *         .retryOn(Retryable.on("cluster busy", InvalidDbClusterStateException.class))
 *         .maxAttempts(6)
 *         .deadline(Duration.ofMinutes(10))
 *         .build();
 * busy.call(ctx, () -> rds.modifyDBCluster(request));
 * }</pre>
 */
public final class RetryPolicy {
    /** How the note on a failure whose retries ended begins. */
    static final String GAVE_UP = "Gave up retrying";

    private final List<Retryable> conditions;
    private final int maxAttempts;
    private final Duration deadline;
    private final Backoff backoff;
    private final Clock clock;
    private final Sleeper sleeper;
    private final EventBus bus;

    private RetryPolicy(Builder b) {
        this.conditions = List.copyOf(b.conditions);
        this.maxAttempts = b.maxAttempts;
        this.deadline = b.deadline;
        this.backoff = b.backoff;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.bus = b.bus;
    }

    /** @return a builder with no conditions, 5 attempts, no deadline, backoff 1 s to 20 s with equal jitter */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What every runbook step runs under unless told otherwise: {@link Retryable#AWS_THROTTLING}
     * and {@link Retryable#AWS_TRANSIENT} (server errors, reset connections), up to 10 attempts
     * until the step's deadline, backoff 1 s to 20 s with equal jitter. The SDK call that failed
     * has already been retried as far as is safe ({@link CallRetries}); what is left is mostly a
     * call that changes something, which the step sends again only after observing that it is
     * still needed.
     *
     * @return the policy
     */
    public static RetryPolicy stepDefaults() {
        return builder().retryOn(Retryable.AWS_THROTTLING).retryOn(Retryable.AWS_TRANSIENT).maxAttempts(10).build();
    }

    /** @return a builder starting from this policy's settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.conditions.addAll(conditions);
        b.maxAttempts = maxAttempts;
        b.deadline = deadline;
        b.backoff = backoff;
        b.clock = clock;
        b.sleeper = sleeper;
        b.bus = bus;
        return b;
    }

    /** @return the named conditions that are retried */
    public List<Retryable> conditions() {
        return conditions;
    }

    /** @return the most attempts in all, including the first */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Calls the action, retrying named conditions; events go to the policy's bus, if any.
     *
     * @param action the call
     * @param <T> the result type
     * @return the action's result
     */
    public <T> T call(Supplier<T> action) {
        return execute(bus, null, null, null, action);
    }

    /**
     * Calls the action within a runbook step, retrying named conditions; events go to the run's
     * bus with its runbook id, step and resource.
     *
     * @param ctx the running step's context
     * @param action the call
     * @param <T> the result type
     * @return the action's result
     */
    public <T> T call(RunContext ctx, Supplier<T> action) {
        Objects.requireNonNull(ctx, "ctx");
        return execute(ctx.events(), ctx.runbookId(), ctx.step(), ctx.resource(), action);
    }

    /**
     * Runs the action, retrying named conditions.
     *
     * @param action the call
     */
    public void run(Runnable action) {
        Objects.requireNonNull(action, "action");
        call(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Runs the action within a runbook step, retrying named conditions.
     *
     * @param ctx the running step's context
     * @param action the call
     */
    public void run(RunContext ctx, Runnable action) {
        Objects.requireNonNull(action, "action");
        call(ctx, () -> {
            action.run();
            return null;
        });
    }

    private <T> T execute(EventBus events, String runbookId, String step, String resource, Supplier<T> action) {
        Instant start = clock.instant();
        return execute(events, runbookId, step, resource, deadline == null ? null : start.plus(deadline), action);
    }

    /**
     * The retry loop. {@code end} is when no retry may start any more (the earlier of this policy's
     * deadline and the caller's), or {@code null}.
     */
    <T> T execute(EventBus events, String runbookId, String step, String resource, Instant end, Supplier<T> action) {
        Objects.requireNonNull(action, "action");
        Instant start = clock.instant();
        if (deadline != null && (end == null || start.plus(deadline).isBefore(end))) {
            end = start.plus(deadline);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (e instanceof WaitInterruptedException || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                Retryable condition = conditions.stream().filter(c -> c.matches(e)).findFirst().orElse(null);
                if (condition == null) {
                    throw e;
                }
                Instant now = clock.instant();
                Duration delay = backoff.delayAfter(attempt);
                String gaveUp = null;
                if (attempt >= maxAttempts) {
                    gaveUp = GAVE_UP + " '" + condition.condition() + "' after " + attempt
                            + " attempts: the maxAttempts limit of this retry policy";
                } else if (end != null && now.plus(delay).isAfter(end)) {
                    gaveUp = GAVE_UP + " '" + condition.condition() + "' after " + attempt + " attempts and "
                            + Durations.human(Duration.between(start, now)) + ": the next try would pass the "
                            + (deadline != null && end.equals(start.plus(deadline))
                                    ? Durations.human(deadline) + " deadline of this retry policy"
                                    : "deadline" + (step == null ? "" : " of step '" + step + "'") + " at " + end);
                }
                if (gaveUp != null) {
                    e.addSuppressed(new OpsException(gaveUp, resource, null, null));
                    throw e;
                }
                if (events != null) {
                    events.publish(new Retrying(now, runbookId, step, resource, condition.condition(), attempt, delay,
                            StepFailedException.describe(e), Map.of()));
                }
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    WaitInterruptedException stop = new WaitInterruptedException("Interrupted before retry attempt "
                            + (attempt + 1) + " of " + (step == null ? "a call" : "step '" + step + "'")
                            + "; nothing more was tried. Run again to continue.", resource, null, ie);
                    stop.addSuppressed(e);
                    throw stop;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy[conditions=" + conditions.stream().map(Retryable::condition).toList()
                + ", maxAttempts=" + maxAttempts + (deadline == null ? "" : ", deadline=" + deadline)
                + ", " + backoff + "]";
    }

    /**
     * Builds a {@link RetryPolicy}; each setter checks its value at once.
     *
     * <pre>{@code
     * RetryPolicy p = RetryPolicy.builder()
     *         .retryOn(Retryable.on("cluster busy", InvalidDbClusterStateException.class))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final List<Retryable> conditions = new ArrayList<>();
        private int maxAttempts = 5;
        private Duration deadline;
        private Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(20));
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private EventBus bus;

        private Builder() {
        }

        /**
         * Adds a named retryable condition; conditions are checked in order.
         *
         * @param condition the condition
         * @return this builder
         */
        public Builder retryOn(Retryable condition) {
            conditions.add(Objects.requireNonNull(condition, "condition"));
            return this;
        }

        /**
         * @param maxAttempts attempts in all, including the first: 1 to 100
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new InvalidInputException("maxAttempts", Integer.toString(maxAttempts),
                        "give 1 (no retries) to 100 attempts");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * No retry starts whose delay would end after this much time since the first attempt.
         *
         * @param deadline more than zero
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            if (deadline == null || deadline.isZero() || deadline.isNegative()) {
                throw new InvalidInputException("deadline", String.valueOf(deadline), "give a duration of more than zero");
            }
            this.deadline = deadline;
            return this;
        }

        /**
         * @param backoff delays between attempts
         * @return this builder
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * @param clock where time comes from (tests pass {@link VirtualTime#clock()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param sleeper how to sleep between attempts (tests pass {@link VirtualTime#sleeper()})
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * @param bus where {@link Retrying} events go for calls made without a run context
         * @return this builder
         */
        public Builder events(EventBus bus) {
            this.bus = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * @return the policy
         * @throws InvalidInputException if no condition was named
         */
        public RetryPolicy build() {
            if (conditions.isEmpty()) {
                throw new InvalidInputException("retryOn", null,
                        "name at least one retryable condition; opskit never retries unnamed failures");
            }
            return new RetryPolicy(this);
        }
    }
}
