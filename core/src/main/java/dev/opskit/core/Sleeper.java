package dev.opskit.core;

import java.time.Duration;

/**
 * Waits for a while. Waiters and retry policies sleep through a {@code Sleeper} so that tests can
 * replace real sleeping with virtual time (see {@link VirtualTime}).
 *
 * <pre>{@code
 * Sleeper real = Sleeper.system();
 * real.sleep(Duration.ofSeconds(2));
 * }</pre>
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Sleeps for the given duration.
     *
     * @param duration how long, zero or more
     * @throws InterruptedException if the thread is interrupted while sleeping
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * The real sleeper, {@link Thread#sleep(long, int)}.
     *
     * @return a sleeper that blocks the current thread
     */
    static Sleeper system() {
        return duration -> {
            if (duration.isNegative() || duration.isZero()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted before sleeping");
                }
                return;
            }
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        };
    }
}
