package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import java.util.Objects;

/**
 * The Aurora MySQL clone + binlog replication runbook: turn binary logging on at the source,
 * create a replication user, set binlog retention, clone the cluster, read the clone's start
 * position from its RDS events, point the clone at the source and start replication. Every step
 * observes before it acts, so {@link ReplicationSetup#start()} is safe to call again after a
 * crash: it resumes and never duplicates a clone, user or parameter group.
 *
 * <pre>{@code
 * try (ReplicationHandle h = Replication.from("orders", ctx)
 *         .cloneTo("orders-next")
 *         .masterPassword(Secret.of(System.getenv("DB_PASSWORD")))
 *         .binlogRetentionHours(72)
 *         .listener(e -> System.out.println(e.message()))
 *         .start()) {
 *     h.awaitCaughtUp(Duration.ofMinutes(30));
 *     System.out.println(h.verify().summary());
 *     System.out.println(h.cutover());
 * }
 * }</pre>
 */
public final class Replication {
    private final String sourceId;
    private final AwsContext context;

    private Replication(String sourceId, AwsContext context) {
        this.sourceId = sourceId;
        this.context = context;
    }

    /**
     * Starts a replication runbook from a source cluster, with the SDK's default credentials and
     * region ({@link AwsContext#defaults()}, created when the runbook starts and closed with the
     * handle).
     *
     * <pre>{@code
     * Replication.from("orders").cloneTo("orders-next").masterPassword(pw).plan();
     * }</pre>
     *
     * @param sourceClusterId the Aurora MySQL DB cluster to replicate from
     * @return the source step; choose a target next
     * @throws InvalidInputException if the id is blank
     */
    public static Replication from(String sourceClusterId) {
        return new Replication(checkId(sourceClusterId), null);
    }

    /**
     * Starts a replication runbook from a source cluster, with calls going where a context says
     * (another account, region, or {@code LocalAws}).
     *
     * <pre>{@code
     * Replication.from("orders", localAws.context()).cloneTo("orders-next")...
     * }</pre>
     *
     * @param sourceClusterId the Aurora MySQL DB cluster to replicate from
     * @param context where and as whom AWS calls go; the handle does not close it
     * @return the source step; choose a target next
     * @throws InvalidInputException if the id is blank
     */
    public static Replication from(String sourceClusterId, AwsContext context) {
        return new Replication(checkId(sourceClusterId), Objects.requireNonNull(context, "context"));
    }

    /**
     * Replicates into a new copy-on-write clone of the source (reused if it already exists and
     * is a clone of this source).
     *
     * @param cloneClusterId the id for the clone
     * @return the options; finish with {@link ReplicationSetup#start()} or {@link ReplicationSetup#plan()}
     */
    public ReplicationSetup cloneTo(String cloneClusterId) {
        return new ReplicationSetup(sourceId, checkId(cloneClusterId), true, null, context);
    }

    /**
     * Replicates into a cluster that already exists and already holds the source's data as of a
     * known binlog position (say, restored from a snapshot whose position you noted).
     *
     * @param existingClusterId the target cluster
     * @return the next step: the position to start at
     */
    public ExistingTarget to(String existingClusterId) {
        return new ExistingTarget(sourceId, checkId(existingClusterId), context);
    }

    /** @return the source cluster id */
    public String sourceClusterId() {
        return sourceId;
    }

    @Override
    public String toString() {
        return "Replication.from(" + sourceId + ")";
    }

    /**
     * An existing target cluster; say where in the source's binlog its data stops.
     *
     * <pre>{@code
     * Replication.from("orders").to("orders-restored")
     *         .startingAt(BinlogPosition.parse("mysql-bin-changelog.000042 154"))
     *         .masterPassword(pw).start();
     * }</pre>
     */
    public static final class ExistingTarget {
        private final String sourceId;
        private final String targetId;
        private final AwsContext context;

        private ExistingTarget(String sourceId, String targetId, AwsContext context) {
            this.sourceId = sourceId;
            this.targetId = targetId;
            this.context = context;
        }

        /**
         * @param position the source binlog position the target's data matches
         * @return the options; finish with {@link ReplicationSetup#start()} or {@link ReplicationSetup#plan()}
         */
        public ReplicationSetup startingAt(BinlogPosition position) {
            if (position == null) {
                throw new InvalidInputException("startingAt", null,
                        "pass the source binlog position the target's data matches, e.g. BinlogPosition.parse(\"mysql-bin-changelog.000002 154\")");
            }
            return new ReplicationSetup(sourceId, targetId, false, position, context);
        }

        @Override
        public String toString() {
            return "Replication.from(" + sourceId + ").to(" + targetId + ")";
        }
    }

    private static String checkId(String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("cluster id", id, "give a DB cluster identifier such as orders-prod");
        }
        return id.trim();
    }
}
