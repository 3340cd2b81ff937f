package dev.opskit.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How long to wait between attempts: exponential growth with a cap and jitter, or a fixed
 * schedule. Immutable; every {@code with...} method returns a copy.
 *
 * <p>Jitter spreads the polls of many waiters so that they do not hit an API in lock step:
 * {@link Jitter#FULL} picks uniformly in {@code [0, ceiling]}, {@link Jitter#EQUAL} in
 * {@code [ceiling/2, ceiling]} (never polls faster than half the ceiling), {@link Jitter#NONE}
 * uses the ceiling. The ceiling of attempt {@code n} (from 1) is
 * {@code min(max, initial * multiplier^(n-1))}.
 *
 * <pre>{@code
 * Backoff b = Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(30))
 *         .withJitter(Backoff.Jitter.FULL);
 * Backoff s = Backoff.schedule(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15));
 * Backoff p = Backoff.proportional(Duration.ofSeconds(1), Duration.ofSeconds(10));
 * }</pre>
 */
public final class Backoff {

    /** How a delay is randomised below its ceiling. */
    public enum Jitter {
        /** The ceiling itself. */
        NONE,
        /** Uniform in {@code [0, ceiling]}. */
        FULL,
        /** Uniform in {@code [ceiling/2, ceiling]}. */
        EQUAL
    }

    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final Jitter jitter;
    private final List<Duration> schedule;
    /** How the schedule was made, for {@link #toString()}; null for a plain one. */
    private final String origin;

    private Backoff(Duration initial, Duration max, double multiplier, Jitter jitter, List<Duration> schedule) {
        this(initial, max, multiplier, jitter, schedule, null);
    }

    private Backoff(Duration initial, Duration max, double multiplier, Jitter jitter, List<Duration> schedule,
            String origin) {
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.schedule = schedule;
        this.origin = origin;
    }

    /**
     * Delays that double from {@code initial} up to {@code max}, with equal jitter.
     *
     * @param initial the first delay's ceiling, more than zero
     * @param max the cap, at least {@code initial}
     * @return the backoff
     * @throws InvalidInputException if a duration is out of range
     */
    public static Backoff exponential(Duration initial, Duration max) {
        requirePositive("initial", initial);
        requirePositive("max", max);
        if (max.compareTo(initial) < 0) {
            throw new InvalidInputException("max", max.toString(),
                    "the cap must be at least the initial delay " + initial + "; raise max or lower initial");
        }
        return new Backoff(initial, max, 2.0, Jitter.EQUAL, null);
    }

    /**
     * The same delay every time, without jitter.
     *
     * @param delay the delay, more than zero
     * @return the backoff
     * @throws InvalidInputException if the delay is not positive
     */
    public static Backoff fixed(Duration delay) {
        requirePositive("delay", delay);
        return new Backoff(delay, delay, 1.0, Jitter.NONE, null);
    }

    /**
     * Delays taken from a list in order, the last one repeating, without jitter (add it with
     * {@link #withJitter(Jitter)}).
     *
     * @param delays one or more delays, each more than zero
     * @return the backoff
     * @throws InvalidInputException if the list is empty or a delay is not positive
     */
    public static Backoff schedule(Duration... delays) {
        if (delays == null || delays.length == 0) {
            throw new InvalidInputException("delays", null, "give at least one delay");
        }
        for (Duration d : delays) {
            requirePositive("delay", d);
        }
        List<Duration> list = List.copyOf(Arrays.asList(delays));
        Duration max = list.stream().max(Duration::compareTo).orElseThrow();
        return new Backoff(list.get(0), max, 1.0, Jitter.NONE, list);
    }

    /**
     * Delays that grow with the time already waited: each delay's ceiling is 2.5% (1/40) of the
     * sum of the ceilings before it, at least {@code floor} and at most {@code cap}, with equal
     * jitter. A condition that comes true after a short wait is seen within a few floors, one
     * that takes long is polled every few seconds, and the time lost after it came true is on
     * average about 1% of the time waited either way (half a delay of 2.5%, less the jitter).
     * With a 1 s floor and a 10 s cap, a 10-minute wait makes about 150 attempts: one a second
     * for the first 40 s, then fewer, then one every 10 s.
     *
     * @param floor the shortest delay, at least 1 ms
     * @param cap the longest delay, at least {@code floor}
     * @return the backoff
     * @throws InvalidInputException if a duration is out of range
     */
    public static Backoff proportional(Duration floor, Duration cap) {
        requirePositive("floor", floor);
        requirePositive("cap", cap);
        if (floor.toMillis() < 1) {
            throw new InvalidInputException("floor", floor.toString(), "give a floor of 1 ms or more");
        }
        if (cap.compareTo(floor) < 0) {
            throw new InvalidInputException("cap", cap.toString(),
                    "the cap must be at least the floor " + floor + "; raise cap or lower floor");
        }
        // Past the first 40 floors each delay is 2.5% longer than the one before: the list reaches
        // the cap within a few hundred entries (about 1,000 for 1 ms to a year).
        List<Duration> delays = new ArrayList<>();
        long waited = 0;
        long next = floor.toMillis();
        while (next < cap.toMillis()) {
            delays.add(Duration.ofMillis(next));
            waited += next;
            next = Math.max(floor.toMillis(), waited / 40);
        }
        delays.add(cap);
        return new Backoff(delays.get(0), cap, 1.0, Jitter.EQUAL, List.copyOf(delays),
                "proportional floor=" + floor + ", cap=" + cap);
    }

    /**
     * @param jitter how to randomise each delay
     * @return a copy with that jitter
     */
    public Backoff withJitter(Jitter jitter) {
        return new Backoff(initial, max, multiplier, Objects.requireNonNull(jitter, "jitter"), schedule, origin);
    }

    /**
     * @param multiplier growth factor per attempt, from 1.0 to 10.0 (exponential backoff only)
     * @return a copy with that multiplier
     * @throws InvalidInputException if out of range or this is a schedule
     */
    public Backoff withMultiplier(double multiplier) {
        if (schedule != null) {
            throw new InvalidInputException("multiplier", Double.toString(multiplier),
                    "a schedule has no multiplier; use Backoff.exponential(...) instead");
        }
        if (!(multiplier >= 1.0 && multiplier <= 10.0)) {
            throw new InvalidInputException("multiplier", Double.toString(multiplier), "give 1.0 to 10.0");
        }
        return new Backoff(initial, max, multiplier, jitter, null);
    }

    /** @return the jitter in use */
    public Jitter jitter() {
        return jitter;
    }

    /** @return the largest delay this backoff ever returns */
    public Duration cap() {
        return max;
    }

    /**
     * The delay ceiling after an attempt, before jitter.
     *
     * @param attempt the attempt that just ended, from 1
     * @return the ceiling, at most {@link #cap()}
     */
    public Duration ceiling(int attempt) {
        if (attempt < 1) {
            throw new InvalidInputException("attempt", Integer.toString(attempt), "attempts count from 1");
        }
        if (schedule != null) {
            return schedule.get(Math.min(attempt, schedule.size()) - 1);
        }
        double nanos = initial.toNanos() * Math.pow(multiplier, attempt - 1);
        // Past the cap (or past long range), the cap is the answer.
        if (!(nanos < max.toNanos())) {
            return max;
        }
        return Duration.ofNanos((long) nanos);
    }

    /**
     * The delay after an attempt, with jitter from a thread-local random source.
     *
     * @param attempt the attempt that just ended, from 1
     * @return the delay
     */
    public Duration delayAfter(int attempt) {
        return delayAfter(attempt, ThreadLocalRandom.current());
    }

    /**
     * The delay after an attempt, with jitter from the given random source.
     *
     * @param attempt the attempt that just ended, from 1
     * @param random where jitter comes from
     * @return the delay, within {@code [0, ceiling(attempt)]} (full jitter) or
     *         {@code [ceiling/2, ceiling]} (equal jitter)
     */
    public Duration delayAfter(int attempt, RandomGenerator random) {
        long ceiling = ceiling(attempt).toNanos();
        switch (jitter) {
            case FULL:
                return Duration.ofNanos(random.nextLong(ceiling + 1));
            case EQUAL:
                long half = ceiling / 2;
                return Duration.ofNanos(half + random.nextLong(ceiling - half + 1));
            default:
                return Duration.ofNanos(ceiling);
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new InvalidInputException(name, String.valueOf(d), "give a duration of more than zero");
        }
    }

    @Override
    public String toString() {
        if (origin != null) {
            return "Backoff[" + origin + ", jitter=" + jitter + "]";
        }
        return schedule != null
                ? "Backoff[schedule=" + schedule + ", jitter=" + jitter + "]"
                : "Backoff[initial=" + initial + ", max=" + max + ", multiplier=" + multiplier
                        + ", jitter=" + jitter + "]";
    }
}
