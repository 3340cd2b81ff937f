package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What replication does when the replica's SQL thread stops on an error. The default,
 * {@link #stop()}, leaves replication stopped and fails with the error. {@link #skip(int...)}
 * skips the failing event ({@code mysql.rds_skip_repl_error}) for the listed error numbers only,
 * each skip reported as an event, never silently, up to {@link #maxSkips()} times.
 *
 * <pre>{@code
 * ErrorPolicy.stop();                                      // the default
 * ErrorPolicy.skip(ReplicationError.DUPLICATE_KEY).maxSkips(10);
 * }</pre>
 *
 * @param skippable error numbers to skip; empty means stop on every error
 * @param maxSkips how many events may be skipped in total before stopping anyway
 */
public record ErrorPolicy(Set<Integer> skippable, int maxSkips) {
    /** The default number of skips allowed by {@link #skip(int...)}. */
    public static final int DEFAULT_MAX_SKIPS = 100;

    /** What to do about one error. */
    public enum Action {
        /** Skip the failing event and let replication continue. */
        SKIP,
        /** Leave replication stopped and report the error. */
        STOP
    }

    /**
     * @throws InvalidInputException if an error number is not positive or maxSkips is negative
     */
    public ErrorPolicy {
        if (skippable == null) {
            throw new InvalidInputException("skippable", null, "pass an empty set to stop on every error");
        }
        for (Integer n : skippable) {
            if (n == null || n <= 0) {
                throw new InvalidInputException("error number", String.valueOf(n),
                        "MySQL error numbers are positive, such as 1062 (duplicate key)");
            }
        }
        if (maxSkips < 0) {
            throw new InvalidInputException("maxSkips", Integer.toString(maxSkips), "use 0 or more");
        }
        skippable = Set.copyOf(new TreeSet<>(skippable));
    }

    /** @return the default policy: stop on every replication error */
    public static ErrorPolicy stop() {
        return new ErrorPolicy(Set.of(), 0);
    }

    /**
     * A policy that skips the events failing with the given error numbers, at most
     * {@value #DEFAULT_MAX_SKIPS} times (change with {@link #maxSkips(int)}).
     *
     * @param errorNumbers one or more MySQL error numbers, such as 1062
     * @return the policy
     * @throws InvalidInputException if no number is given or one is not positive
     */
    public static ErrorPolicy skip(int... errorNumbers) {
        if (errorNumbers == null || errorNumbers.length == 0) {
            throw new InvalidInputException("errorNumbers", null,
                    "name the errors to skip, such as ErrorPolicy.skip(1062); use ErrorPolicy.stop() to skip none");
        }
        return new ErrorPolicy(Arrays.stream(errorNumbers).boxed().collect(Collectors.toSet()), DEFAULT_MAX_SKIPS);
    }

    /**
     * Returns a copy with another skip limit.
     *
     * @param max how many events may be skipped in total, 0 or more
     * @return the new policy
     */
    public ErrorPolicy maxSkips(int max) {
        return new ErrorPolicy(skippable, max);
    }

    /**
     * Decides what to do about an error.
     *
     * @param error the replica's last SQL error
     * @param skippedSoFar how many events this policy already skipped
     * @return {@link Action#SKIP} if the error is listed and the limit is not reached, else {@link Action#STOP}
     */
    public Action decide(ReplicationError error, int skippedSoFar) {
        return skippable.contains(error.number()) && skippedSoFar < maxSkips ? Action.SKIP : Action.STOP;
    }

    /** @return such as {@code stop on every error} or {@code skip [1062] at most 100 times} */
    @Override
    public String toString() {
        return skippable.isEmpty() ? "stop on every error"
                : "skip " + new TreeSet<>(skippable) + " at most " + maxSkips + " times, stop on others";
    }
}
