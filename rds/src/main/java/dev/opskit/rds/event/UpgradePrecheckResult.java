package dev.opskit.rds.event;

import dev.opskit.rds.UpgradeCheck;
import java.time.Instant;
import java.util.Objects;

/**
 * One pre-check of an in-place upgrade and its result, published by the {@code pre-checks} step of
 * {@link dev.opskit.rds.UpgradeSetup#run()} before anything changes (a failed check then ends the
 * run, with nothing changed).
 *
 * @param time when the check was made, by the runbook's clock
 * @param runbookId the runbook run
 * @param step the step, {@code pre-checks}
 * @param resource the cluster
 * @param name the check, e.g. {@code "valid upgrade target"}
 * @param status passed, warning or failed
 * @param detail what was found, with the values involved
 * @param fix what to do; empty when passed
 */
public record UpgradePrecheckResult(Instant time, String runbookId, String step, String resource, String name,
        UpgradeCheck.Status status, String detail, String fix) implements UpgradeEvent {

    /** Checks the parts; a missing fix becomes empty. */
    public UpgradePrecheckResult {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        fix = fix == null ? "" : fix;
    }

    /**
     * @param time when the check was made
     * @param runbookId the runbook run
     * @param step the step
     * @param resource the cluster
     * @param check the check's result
     * @return the event
     */
    public static UpgradePrecheckResult of(Instant time, String runbookId, String step, String resource,
            UpgradeCheck check) {
        return new UpgradePrecheckResult(time, runbookId, step, resource, check.name(), check.status(),
                check.detail(), check.fix());
    }

    /** @return the check as {@link dev.opskit.rds.UpgradePlan#checks()} reports it */
    public UpgradeCheck check() {
        return new UpgradeCheck(name, status, detail, fix);
    }

    /** @return a warning for a check that warns, an error for one that failed */
    @Override
    public Severity severity() {
        return switch (status) {
            case PASSED -> Severity.INFO;
            case WARNING -> Severity.WARNING;
            case FAILED -> Severity.ERROR;
        };
    }

    @Override
    public String message() {
        return check().toString();
    }
}
