package dev.opskit.rds.event;

import dev.opskit.core.event.OpsEvent;

/**
 * What the replication runbook and its handle report beyond core's step and wait events: the
 * start position it read, the source's writer it waited for, lag samples while it waits for the
 * target to catch up, replication errors it skipped under the error policy, verifications, the
 * cutover and the teardown. Every one is an immutable record; pick them by type.
 *
 * <pre>{@code
 * Replication.from("orders", ctx).cloneTo("orders-next").masterPassword(pw)
 *         .listener(ReplicationLagSampled.class, e -> System.out.println("lag " + e.secondsBehind()))
 *         .listener(ReplicationErrorSkipped.class, e -> alert(e.error()))
 *         .start();
 * }</pre>
 */
public sealed interface ReplicationEvent extends OpsEvent
        permits StartPositionRead, SourceSettling, ReplicationLagSampled, ReplicationErrorSkipped,
        VerificationFinished, ReplicationCutOver, ReplicationTornDown {
}
