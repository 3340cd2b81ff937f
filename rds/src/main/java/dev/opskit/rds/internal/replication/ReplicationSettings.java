package dev.opskit.rds.internal.replication;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import dev.opskit.rds.BinlogFormat;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ErrorPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Every option of one replication runbook, resolved and checked by the public builder.
 *
 * @param startingAt the start position for an existing target; null when cloning
 * @param replicationPassword null: generate one per run
 * @param deadline how long one step may take (its waits and its AWS calls' retries included), and
 *     any one wait
 * @param context where AWS calls go
 * @param ownsContext whether the handle must close the context (it was made from the defaults)
 * @param clock where event times and step durations come from
 * @param afterStep called with a step's name after it acted (tests inject crashes here), or null
 */
public record ReplicationSettings(String sourceId, String targetId, boolean cloning, BinlogPosition startingAt,
        BinlogFormat format, String replicationUser, String replicationHost, Secret replicationPassword,
        Secret masterPassword, int retentionHours, String writerInstanceClass, ErrorPolicy errorPolicy,
        Duration deadline, AwsContext context, boolean ownsContext, Clock clock, Consumer<String> afterStep) {

    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.%:-]{1,255}");

    /** Checks user input syntax that needs no AWS call. */
    public static void checkInput(String targetId, String user, String host) {
        if (targetId == null || !CLUSTER_ID.matcher(targetId).matches()) {
            throw new InvalidInputException("target cluster id", targetId,
                    "a DB cluster id has 1 to 63 letters, digits or hyphens, starts with a letter, "
                            + "and has no two hyphens in a row and no trailing hyphen");
        }
        if (user == null || !USER.matcher(user).matches()) {
            throw new InvalidInputException("replicationUser", user, "use 1 to 32 letters, digits or underscores");
        }
        if (host == null || !HOST.matcher(host).matches()) {
            throw new InvalidInputException("replicationHost", host,
                    "use a host pattern such as % or 10.0.%; Aurora has skip_name_resolve, so give addresses, not names");
        }
    }

    /** The writer instance id the runbook gives a clone that has none. */
    public String cloneWriterId() {
        String id = targetId + "-writer";
        return id.length() <= 63 ? id : targetId.substring(0, 56) + "-writer";
    }

    /** The custom cluster parameter group created when the source uses a default one. */
    public String binlogGroupName() {
        String name = sourceId + "-opskit-binlog";
        return name.length() <= 255 ? name : name.substring(0, 255);
    }

    /** The replication account as SQL names it, {@code 'user'@'host'}. */
    String account() {
        return "'" + replicationUser + "'@'" + replicationHost + "'";
    }

    @Override
    public String toString() {
        // Secrets print redacted anyway; keep this short for messages.
        return "replication " + sourceId + " -> " + targetId + (cloning ? " (clone)" : " at " + startingAt);
    }
}
