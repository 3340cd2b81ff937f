package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;

import java.util.Objects;

/**
 * One pre-check of an in-place upgrade, as {@link UpgradeSetup#plan()} reports it: what was
 * checked, what was found, and for a failure or a warning what to do about it.
 *
 * <pre>{@code
 * for (UpgradeCheck c : plan.checks()) System.out.println(c);
 * // PASSED  valid upgrade target: 5.7.mysql_aurora.2.09.1 is in the ValidUpgradeTarget list of 5.6.mysql_aurora.1.22.2
 * // WARNING backtrack: backtrack is on (window 86400 s); after the upgrade ... -> fix: ...
 * }</pre>
 *
 * @param name the check, e.g. {@code "valid upgrade target"}
 * @param status passed, warning (the upgrade can go ahead) or failed (it cannot)
 * @param detail what was found, with the values involved
 * @param fix what to do; empty when passed
 */
public record UpgradeCheck(String name, Status status, String detail, String fix) {

    /** The outcome of one check. */
    public enum Status {
        /** Nothing to do. */
        PASSED,
        /** The upgrade can go ahead, but read the caveat. */
        WARNING,
        /** The upgrade cannot start until this is fixed. */
        FAILED
    }

    /** Checks that name, status and detail are given; a missing fix becomes empty. */
    public UpgradeCheck {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("name", name, "name the check, e.g. \"valid upgrade target\"");
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        fix = fix == null ? "" : fix;
    }

    /**
     * @param name the check
     * @param detail what was found
     * @return a passed check
     */
    public static UpgradeCheck passed(String name, String detail) {
        return new UpgradeCheck(name, Status.PASSED, detail, "");
    }

    /**
     * @param name the check
     * @param detail what was found
     * @param fix what to keep in mind or do
     * @return a warning
     */
    public static UpgradeCheck warning(String name, String detail, String fix) {
        return new UpgradeCheck(name, Status.WARNING, detail, fix);
    }

    /**
     * @param name the check
     * @param detail what was found
     * @param fix what to do before running again
     * @return a failed check
     */
    public static UpgradeCheck failed(String name, String detail, String fix) {
        return new UpgradeCheck(name, Status.FAILED, detail, fix);
    }

    @Override
    public String toString() {
        return String.format("%-7s %s: %s", status, name, detail) + (fix.isEmpty() ? "" : " -> fix: " + fix);
    }
}
