package dev.opskit.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A clock and a sleeper that share one virtual time line: sleeping advances the clock instantly.
 * Hand both to a {@link Waiter} or {@link RetryPolicy} in tests so that a ten-minute wait runs in
 * microseconds and its timing can be asserted exactly. Sleeping still honours
 * {@link Thread#interrupt()}. Thread-safe.
 *
 * <pre>{@code
 * VirtualTime time = VirtualTime.startingAt(Instant.parse("2024-01-01T00:00:00Z"));
 * Waiter.forResource("DB cluster orders").waitingFor("available")
 *         .poll(this::describe).succeedWhen(c -> c.available())
 *         .clock(time.clock()).sleeper(time.sleeper())
 *         .await();
 * time.sleeps();   // every delay the waiter slept
 * }</pre>
 */
public final class VirtualTime {
    private final Object lock = new Object();
    private final List<Duration> sleeps = new ArrayList<>();
    private Instant now;

    private VirtualTime(Instant start) {
        this.now = start;
    }

    /**
     * @param start the initial instant
     * @return a virtual time line starting there
     */
    public static VirtualTime startingAt(Instant start) {
        return new VirtualTime(Objects.requireNonNull(start, "start"));
    }

    /** @return the current virtual instant */
    public Instant now() {
        synchronized (lock) {
            return now;
        }
    }

    /**
     * Moves the clock forward without recording a sleep (for example to simulate a slow call).
     *
     * @param duration how far, zero or more
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new InvalidInputException("duration", duration.toString(), "virtual time only moves forward");
        }
        synchronized (lock) {
            now = now.plus(duration);
        }
    }

    /** @return a UTC clock that reads this virtual time */
    public Clock clock() {
        return new VirtualClock(ZoneOffset.UTC);
    }

    /** @return a sleeper that advances this virtual time and records each sleep */
    public Sleeper sleeper() {
        return duration -> {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before a virtual sleep of " + duration);
            }
            synchronized (lock) {
                sleeps.add(duration);
                now = now.plus(duration);
            }
        };
    }

    /** @return every duration slept so far, in order */
    public List<Duration> sleeps() {
        synchronized (lock) {
            return List.copyOf(sleeps);
        }
    }

    /** @return the sum of every duration slept so far */
    public Duration totalSlept() {
        synchronized (lock) {
            return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
        }
    }

    private final class VirtualClock extends Clock {
        private final ZoneId zone;

        VirtualClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new VirtualClock(zone);
        }

        @Override
        public Instant instant() {
            return now();
        }
    }
}
