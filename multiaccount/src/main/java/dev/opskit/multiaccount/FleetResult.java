package dev.opskit.multiaccount;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one account and region of a {@link Fleet} run gave: its value, or the error it failed
 * with, and how long it took.
 *
 * @param accountId the account
 * @param accountName the account's name (its id when not known)
 * @param role the role the work ran as
 * @param region the region
 * @param status how it ended
 * @param value what the work returned, or {@code null} if it failed or was cancelled
 * @param error what it failed with, or {@code null}
 * @param took how long it ran
 * @param <T> the work's value type
 */
public record FleetResult<T>(String accountId, String accountName, String role, String region, Status status,
        T value, Throwable error, Duration took) {

    /** How a target ended. */
    public enum Status {
        /** The work returned a value. */
        SUCCEEDED,
        /** The work (or the account's credentials) failed; the others went on. */
        FAILED,
        /** The fan-out was cancelled before this target finished. */
        CANCELLED
    }

    /** Checks the parts. */
    public FleetResult {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(took, "took");
    }

    /** @return true if the work returned a value */
    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    /** @return the value, if the work succeeded */
    public Optional<T> valueIfSucceeded() {
        return Optional.ofNullable(succeeded() ? value : null);
    }

    /** @return the error's one-line description, or {@code null} */
    public String errorMessage() {
        if (error == null) {
            return null;
        }
        String m = error.getMessage();
        return error.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public String toString() {
        return accountName + " (" + accountId + ") " + region + " " + status + " in " + took.toMillis() + " ms"
                + (error != null ? ": " + errorMessage() : value != null ? ": " + firstLine(value) : "");
    }

    static String firstLine(Object value) {
        String s = String.valueOf(value);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
