package dev.opskit.rds.internal.verify;

import dev.opskit.core.WrongStateException;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import dev.opskit.rds.ReplicationStatus;
import dev.opskit.rds.internal.jdbc.ConnectionPool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for a replica by polling its status until its executed position (in the source's binlog)
 * has passed a position read on the source. Polls start at 20 ms and double up to 500 ms: the
 * check waits for a few events in the common case and should not sleep longer than that. A
 * bounded wait ({@link #awaitExecuted(BinlogPosition, Duration)}, made while a row is locked on
 * the source) polls from 5 ms up to 40 ms, and gives up quietly.
 */
public final class JdbcReplicaSync implements ReplicaSync {
    /** Sleeps; replaced in tests. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Supplier<Optional<BinlogPosition>> sourcePosition;
    private final Supplier<Optional<ReplicationStatus>> replicaStatus;
    private final String replicaName;
    private final Duration timeout;
    private final Clock clock;
    private final Sleeper sleeper;

    public JdbcReplicaSync(Supplier<Optional<BinlogPosition>> sourcePosition,
                           Supplier<Optional<ReplicationStatus>> replicaStatus, String replicaName,
                           Duration timeout, Clock clock, Sleeper sleeper) {
        this.sourcePosition = sourcePosition;
        this.replicaStatus = replicaStatus;
        this.replicaName = replicaName;
        this.timeout = timeout;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public static JdbcReplicaSync between(ConnectionPool source, EngineDialect sourceDialect,
                                          ConnectionPool replica, EngineDialect replicaDialect, Duration timeout) {
        return new JdbcReplicaSync(() -> source.binlogPosition(sourceDialect),
                () -> replica.replicaStatus(replicaDialect), replica.endpoint().toString(),
                timeout, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    @Override
    public Optional<BinlogPosition> sourcePosition() {
        return sourcePosition.get();
    }

    @Override
    public void awaitExecuted(BinlogPosition position) {
        await(position, timeout, true);
    }

    @Override
    public boolean awaitExecuted(BinlogPosition position, Duration atMost) {
        return await(position, atMost.compareTo(timeout) < 0 ? atMost : timeout, false);
    }

    private boolean await(BinlogPosition position, Duration limit, boolean failOnTimeout) {
        Instant start = clock.instant();
        Instant deadline = start.plus(limit);
        // A bounded wait is the one made while holding a lock on the source: poll it closely.
        Duration pause = Duration.ofMillis(failOnTimeout ? 20 : 5);
        Duration maxPause = Duration.ofMillis(failOnTimeout ? 500 : 40);
        int attempts = 0;
        Optional<ReplicationStatus> last = Optional.empty();
        while (true) {
            attempts++;
            last = replicaStatus.get();
            if (last.isPresent() && last.get().hasExecuted(position)) {
                return true;
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                if (!failOnTimeout) {
                    return false;
                }
                Duration elapsed = Duration.between(start, now);
                String state = last.map(ReplicationStatus::toString).orElse("not a replica");
                throw new WrongStateException(replicaName, state, "Replica " + replicaName
                        + " did not execute up to source position " + position + " within " + limit
                        + " (" + attempts + " polls over " + elapsed.toMillis() + " ms); last status: " + state
                        + ". Start replication or fix its error, or raise the catch-up timeout, and verify again");
            }
            try {
                Duration left = Duration.between(now, deadline);
                sleeper.sleep(pause.compareTo(left) < 0 ? pause : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WrongStateException(replicaName, last.map(ReplicationStatus::toString).orElse("unknown"),
                        "Interrupted while waiting for replica " + replicaName + " to reach " + position, e);
            }
            pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
        }
    }
}
