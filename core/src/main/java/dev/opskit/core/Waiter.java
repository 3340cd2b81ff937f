package dev.opskit.core;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.Waiting;
import dev.opskit.core.internal.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one poller behind every wait in opskit: cluster status, RDS events, replication lag, SSM
 * executions, Lambda updates.
 *
 * <p>Each attempt polls once. The observation (or the error the poll threw) goes through the
 * acceptors <em>in the order they were declared</em>; the first that matches decides:
 * {@link Builder#succeedWhen succeed} (return the observation), {@link Builder#failWhen fail}
 * ({@link WaitFailedException} at once, with the reason) or {@link Builder#retryOn retry}. An
 * observation no acceptor matches means "not yet"; an error no acceptor matches is rethrown
 * unchanged, because only named errors are worth waiting out.
 *
 * <p>Timing: one overall {@link Builder#deadline deadline} (default 15 minutes), backoff with
 * jitter and a cap between attempts (default exponential 2 s to 30 s, equal jitter), the last
 * sleep clipped so the final poll happens at the deadline. There is no attempt limit unless
 * {@link Builder#maxAttempts} is set explicitly, and the timeout message then says that the
 * limit, not the deadline, ended the wait. Each attempt publishes a {@link Waiting} event
 * (attempt, elapsed, observed state, next delay). {@link Thread#interrupt()} ends a wait promptly
 * with {@link WaitInterruptedException}, the interrupt flag restored.
 *
 * <pre>{@code
 * DBCluster c = Waiter.forResource("DB cluster orders-clone")
 *         .waitingFor("status available")
 *         .poll(() -> rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-clone")).dbClusters().get(0))
 *         .state(DBCluster::status)
 *         .failWhen(x -> x.status().equals("failed"), x -> "the clone failed; see its RDS events")
 *         .succeedWhen(x -> x.status().equals("available"))
 *         .retryOn(DbClusterNotFoundException.class)
 *         .deadline(Duration.ofMinutes(30))
 *         .events(bus, runbookId, "create clone")
 *         .await();
 * }</pre>
 */
public final class Waiter {
    private Waiter() {
    }

    /**
     * Starts describing a wait on one resource.
     *
     * @param resource the resource in prose, e.g. {@code "DB cluster orders-clone"}
     * @return the next step: say what you wait for
     * @throws InvalidInputException if blank
     */
    public static Subject forResource(String resource) {
        return new Subject(requireText("resource", resource), null);
    }

    private static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(name, value, "give a short description, e.g. \"DB cluster orders\"");
        }
        return value;
    }

    /**
     * A resource and what is awaited for it; give the poll next.
     */
    public static final class Subject {
        private final String resource;
        private final String waitingFor;

        private Subject(String resource, String waitingFor) {
            this.resource = resource;
            this.waitingFor = waitingFor;
        }

        /**
         * @param condition what is awaited, in prose, e.g. {@code "status available"}
         * @return a subject with that condition
         */
        public Subject waitingFor(String condition) {
            return new Subject(resource, requireText("waitingFor", condition));
        }

        /**
         * The call that observes the resource once per attempt (a describe call, a query).
         *
         * @param poll the observation, called once per attempt; must not return {@code null}
         * @param <T> the observation type
         * @return a builder for the acceptors and timing
         */
        public <T> Builder<T> poll(Supplier<? extends T> poll) {
            return new Builder<>(resource, waitingFor == null ? "the awaited condition" : waitingFor,
                    Objects.requireNonNull(poll, "poll"));
        }
    }

    /** The outcome an acceptor chooses. */
    private enum Verdict { SUCCEED, FAIL, RETRY }

    private record ValueAcceptor<T>(Predicate<? super T> test, Verdict verdict, Function<? super T, String> reason) {
    }

    private record ErrorAcceptor(Predicate<? super RuntimeException> test, Verdict verdict,
            Function<? super RuntimeException, String> reason) {
    }

    /**
     * Acceptors and timing of one wait; {@link #await()} runs it. Not thread-safe; each
     * {@code await()} is an independent wait with the current settings.
     *
     * @param <T> the observation type
     */
    public static final class Builder<T> {
        private final String resource;
        private final String waitingFor;
        private final Supplier<? extends T> poll;
        private final List<ValueAcceptor<T>> valueAcceptors = new ArrayList<>();
        private final List<ErrorAcceptor> errorAcceptors = new ArrayList<>();
        private Function<? super T, String> state = String::valueOf;
        private Duration deadline = Duration.ofMinutes(15);
        private Integer maxAttempts;
        private Backoff backoff = Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(30));
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private EventBus bus;
        private String runbookId;
        private String step;
        private Consumer<? super Waiting> progress;

        private Builder(String resource, String waitingFor, Supplier<? extends T> poll) {
            this.resource = resource;
            this.waitingFor = waitingFor;
            this.poll = poll;
        }

        /**
         * How an observation is shown as a state in events and messages (default
         * {@code String.valueOf}). Keep it short and free of secrets.
         *
         * @param state maps an observation to its state, e.g. {@code DBCluster::status}
         * @return this builder
         */
        public Builder<T> state(Function<? super T, String> state) {
            this.state = Objects.requireNonNull(state, "state");
            return this;
        }

        /**
         * Adds an acceptor: the wait succeeds when the observation matches.
         *
         * @param condition the success test
         * @return this builder
         */
        public Builder<T> succeedWhen(Predicate<? super T> condition) {
            valueAcceptors.add(new ValueAcceptor<>(Objects.requireNonNull(condition, "condition"), Verdict.SUCCEED, null));
            return this;
        }

        /**
         * Adds an acceptor: the wait fails at once, with a reason, when the observation matches
         * (a terminal state).
         *
         * @param condition the terminal-state test
         * @param reason why that state means failure and what to do
         * @return this builder
         */
        public Builder<T> failWhen(Predicate<? super T> condition, Function<? super T, String> reason) {
            valueAcceptors.add(new ValueAcceptor<>(Objects.requireNonNull(condition, "condition"), Verdict.FAIL,
                    Objects.requireNonNull(reason, "reason")));
            return this;
        }

        /**
         * Adds an acceptor: an observation matching this means "not yet", even if a later
         * acceptor would match (use it to put a retry ahead of a broader rule).
         *
         * @param condition the not-yet test
         * @return this builder
         */
        public Builder<T> retryWhen(Predicate<? super T> condition) {
            valueAcceptors.add(new ValueAcceptor<>(Objects.requireNonNull(condition, "condition"), Verdict.RETRY, null));
            return this;
        }

        /**
         * Adds an acceptor: a poll that throws this type (e.g. not found while a resource is
         * being created) means "not yet".
         *
         * @param type the error type to wait out
         * @return this builder
         */
        public Builder<T> retryOn(Class<? extends RuntimeException> type) {
            Objects.requireNonNull(type, "type");
            errorAcceptors.add(new ErrorAcceptor(type::isInstance, Verdict.RETRY, null));
            return this;
        }

        /**
         * Adds an acceptor: a poll that throws this type ends the wait at once with a
         * {@link WaitFailedException} carrying the reason and the error as cause.
         *
         * @param type the terminal error type
         * @param reason why and what to do
         * @param <E> the error type
         * @return this builder
         */
        public <E extends RuntimeException> Builder<T> failOn(Class<E> type, Function<? super E, String> reason) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
            errorAcceptors.add(new ErrorAcceptor(type::isInstance, Verdict.FAIL, e -> reason.apply(type.cast(e))));
            return this;
        }

        /**
         * The overall deadline, measured from the start of {@link #await()}. Default 15 minutes.
         *
         * @param deadline more than zero
         * @return this builder
         */
        public Builder<T> deadline(Duration deadline) {
            if (deadline == null || deadline.isZero() || deadline.isNegative()) {
                throw new InvalidInputException("deadline", String.valueOf(deadline), "give a duration of more than zero");
            }
            this.deadline = deadline;
            return this;
        }

        /**
         * An explicit limit on attempts, on top of the deadline. There is none by default: the
         * deadline alone decides. When the limit ends a wait, the exception says so.
         *
         * @param maxAttempts at least 1
         * @return this builder
         */
        public Builder<T> maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new InvalidInputException("maxAttempts", Integer.toString(maxAttempts), "give 1 or more");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param backoff delays between attempts
         * @return this builder
         */
        public Builder<T> backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * @param clock where time comes from (tests pass {@link VirtualTime#clock()})
         * @return this builder
         */
        public Builder<T> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param sleeper how to sleep between attempts (tests pass {@link VirtualTime#sleeper()})
         * @return this builder
         */
        public Builder<T> sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Publishes a {@link Waiting} event per attempt to a bus.
         *
         * @param bus the bus
         * @param runbookId the runbook run, or {@code null}
         * @param step the step, or {@code null}
         * @return this builder
         */
        public Builder<T> events(EventBus bus, String runbookId, String step) {
            this.bus = Objects.requireNonNull(bus, "bus");
            this.runbookId = runbookId;
            this.step = step;
            return this;
        }

        /**
         * Publishes a {@link Waiting} event per attempt to the run's bus, with its runbook id
         * and current step.
         *
         * @param ctx the context of the running step
         * @return this builder
         */
        public Builder<T> events(RunContext ctx) {
            Objects.requireNonNull(ctx, "ctx");
            return events(ctx.events(), ctx.runbookId(), ctx.step());
        }

        /**
         * Calls back after every attempt (in addition to any bus). A callback that throws is
         * ignored, like a bus listener.
         *
         * @param progress receives each attempt's {@link Waiting} event
         * @return this builder
         */
        public Builder<T> onProgress(Consumer<? super Waiting> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Polls until an acceptor decides, the deadline passes or the thread is interrupted.
         *
         * @return the observation that matched a success acceptor
         * @throws WaitFailedException on a terminal state or error
         * @throws WaitTimeoutException when the deadline (or an explicit attempt limit) is reached
         * @throws WaitInterruptedException if the thread is interrupted
         */
        public T await() {
            Instant start = clock.instant();
            Instant end = start.plus(deadline);
            String lastState = null;
            RuntimeException lastError = null;
            int attempt = 0;
            while (true) {
                attempt++;
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted(new InterruptedException("interrupt flag set"), attempt - 1, start, lastState);
                }
                T value = null;
                Verdict verdict = Verdict.RETRY;
                String reason = null;
                try {
                    value = poll.get();
                    if (value == null) {
                        throw new IllegalStateException("the poll for " + resource + " returned null; return an observation");
                    }
                    lastState = state.apply(value);
                    lastError = null;
                    for (ValueAcceptor<T> a : valueAcceptors) {
                        if (a.test().test(value)) {
                            verdict = a.verdict();
                            reason = a.reason() == null ? null : a.reason().apply(value);
                            break;
                        }
                    }
                } catch (RuntimeException e) {
                    ErrorAcceptor match = null;
                    for (ErrorAcceptor a : errorAcceptors) {
                        if (a.test().test(e)) {
                            match = a;
                            break;
                        }
                    }
                    if (match == null) {
                        throw e; // not named: nothing says waiting could help
                    }
                    lastError = e;
                    lastState = e.getClass().getSimpleName();
                    verdict = match.verdict();
                    reason = match.reason() == null ? null : match.reason().apply(e);
                }
                Instant now = clock.instant();
                Duration elapsed = Duration.between(start, now);
                if (verdict == Verdict.SUCCEED) {
                    publish(now, attempt, elapsed, lastState, null);
                    return value;
                }
                if (verdict == Verdict.FAIL) {
                    publish(now, attempt, elapsed, lastState, null);
                    throw new WaitFailedException(resource, waitingFor, lastState,
                            reason == null ? "terminal state" : reason, attempt, lastError);
                }
                Duration remaining = Duration.between(now, end);
                boolean limitReached = maxAttempts != null && attempt >= maxAttempts;
                if (limitReached || remaining.isZero() || remaining.isNegative()) {
                    publish(now, attempt, elapsed, lastState, null);
                    throw new WaitTimeoutException(resource, waitingFor, lastState, attempt, elapsed, deadline,
                            limitReached && remaining.compareTo(Duration.ZERO) > 0, lastError);
                }
                Duration delay = backoff.delayAfter(attempt);
                if (delay.compareTo(remaining) > 0) {
                    delay = remaining; // the last look happens exactly at the deadline
                }
                publish(now, attempt, elapsed, lastState, delay);
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException e) {
                    throw interrupted(e, attempt, start, lastState);
                }
            }
        }

        private WaitInterruptedException interrupted(InterruptedException e, int attempts, Instant start, String lastState) {
            Thread.currentThread().interrupt();
            Duration elapsed = Duration.between(start, clock.instant());
            return new WaitInterruptedException("Interrupted while waiting for " + resource + " (" + waitingFor
                    + ") after " + attempts + " attempts and " + Durations.human(elapsed)
                    + (lastState == null ? "" : "; last state seen '" + lastState + "'")
                    + ". Nothing was changed by the wait; run again to continue.", resource, lastState, e);
        }

        private void publish(Instant now, int attempt, Duration elapsed, String observed, Duration next) {
            if (bus == null && progress == null) {
                return;
            }
            Waiting event = new Waiting(now, runbookId, step, resource, waitingFor, attempt, elapsed, observed, next,
                    Map.of());
            if (bus != null) {
                bus.publish(event);
            }
            if (progress != null) {
                try {
                    progress.accept(event);
                } catch (RuntimeException e) {
                    // A progress display must never break the wait it displays.
                    org.slf4j.LoggerFactory.getLogger(Waiter.class)
                            .warn("progress callback failed on attempt {}; the wait goes on", attempt, e);
                }
            }
        }
    }
}
