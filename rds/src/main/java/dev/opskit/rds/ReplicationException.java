package dev.opskit.rds;

import dev.opskit.core.OpsException;
import dev.opskit.rds.internal.replication.IoThreadErrors;
import java.util.Optional;

/**
 * Replication stopped on an error that the {@link ErrorPolicy} does not skip, or on an error of the
 * IO thread that waiting cannot heal (the source refuses the replication user, or no longer has
 * the binlog the replica needs). The message names the error number, the table and the statement
 * (passwords redacted), and what to do; the replica is left as it is, so that nothing is applied
 * past the error.
 *
 * <pre>{@code
 * try {
 *     handle.awaitCaughtUp(Duration.ofMinutes(10));
 * } catch (ReplicationException e) {
 *     System.out.println(e.error().number() + " on " + e.error().table().orElse("?"));
 * }
 * }</pre>
 */
public class ReplicationException extends OpsException {
    private static final long serialVersionUID = 1L;

    private final transient ReplicationError error;
    private final transient ReplicationStatus status;

    /**
     * @param targetClusterId the replica cluster
     * @param error the replica's error
     * @param status the replica's status when it was seen, or {@code null}
     */
    public ReplicationException(String targetClusterId, ReplicationError error, ReplicationStatus status) {
        super(describe(targetClusterId, error, status), targetClusterId, status == null ? "stopped" : status.toString(), null);
        this.error = error;
        this.status = status;
    }

    private static String describe(String target, ReplicationError e, ReplicationStatus status) {
        StringBuilder b = new StringBuilder("Replication into '").append(target).append("' stopped on error ")
                .append(e.number());
        e.table().ifPresent(t -> b.append(" on table ").append(t));
        e.statement().ifPresent(s -> b.append(", statement: ").append(s));
        b.append(" (").append(e.message()).append("). ");
        String user = status == null || status.sourceUser().isEmpty() ? "the replication user"
                : "replication user '" + status.sourceUser() + "'";
        String source = status == null || status.sourceHost().isEmpty() ? "the source"
                : "the source " + status.sourceHost() + ":" + status.sourcePort();
        if (IoThreadErrors.deniesAccess(e.number())) {
            b.append(source).append(" refuses ").append(user).append(": the password the target holds no longer"
                    + " matches that user's password on the source (or the user's host or grants changed), and"
                    + " waiting will not fix it. Call start() again, with replicationPassword(...) set to the password"
                    + " to use, or without it to set a freshly generated one: start() sets it on the source's user and"
                    + " points the target at the source again from the position it executed.");
        } else if (IoThreadErrors.binlogGone(e.number())) {
            b.append(source).append(" no longer has the binlog the target needs (purged before the target read it):"
                    + " waiting or skipping cannot bring it back. Raise binlogRetentionHours(...) so the source keeps"
                    + " its binlog longer than the target lags, then teardown(true) and start() again to clone anew.");
        } else if (status != null && status.lastIoError().filter(e::equals).isPresent()
                && status.lastSqlError().isEmpty()) {
            b.append("The target's IO thread cannot read from ").append(source).append(": fix the cause the message"
                    + " names, then call start() again.");
        } else if (e.isDuplicateKey()) {
            b.append("The row already exists on the target: fix the row there and start replication again, or "
                    + "run with errorPolicy(ErrorPolicy.skip(1062)) and verify() afterwards.");
        } else {
            b.append("Fix the cause on the target, then call start() again; to skip such events use "
                    + "errorPolicy(ErrorPolicy.skip(").append(e.number()).append(")) and verify() afterwards.");
        }
        return b.toString();
    }

    /** @return the replica's error */
    public ReplicationError error() {
        return error;
    }

    /** @return the replica's status when the error was seen, if known */
    public Optional<ReplicationStatus> status() {
        return Optional.ofNullable(status);
    }
}
