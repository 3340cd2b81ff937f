package dev.opskit.rds.event;

import dev.opskit.core.event.OpsEvent;
import dev.opskit.rds.ReplicationError;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A replication event that failed on the target was skipped ({@code mysql.rds_skip_repl_error})
 * because the error policy says so. The copy may now differ from the source: a verification is
 * owed.
 *
 * @param time when it happened
 * @param runbookId the runbook run that started the replication
 * @param step {@code replication} or {@code cutover}
 * @param resource the target cluster
 * @param error the error of the skipped event
 * @param skippedSoFar how many events the policy has skipped on this handle, this one included
 */
public record ReplicationErrorSkipped(Instant time, String runbookId, String step, String resource,
        ReplicationError error, int skippedSoFar) implements ReplicationEvent {

    /** Checks the time and the error. */
    public ReplicationErrorSkipped {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(error, "error");
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("errorNumber", error.number(), "table", error.table().orElse(""),
                "statement", error.statement().orElse(""), "message", error.message(), "skipped", skippedSoFar);
    }

    /** A skip is a caveat: the copy may now differ from the source. */
    @Override
    public Severity severity() {
        return Severity.WARNING;
    }

    @Override
    public String message() {
        return "skipped replication event with error " + error.number() + error.table().map(t -> " on " + t).orElse("")
                + " (" + skippedSoFar + " skipped so far); verify() is owed";
    }
}
