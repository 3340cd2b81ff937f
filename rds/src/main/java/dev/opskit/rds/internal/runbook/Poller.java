package dev.opskit.rds.internal.runbook;

import dev.opskit.core.Backoff;
import dev.opskit.core.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The runbook's waits, on core's {@link Waiter}, with a delay schedule that grows with the time
 * already waited (2.5% of it, between a floor and a cap, equal jitter): a short emulated
 * transition is seen within milliseconds, a long real one is polled every few seconds, and the
 * time lost after the condition became true is on average about 1% of the wait either way (half
 * a delay of 2.5%, less the jitter). Against real AWS (1 s floor, 10 s cap, see
 * {@code Run.pollingFloor}) a 10-minute wait makes about 150 describe calls: one a second for the
 * first 40 s, then fewer, then one per 10 s; against LocalAws (5 ms floor) the first 200 ms are
 * polled every 5 ms.
 */
public final class Poller {
    private final Backoff backoff;
    private final Duration deadline;
    private final Events events;

    public Poller(Duration floor, Duration cap, Duration deadline, Events events) {
        this.backoff = proportional(floor, cap);
        this.deadline = deadline;
        this.events = events;
    }

    public static Backoff proportional(Duration floor, Duration cap) {
        List<Duration> delays = new ArrayList<>();
        long elapsed = 0;
        long d = floor.toMillis();
        while (d < cap.toMillis() && delays.size() < 600) {
            delays.add(Duration.ofMillis(d));
            elapsed += d;
            d = Math.max(floor.toMillis(), elapsed / 40);
        }
        delays.add(cap);
        return Backoff.schedule(delays.toArray(Duration[]::new)).withJitter(Backoff.Jitter.EQUAL);
    }

    /** What one look at the resource found. */
    public record Look<T>(Outcome outcome, String state, T value) {
        public static <T> Look<T> done(String state, T value) {
            return new Look<>(Outcome.DONE, state, value);
        }

        public static <T> Look<T> pending(String state) {
            return new Look<>(Outcome.PENDING, state, null);
        }

        public static <T> Look<T> failed(String state) {
            return new Look<>(Outcome.FAILED, state, null);
        }
    }

    /** Done, keep waiting, or a terminal state that will never turn into done. */
    public enum Outcome { DONE, PENDING, FAILED }

    /**
     * Waits for {@code what} on {@code resource}, publishing a Waiting event per attempt.
     *
     * @throws dev.opskit.core.WaitFailedException on a terminal state
     * @throws dev.opskit.core.WaitTimeoutException at the deadline
     */
    public <T> T await(String what, String resource, String step, Supplier<Look<T>> look) {
        Waiter.Builder<Look<T>> w = Waiter.forResource(resource).waitingFor(what).poll(look)
                .state(Look::state)
                .failWhen(l -> l.outcome() == Outcome.FAILED,
                        l -> "it reached '" + l.state() + "', which waiting will not change; fix it and run again")
                .succeedWhen(l -> l.outcome() == Outcome.DONE)
                .deadline(deadline)
                .backoff(backoff);
        if (events != null) {
            w.events(events.bus(), events.runbookId(), step);
        }
        return w.await().value();
    }
}
