package dev.opskit.rds;

import dev.opskit.core.OpsException;
import java.util.Optional;

/**
 * Replication stopped on an error that the {@link ErrorPolicy} does not skip. The message names
 * the error number, the table and the statement (passwords redacted), and what to do; the
 * replica is left stopped so that nothing is applied past the error.
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
        super(describe(targetClusterId, error), targetClusterId, status == null ? "stopped" : status.toString(), null);
        this.error = error;
        this.status = status;
    }

    private static String describe(String target, ReplicationError e) {
        StringBuilder b = new StringBuilder("Replication into '").append(target).append("' stopped on error ")
                .append(e.number());
        e.table().ifPresent(t -> b.append(" on table ").append(t));
        e.statement().ifPresent(s -> b.append(", statement: ").append(s));
        b.append(" (").append(e.message()).append("). ");
        if (e.isDuplicateKey()) {
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
