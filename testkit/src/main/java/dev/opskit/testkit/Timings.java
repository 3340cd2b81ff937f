package dev.opskit.testkit;

import dev.opskit.core.InvalidInputException;

import java.time.Duration;

/**
 * How long each emulated RDS transition takes in {@code LocalAws}: the time a resource spends in
 * {@code creating}, {@code rebooting}, {@code modifying}, {@code upgrading} or {@code deleting}
 * before it reaches its next state. Real AWS takes minutes; these are compressed so that a
 * rehearsal runs in seconds while still showing every intermediate state. Starting, restarting
 * and cloning the local database servers happens during that time, so a transition lasts the
 * longer of the two: its duration here, or the real work when that takes longer (a large clone).
 * {@link LocalRds#transitions()} tells how long each one actually took.
 *
 * <pre>{@code
 * Timings fast = Timings.defaults();              // a cluster and its writer in about 2 s
 * Timings slow = Timings.defaults().scaled(10);   // to watch the states go by
 * Timings none = Timings.instant();               // unit tests
 * }</pre>
 *
 * @param clusterCreate a new DB cluster in {@code creating}
 * @param instanceCreate a new DB instance in {@code creating}
 * @param reboot a DB instance in {@code rebooting}
 * @param modify a DB cluster in {@code modifying}, and parameter changes in {@code applying}
 * @param cloneCreate a copy-on-write or full-copy restore in {@code creating}
 * @param snapshot a DB cluster snapshot in {@code creating}
 * @param upgrade a DB cluster in {@code upgrading} for an engine version change
 * @param delete a DB cluster or instance in {@code deleting}
 */
public record Timings(Duration clusterCreate, Duration instanceCreate, Duration reboot, Duration modify,
        Duration cloneCreate, Duration snapshot, Duration upgrade, Duration delete) {

    /** Checks that every duration is present and not negative. */
    public Timings {
        check("clusterCreate", clusterCreate);
        check("instanceCreate", instanceCreate);
        check("reboot", reboot);
        check("modify", modify);
        check("cloneCreate", cloneCreate);
        check("snapshot", snapshot);
        check("upgrade", upgrade);
        check("delete", delete);
    }

    /**
     * Short durations that still let a poller see each intermediate state: 400 ms to create a
     * cluster, 600 ms to create an instance, 300 ms for reboots, modifications and deletions,
     * 500 ms for clones and snapshots, 800 ms for upgrades.
     *
     * @return the default timings
     */
    public static Timings defaults() {
        return new Timings(Duration.ofMillis(400), Duration.ofMillis(600), Duration.ofMillis(300),
                Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(800),
                Duration.ofMillis(300));
    }

    /**
     * Every transition as soon as possible (still asynchronous, as in AWS); for unit tests.
     *
     * @return timings that are all zero
     */
    public static Timings instant() {
        return new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /**
     * Every duration multiplied by a factor, e.g. {@code scaled(10)} to watch states go by.
     *
     * @param factor a finite number, at least 0
     * @return the scaled timings
     * @throws InvalidInputException if the factor is negative, infinite or NaN
     */
    public Timings scaled(double factor) {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new InvalidInputException("factor", Double.toString(factor),
                    "pass a finite factor of 0 or more, e.g. 10 to make every transition ten times longer");
        }
        return new Timings(scale(clusterCreate, factor), scale(instanceCreate, factor), scale(reboot, factor),
                scale(modify, factor), scale(cloneCreate, factor), scale(snapshot, factor), scale(upgrade, factor),
                scale(delete, factor));
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofNanos(Math.round(d.toNanos() * factor));
    }

    private static void check(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new InvalidInputException(name, d == null ? null : d.toString(),
                    "pass a duration of zero or more, e.g. Duration.ofMillis(300)");
        }
    }
}
