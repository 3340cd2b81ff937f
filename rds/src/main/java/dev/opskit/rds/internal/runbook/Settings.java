package dev.opskit.rds.internal.runbook;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.core.event.EventListener;
import dev.opskit.rds.BinlogFormat;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ErrorPolicy;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every option of one replication runbook, resolved and checked by the public builder.
 *
 * @param startingAt the start position for an existing target; null when cloning
 * @param replicationPassword null: generate one per run
 * @param ownsContext whether the handle must close the context (it was made from the defaults)
 * @param afterStep called with a step's name after it succeeded (tests inject failures here)
 */
public record Settings(String sourceId, String targetId, boolean cloning, BinlogPosition startingAt,
        BinlogFormat format, String replicationUser, String replicationHost, Secret replicationPassword,
        Secret masterPassword, int retentionHours, String writerInstanceClass, ErrorPolicy errorPolicy,
        List<EventListener> listeners, Duration deadline, AwsContext context, boolean ownsContext,
        Consumer<String> afterStep) {

    public Settings {
        listeners = List.copyOf(listeners);
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

    @Override
    public String toString() {
        // Secrets print redacted anyway; keep this short for messages.
        return "replication " + sourceId + " -> " + targetId + (cloning ? " (clone)" : " at " + startingAt);
    }
}
