package dev.opskit.rds.internal.verify;

import dev.opskit.core.Backoff;
import dev.opskit.core.Sleeper;
import dev.opskit.core.WaitTimeoutException;
import dev.opskit.core.Waiter;
import dev.opskit.core.event.EventBus;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ReplicationStatus;
import dev.opskit.rds.internal.jdbc.ConnectionPool;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for a replica, on core's {@link Waiter}, by polling its status until its executed
 * position (in the source's binlog) has passed a position read on the source. Polls start at
 * 20 ms and double up to 500 ms (equal jitter): the check waits for a few events in the common
 * case and should not sleep longer than that; the wait ends at the catch-up timeout with a
 * {@link WaitTimeoutException} naming the replica's last status. A bounded wait
 * ({@link #awaitExecuted(BinlogPosition, Duration)}, made while a row is locked on the source)
 * polls from 5 ms up to 40 ms without jitter, so the lock is held no longer than needed, and
 * gives up quietly. Each attempt publishes a {@code Waiting} event when a bus is given.
 */
public final class JdbcReplicaSync implements ReplicaSync {
    private static final Backoff CATCH_UP = Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(500));
    private static final Backoff UNDER_LOCK = Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(40))
            .withJitter(Backoff.Jitter.NONE);

    private final Supplier<Optional<BinlogPosition>> sourcePosition;
    private final Supplier<Optional<ReplicationStatus>> replicaStatus;
    private final String replicaName;
    private final Duration timeout;
    private final Clock clock;
    private final Sleeper sleeper;
    private final EventBus events;

    /**
     * @param replicaName the replica for messages, such as {@code admin@127.0.0.1:3307}
     * @param timeout how long {@link #awaitExecuted(BinlogPosition)} waits at most
     * @param events where {@code Waiting} events go, or {@code null}
     */
    public JdbcReplicaSync(Supplier<Optional<BinlogPosition>> sourcePosition,
                           Supplier<Optional<ReplicationStatus>> replicaStatus, String replicaName,
                           Duration timeout, Clock clock, Sleeper sleeper, EventBus events) {
        this.sourcePosition = sourcePosition;
        this.replicaStatus = replicaStatus;
        this.replicaName = replicaName;
        this.timeout = timeout;
        this.clock = clock;
        this.sleeper = sleeper;
        this.events = events;
    }

    public static JdbcReplicaSync between(ConnectionPool source, EngineDialect sourceDialect,
                                          ConnectionPool replica, EngineDialect replicaDialect, Duration timeout,
                                          EventBus events) {
        return new JdbcReplicaSync(() -> source.binlogPosition(sourceDialect),
                () -> replica.replicaStatus(replicaDialect), replica.endpoint().toString(),
                timeout, Clock.systemUTC(), Sleeper.system(), events);
    }

    @Override
    public Optional<BinlogPosition> sourcePosition() {
        return sourcePosition.get();
    }

    /**
     * @throws WaitTimeoutException if the replica has not executed up to the position within the
     *     catch-up timeout
     */
    @Override
    public void awaitExecuted(BinlogPosition position) {
        waiter(position, timeout, CATCH_UP).await();
    }

    @Override
    public boolean awaitExecuted(BinlogPosition position, Duration atMost) {
        try {
            waiter(position, atMost.compareTo(timeout) < 0 ? atMost : timeout, UNDER_LOCK).await();
            return true;
        } catch (WaitTimeoutException e) {
            return false;
        }
    }

    private Waiter.Builder<Optional<ReplicationStatus>> waiter(BinlogPosition position, Duration limit,
                                                              Backoff backoff) {
        Waiter.Builder<Optional<ReplicationStatus>> w = Waiter.forResource("replica " + replicaName)
                .waitingFor("executed up to source position " + position)
                .poll(replicaStatus)
                .state(s -> s.map(ReplicationStatus::toString).orElse("not a replica"))
                .succeedWhen(s -> s.isPresent() && s.get().hasExecuted(position))
                .deadline(limit)
                .backoff(backoff)
                .clock(clock)
                .sleeper(sleeper);
        return events == null ? w : w.events(events, null, "verify");
    }
}
