package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.LocalRds;
import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.server.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.utils.CompletableFutureUtils;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The transition engine of the RDS emulation: a resource's move from one state to the next
 * ({@code creating} to {@code available}, {@code rebooting}, {@code upgrading}, ...). Its emulated
 * delay ({@link Timings}, real time) runs on a scheduler and its blocking server work (start,
 * restart, copy) on worker threads at the same time, outside the backend's lock; the state is
 * reached, under the lock, once both are over, so a transition takes the longer of the two
 * rather than their sum. Each is counted on LocalAws's {@link Ticker} while in flight, and
 * recorded once finished. Daemon threads.
 */
final class Transitions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transitions.class);
    /** How soon a transition that must wait for another resource looks again. */
    private static final Duration RETRY = Duration.ofMillis(50);

    private final Object lock;
    private final Ticker ticker;
    private final ScheduledExecutorService scheduler;
    /** Runs the real work of transitions (server start, restart, copy) while their emulated delay runs. */
    private final ExecutorService workers;
    private final List<LocalRds.Transition> finished = new ArrayList<>();

    /** What a transition does once its delay and its work are both over; runs under the backend's lock. */
    @FunctionalInterface
    interface Reach<T> {
        /**
         * @param result what the work returned (null without work or when it failed)
         * @param failure what the work threw, or null
         * @return the state reached, or null to look again shortly (something else must finish first)
         */
        String apply(T result, RuntimeException failure);
    }

    /**
     * @param lock the backend's lock, held while a transition reaches its state
     * @param ticker counts transitions in flight, for {@code awaitIdle}, and gives the clock
     */
    Transitions(Object lock, Ticker ticker) {
        this.lock = lock;
        this.ticker = ticker;
        this.scheduler = Executors.newScheduledThreadPool(3,
                new ThreadFactoryBuilder().threadNamePrefix("localaws-rds").daemonThreads(true).build());
        this.workers = Executors.newCachedThreadPool(
                new ThreadFactoryBuilder().threadNamePrefix("localaws-rds-work").daemonThreads(true).build());
    }

    /**
     * Starts a transition of one resource from {@code from}. Recorded in {@link #finished()} from
     * the request (now) to the state reached, unless {@code resourceId} is null (a change with no
     * state of its own).
     *
     * @param r the resource's account and region
     * @param type {@code db-cluster}, {@code db-instance} or {@code db-cluster-snapshot}
     * @param resourceId the resource, or null
     * @param from the state it leaves, or null
     * @param emulated the emulated delay
     * @param work the real work, run at the same time as the delay, or null
     * @param reach what to do once both are over
     */
    <T> void start(RdsModel r, String type, String resourceId, String from, Duration emulated, Supplier<T> work,
            Reach<T> reach) {
        long accepted = System.nanoTime();
        Instant acceptedAt = ticker.clock().instant();
        ticker.started();
        try {
            CompletableFuture<T> done = work == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.supplyAsync(work, workers);
            CompletableFuture<Void> delay = new CompletableFuture<>();
            scheduler.schedule(() -> delay.complete(null), emulated.toNanos(), TimeUnit.NANOSECONDS);
            Record rec = new Record(r, type, resourceId, from, emulated, accepted, acceptedAt);
            CompletableFuture.allOf(delay, done.handle((v, e) -> null))
                    // Never on the request's thread, which holds the lock: the answer shows the state left.
                    .thenRunAsync(() -> reach(rec, done, reach), scheduler);
        } catch (RejectedExecutionException e) {
            ticker.finished();
        }
    }

    /** The facts of a transition in flight that its record needs. */
    private record Record(RdsModel r, String type, String resourceId, String from, Duration emulated,
            long acceptedNanos, Instant acceptedAt) {
    }

    private <T> void reach(Record rec, CompletableFuture<T> done, Reach<T> reach) {
        T result = null;
        RuntimeException failure = null;
        try {
            result = CompletableFutureUtils.joinLikeSync(done);
        } catch (RuntimeException e) {
            failure = e;
        }
        String to;
        try {
            synchronized (lock) {
                to = reach.apply(result, failure);
            }
        } catch (RuntimeException e) {
            LOG.warn("An RDS transition failed: {}", e.toString());
            ticker.finished();
            return;
        }
        if (to == null) {
            try {
                scheduler.schedule(() -> reach(rec, done, reach), RETRY.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                ticker.finished();
            }
            return;
        }
        if (rec.resourceId() != null) {
            LocalRds.Transition t = new LocalRds.Transition(rec.r().account, rec.r().region, rec.type(),
                    rec.resourceId(), rec.from(), to, rec.acceptedAt(), rec.emulated(),
                    Duration.ofNanos(System.nanoTime() - rec.acceptedNanos()));
            synchronized (finished) {
                finished.add(t);
            }
        }
        ticker.finished();
    }

    /** @return every transition finished so far, in the order they finished */
    List<LocalRds.Transition> finished() {
        synchronized (finished) {
            return List.copyOf(finished);
        }
    }

    /** Sleeps inside a transition's work; an interrupt (LocalAws closing) ends the work. */
    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("LocalAws is closing", e);
        }
    }

    /** Stops every transition; the database servers belong to the data plane, which closes them. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
    }
}
