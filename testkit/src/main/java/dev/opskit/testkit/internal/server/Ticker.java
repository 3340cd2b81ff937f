package dev.opskit.testkit.internal.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * What fires when in a LocalAws: one daemon thread reads the LocalAws clock every
 * {@link #PERIOD} and hands the reading to each service's tick (RDS starts the upgrades whose
 * maintenance window has begun, SSM fires its due maintenance windows). Polled rather than
 * scheduled for a computed instant because the clock may be virtual and jump ahead: a test that
 * advances it sees what became due fire within one period.
 *
 * <p>It also counts the work in flight that those ticks and the services' requests start (an RDS
 * transition, an SSM execution), so that {@link #awaitIdle} can wait for every one of them.
 * Thread-safe.
 */
public final class Ticker implements AutoCloseable {
    /** How often the clock is read. */
    public static final Duration PERIOD = Duration.ofMillis(20);
    private static final Logger LOG = LoggerFactory.getLogger(Ticker.class);

    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final List<Tick> ticks = new CopyOnWriteArrayList<>();
    private final Object idle = new Object();
    private int inFlight;

    private record Tick(String name, Consumer<Instant> task) {
    }

    /** @param clock the LocalAws clock */
    public Ticker(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder().threadNamePrefix("local-aws-ticker").daemonThreads(true).build());
        thread.scheduleWithFixedDelay(this::tick, PERIOD.toNanos(), PERIOD.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return the clock ticks read */
    public Clock clock() {
        return clock;
    }

    /**
     * Adds a task that runs on every tick with the clock's reading; a task that throws is logged and
     * runs again on the next tick.
     *
     * @param name what it does, for the log
     * @param task what to do
     */
    public void onTick(String name, Consumer<Instant> task) {
        ticks.add(new Tick(Objects.requireNonNull(name, "name"), Objects.requireNonNull(task, "task")));
    }

    /** Counts one piece of work in flight; call {@link #finished()} exactly once when it has ended. */
    public void started() {
        synchronized (idle) {
            inFlight++;
        }
    }

    /** Counts one piece of work started with {@link #started()} as ended. */
    public void finished() {
        synchronized (idle) {
            inFlight--;
            idle.notifyAll();
        }
    }

    /**
     * Runs a tick now, so that everything due at the clock's current reading has started, then
     * waits until no work is in flight.
     *
     * @param timeout how long to wait at most
     * @return true if idle, false if the timeout passed first (or the thread was interrupted)
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        tick();
        synchronized (idle) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** One reading of the clock for every task; never two at once. */
    private synchronized void tick() {
        if (thread.isShutdown()) {
            return;
        }
        Instant now = clock.instant();
        for (Tick t : ticks) {
            try {
                t.task().accept(now);
            } catch (RuntimeException e) {
                LOG.warn("LocalAws tick '{}' failed; it runs again on the next tick: {}", t.name(), e.toString());
            }
        }
    }

    /** Stops ticking. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
