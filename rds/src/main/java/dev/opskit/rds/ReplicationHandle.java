package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.WrongStateException;
import dev.opskit.rds.internal.replication.ReplicationSession;
import dev.opskit.rds.internal.replication.ReplicationSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A running binlog replication from a source cluster into a target cluster, returned by
 * {@link ReplicationSetup#start()}. Watch it ({@link #status()}, {@link #awaitCaughtUp(Duration)}),
 * check it ({@link #verify()}), and end it ({@link #cutover()} or {@link #teardown(boolean)}).
 * Closing the handle closes its database pools; replication itself goes on until cut over or torn
 * down. Closing twice is fine.
 *
 * <pre>{@code
 * try (ReplicationHandle h = setup.start()) {
 *     h.awaitCaughtUp(Duration.ofMinutes(30));
 *     VerificationReport r = h.verify();
 *     if (r.identical()) {
 *         // stop writes on the source, then:
 *         System.out.println(h.cutover());
 *     }
 * }
 * }</pre>
 */
public final class ReplicationHandle implements AutoCloseable {
    private final ReplicationSession session;
    private final ReplicationSettings settings;
    private final AwsContext ownedContext;

    ReplicationHandle(ReplicationSession session, ReplicationSettings settings, AwsContext ownedContext) {
        this.session = session;
        this.settings = settings;
        this.ownedContext = ownedContext;
    }

    /** @return the source cluster id */
    public String sourceClusterId() {
        return settings.sourceId();
    }

    /** @return the target (clone) cluster id */
    public String targetClusterId() {
        return settings.targetId();
    }

    /**
     * @return the source binlog position replication started at; {@code null} when the target
     *     already replicated before this run (a resumed run does not need it)
     */
    public BinlogPosition startPosition() {
        return session.startPosition();
    }

    /**
     * Reads the target's replication status now.
     *
     * @return IO/SQL thread state, lag, positions in the source's binlog, last errors
     * @throws WrongStateException if the target no longer has replication configured
     */
    public ReplicationStatus status() {
        return session.status();
    }

    /**
     * Waits until the target has no lag and has executed at least the source's binlog position
     * at the start of this call. Replication errors go through the {@link ErrorPolicy}: skipped
     * events are published as warnings and make {@link #verificationOwed()} true; any other error
     * ends the wait. While the IO thread retries to connect (the source restarts, say) the wait goes
     * on; when it cannot heal that way (the source refuses the replication user, error 1045, or
     * purged the binlog the target needs, error 1236) the wait ends at once, saying what to do.
     *
     * @param timeout how long to wait at most
     * @return the status that showed the target caught up
     * @throws ReplicationException on an error the policy does not skip (replication stays stopped),
     *     or on an IO-thread error that waiting cannot heal
     * @throws dev.opskit.core.WaitTimeoutException if the target did not catch up in time
     */
    public ReplicationStatus awaitCaughtUp(Duration timeout) {
        checkTimeout(timeout);
        try {
            return session.awaitCaughtUp(timeout);
        } catch (ReplicationSession.Stopped e) {
            throw new ReplicationException(settings.targetId(), e.error, e.status);
        }
    }

    /**
     * Compares source and target table by table (see {@link ConsistencyCheck}). A table is
     * first compared whole with {@code CHECKSUM TABLE} on both servers when their versions and
     * the table's definition match and the source is not moving; otherwise, and whenever those
     * checksums differ, it is compared in primary-key chunks (row counts and checksums;
     * NULL-safe, any key type), and only the chunks decide what is reported as different. Chunks
     * that differ while the source is being written are checked again, row by row, once the
     * target has caught up with them, and a row that differed every time is read once more under
     * a shared lock on the source, so only real differences are reported. Clears
     * {@link #verificationOwed()} when everything is identical.
     *
     * @return per table: row counts and the differing chunks with their key ranges
     */
    public VerificationReport verify() {
        return verify(UnaryOperator.identity());
    }

    /**
     * Like {@link #verify()}, with options of the check set first.
     *
     * <pre>{@code
     * handle.verify(check -> check.excludeSchemas("scratch").chunkSize(50_000).confirmUnderLock(false));
     * }</pre>
     *
     * @param options sets options on the check between this source and target, and returns it
     * @return per table: row counts and the differing chunks with their key ranges
     * @throws InvalidInputException if {@code options} is null or returns null, or sets an invalid option
     */
    public VerificationReport verify(UnaryOperator<ConsistencyCheck> options) {
        if (options == null) {
            throw new InvalidInputException("options", null, "pass a function that sets options, e.g. c -> c.chunkSize(50_000)");
        }
        ConsistencyCheck check = options.apply(ConsistencyCheck
                .between(session.source().pool().endpoint(), session.target().pool().endpoint())
                .events(session.events().bus()));
        if (check == null) {
            throw new InvalidInputException("options", null, "return the check from the options function");
        }
        VerificationReport report = check.run();
        session.verified(report);
        return report;
    }

    /**
     * @return whether an event was skipped under the error policy since the last identical
     *     {@link #verify()}, so the copy may differ
     */
    public boolean verificationOwed() {
        return session.verificationOwed();
    }

    /** @return how many replication events the error policy skipped so far */
    public int skippedEvents() {
        return session.skippedEvents();
    }

    /**
     * Ends replication for a switch to the target: waits until the target's lag is 0 and stays 0
     * with no new writes on the source (stop the writers first), stops replication and resets the
     * target's external source. Waits at most the setup's deadline.
     *
     * @return the final positions
     * @throws ReplicationException on a replication error the policy does not skip
     */
    public ReplicationCutover cutover() {
        long start = System.nanoTime();
        try {
            BinlogPosition[] p = session.cutover(settings.deadline(), Duration.ofMillis(500));
            return new ReplicationCutover(p[0], p[1], session.skippedEvents(), Duration.ofNanos(System.nanoTime() - start));
        } catch (ReplicationSession.Stopped e) {
            throw new ReplicationException(settings.targetId(), e.error, e.status);
        }
    }

    /**
     * Abandons replication: stops it and resets the target's external source, and deletes the
     * clone (its instances and the cluster, without a final snapshot) if asked and if this
     * runbook created it by cloning.
     *
     * @param deleteClone whether to delete the clone cluster
     */
    public void teardown(boolean deleteClone) {
        session.teardown(deleteClone);
    }

    /** Closes the database pools (and the AWS context if the runbook created it). Idempotent. */
    @Override
    public void close() {
        session.close();
        if (ownedContext != null) {
            ownedContext.close();
        }
    }

    @Override
    public String toString() {
        return "ReplicationHandle[" + settings.sourceId() + " -> " + settings.targetId() + ", skipped="
                + session.skippedEvents() + (session.verificationOwed() ? ", verification owed" : "") + "]";
    }

    private static void checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidInputException("timeout", timeout.toString(), "pass a positive duration");
        }
    }
}
