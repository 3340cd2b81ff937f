package dev.opskit.rds.internal.replication;

import dev.opskit.rds.ReplicationError;
import dev.opskit.rds.ReplicationStatus;
import java.util.Optional;
import java.util.Set;

/**
 * Which errors of a replica's IO thread waiting can heal. While the IO thread is
 * {@code Connecting} the server retries by itself, which helps when the source was unreachable
 * (restarting, network) but never when the source refuses the replication user or no longer has
 * the binlog the replica needs: those end a wait at once, with what to do.
 */
public final class IoThreadErrors {
    /**
     * The source refuses the replication account: access denied (1045, 1044), host not allowed
     * (1130), privilege missing (1227), authentication plugin the replica cannot use (1251) or that
     * needs TLS (2061).
     */
    private static final Set<Integer> ACCESS = Set.of(1044, 1045, 1130, 1227, 1251, 2061);
    /**
     * The source cannot send the binlog from where the replica is: fatal error reading the binlog,
     * usually a purged file (1236 up to MySQL 8.0.21, 13114 from 8.0.22).
     */
    private static final Set<Integer> BINLOG_GONE = Set.of(1236, 13114);
    /**
     * Also fatal for the IO thread: equal server ids or UUIDs (1593), master info or relay log
     * that cannot be initialised or written (1201, 1595, 1872).
     */
    private static final Set<Integer> OTHER_FATAL = Set.of(1201, 1593, 1595, 1872);

    private IoThreadErrors() {
    }

    /** @return whether the source refuses the replication account (wrong password, host, grants) */
    public static boolean deniesAccess(int number) {
        return ACCESS.contains(number);
    }

    /** @return whether the source no longer has the binlog the replica needs */
    public static boolean binlogGone(int number) {
        return BINLOG_GONE.contains(number);
    }

    /**
     * Whether the IO thread may recover by itself while it retries: every error but those known to
     * need a change (an unknown one is given the benefit of the doubt until the deadline).
     */
    public static boolean healsByWaiting(int number) {
        return !deniesAccess(number) && !binlogGone(number) && !OTHER_FATAL.contains(number);
    }

    /**
     * The IO-thread error that ends a wait: one while the thread has stopped ({@code No}), or one
     * that cannot heal while it retries ({@code Connecting}). A running thread's last error is
     * history.
     */
    public static Optional<ReplicationError> ending(ReplicationStatus s) {
        if (s.ioThreadRunning() || s.lastIoError().isEmpty()) {
            return Optional.empty();
        }
        ReplicationError e = s.lastIoError().get();
        boolean retrying = "Connecting".equalsIgnoreCase(s.ioRunning());
        return retrying && healsByWaiting(e.number()) ? Optional.empty() : Optional.of(e);
    }

    /** Whether a replica's IO thread is kept out by the source (it retries, in vain, as its account is refused). */
    public static boolean deniedAccess(ReplicationStatus s) {
        return !s.ioThreadRunning() && s.lastIoError().map(e -> deniesAccess(e.number())).orElse(false);
    }
}
