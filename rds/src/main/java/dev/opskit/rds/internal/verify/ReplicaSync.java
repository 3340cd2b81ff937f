package dev.opskit.rds.internal.verify;

import dev.opskit.rds.BinlogPosition;
import java.time.Duration;
import java.util.Optional;

/**
 * Lets the check wait for a replica: reads the source's current binlog position and waits until
 * the replica has executed up to it.
 */
public interface ReplicaSync {
    /** @return the source's current binlog position, empty if there is nothing to wait for */
    Optional<BinlogPosition> sourcePosition();

    /**
     * Waits until the replica has executed up to the position.
     *
     * @throws dev.opskit.core.WaitTimeoutException if it does not within the deadline
     */
    void awaitExecuted(BinlogPosition position);

    /**
     * Waits until the replica has executed up to the position, for at most {@code atMost}. The
     * default waits as {@link #awaitExecuted(BinlogPosition)} does, which suits a sync with
     * nothing to wait for.
     *
     * @return whether it did in time
     */
    default boolean awaitExecuted(BinlogPosition position, Duration atMost) {
        awaitExecuted(position);
        return true;
    }

    /** @return a sync for a target that does not replicate: nothing to wait for, never re-check */
    static ReplicaSync none() {
        return new ReplicaSync() {
            @Override
            public Optional<BinlogPosition> sourcePosition() {
                return Optional.empty();
            }

            @Override
            public void awaitExecuted(BinlogPosition position) {
                // nothing replicates, nothing to wait for
            }
        };
    }
}
