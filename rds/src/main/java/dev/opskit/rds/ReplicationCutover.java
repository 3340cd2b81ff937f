package dev.opskit.rds;

import java.time.Duration;

/**
 * What {@link ReplicationHandle#cutover()} ended with: replication stopped after the target had
 * executed everything the source had written, and the external source reset.
 *
 * <pre>{@code
 * ReplicationCutover c = handle.cutover();
 * System.out.println("source stopped at " + c.sourcePosition());
 * }</pre>
 *
 * @param sourcePosition the source's binlog position when replication stopped
 * @param executedPosition the last source position the target executed (equal to sourcePosition)
 * @param skippedEvents how many events the error policy skipped during this handle's life
 * @param elapsed how long the cutover waited and worked
 */
public record ReplicationCutover(BinlogPosition sourcePosition, BinlogPosition executedPosition,
        int skippedEvents, Duration elapsed) {

    /** @return such as {@code cut over at mysql-bin.000003 1234 (0 events skipped)} */
    @Override
    public String toString() {
        return "cut over at " + sourcePosition + " (target executed " + executedPosition + ", " + skippedEvents
                + " events skipped, " + elapsed.toMillis() + " ms)";
    }
}
