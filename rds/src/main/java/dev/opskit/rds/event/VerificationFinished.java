package dev.opskit.rds.event;

import dev.opskit.core.event.OpsEvent;
import dev.opskit.rds.VerificationReport;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A verification of the target against the source finished ({@code handle.verify()}).
 *
 * @param time when it finished
 * @param runbookId the runbook run that started the replication
 * @param step {@code verify}
 * @param resource the target cluster
 * @param identical whether every table is identical
 * @param tables how many tables were compared
 * @param rechecks how many re-check rounds ran
 * @param lockedRows how many rows were read again under a lock on the source
 * @param summary the report's one-line summary
 */
public record VerificationFinished(Instant time, String runbookId, String step, String resource, boolean identical,
        int tables, int rechecks, int lockedRows, String summary) implements ReplicationEvent {

    /** Checks the time and the summary. */
    public VerificationFinished {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(summary, "summary");
    }

    /**
     * @param time when it finished
     * @param runbookId the runbook run that started the replication
     * @param resource the target cluster
     * @param report the report
     * @return the event for the report
     */
    public static VerificationFinished of(Instant time, String runbookId, String resource, VerificationReport report) {
        return new VerificationFinished(time, runbookId, "verify", resource, report.identical(), report.tables().size(),
                report.rechecks(), report.lockedRows(), report.summary());
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("identical", identical, "tables", tables, "rechecks", rechecks,
                "lockedRows", lockedRows);
    }

    @Override
    public String message() {
        return summary;
    }
}
