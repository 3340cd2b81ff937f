package dev.opskit.testkit.internal.ssm;

import dev.opskit.core.schedule.ScheduleExpression;
import dev.opskit.testkit.internal.server.Ticker;
import dev.opskit.testkit.internal.ssm.SsmModel.Execution;
import dev.opskit.testkit.internal.ssm.SsmModel.Scope;
import dev.opskit.testkit.internal.ssm.SsmModel.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * When maintenance windows fire, and their executions: on each tick of LocalAws's {@link Ticker}
 * every enabled window whose next fire time has come gets an execution (or one that is
 * {@code SKIPPED_OVERLAPPING} while the previous one still runs), which runs on its own daemon
 * thread. A fire that a clock jump skipped over is not replayed: the next fire is computed from
 * the current time, as when SSM misses a window during an outage. Executions count as work in
 * flight on the ticker until they end.
 */
final class WindowScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WindowScheduler.class);

    private final SsmService lock;
    private final Ticker ticker;
    private final CommandRunner commands;
    private final ExecutorService runners;

    /**
     * @param lock the service, whose monitor guards the windows
     * @param ticker ticks this scheduler and counts its executions in flight
     * @param commands runs the Run Command invocations
     */
    WindowScheduler(SsmService lock, Ticker ticker, CommandRunner commands) {
        this.lock = lock;
        this.ticker = ticker;
        this.commands = commands;
        this.runners = Executors.newCachedThreadPool(
                new ThreadFactoryBuilder().threadNamePrefix("local-ssm-execution").daemonThreads(true).build());
    }

    /**
     * The first time a window fires after {@code after}: on its schedule in its time zone, from its
     * start date on, never after its end date.
     *
     * @return the time, or null when it fires no more
     */
    static Instant nextFire(Window w, Instant after) {
        Instant from = after;
        if (w.start != null && from.isBefore(w.start)) {
            from = w.start.minusNanos(1);
        }
        Instant next;
        if (w.offset != null) {
            Duration shift = Duration.ofDays(w.offset);
            next = w.schedule.nextAfter(from.minus(shift), w.zone, w.anchor).map(i -> i.plus(shift)).orElse(null);
        } else if (w.schedule instanceof ScheduleExpression.Rate) {
            // A rate fires one period after its anchor, not at it.
            next = w.schedule.nextAfter(from.isBefore(w.anchor) ? w.anchor : from, w.zone, w.anchor).orElse(null);
        } else {
            next = w.schedule.nextAfter(from, w.zone, w.anchor).orElse(null);
        }
        if (next != null && w.end != null && next.isAfter(w.end)) {
            return null;
        }
        return next;
    }

    /** Fires every window due at {@code now} and starts its execution; a tick of the ticker. */
    void fireDue(Collection<Scope> scopes, Instant now) {
        List<Map.Entry<Window, Execution>> due = new ArrayList<>();
        synchronized (lock) {
            for (Scope s : scopes) {
                for (Window w : s.windows.values()) {
                    if (w.next == null || w.next.isAfter(now)) {
                        continue;
                    }
                    Instant fired = w.next;
                    w.next = w.schedule.oneTime() ? null : nextFire(w, now);
                    if (!w.enabled) {
                        continue;
                    }
                    Execution e = new Execution(UUID.randomUUID().toString(), w.id);
                    e.startTime = now;
                    boolean running = w.executions.stream().anyMatch(x -> x.status.equals("IN_PROGRESS")
                            || x.status.equals("PENDING"));
                    w.executions.add(e);
                    if (running) {
                        e.status = "SKIPPED_OVERLAPPING";
                        e.statusDetails = "The previous execution of this maintenance window is still in progress.";
                        e.endTime = now;
                    } else {
                        e.status = "PENDING";
                        // Counted from here, so that awaitIdle after a tick sees it as in flight.
                        ticker.started();
                        due.add(Map.entry(w, e));
                    }
                    LOG.debug("maintenance window {} fired for {} at {}", w.id, fired, now);
                }
            }
        }
        for (Map.Entry<Window, Execution> d : due) {
            run(d.getKey(), d.getValue());
        }
    }

    private void run(Window w, Execution e) {
        Clock clock = ticker.clock();
        try {
            runners.execute(() -> {
                try {
                    new ExecutionRun(lock, w, e, commands, clock).run();
                } finally {
                    ticker.finished();
                }
            });
        } catch (RejectedExecutionException closing) {
            ticker.finished();
        }
    }

    /** Stops the running executions: their threads are interrupted. */
    @Override
    public void close() {
        runners.shutdownNow();
    }

    /** Waits until every execution stopped by {@link #close()} has ended. */
    void awaitStopped(Duration timeout) {
        try {
            runners.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
