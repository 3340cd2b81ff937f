package dev.opskit.core;

/**
 * What a {@link Step} found when it looked at the real state, and what it would do about it.
 * An observation with no action means the step is already done (or has nothing to do); the
 * {@code found} text then says why, and becomes the skip reason.
 *
 * <pre>{@code
 * return binlogFormat.equals("ROW")
 *         ? Observation.noChange("binlog_format is ROW in orders-params")
 *         : Observation.change("binlog_format is OFF", "set binlog_format=ROW and reboot the writer");
 * }</pre>
 *
 * @param found what the step saw, in prose; never a secret
 * @param action what the step would do, or {@code null} if nothing
 */
public record Observation(String found, String action) {

    /** Checks that {@code found} is given and {@code action} is null or not blank. */
    public Observation {
        if (found == null || found.isBlank()) {
            throw new InvalidInputException("found", found, "say what the step found, e.g. \"binlog is ON\"");
        }
        if (action != null && action.isBlank()) {
            throw new InvalidInputException("action", action, "say what the step would do, or use noChange(...)");
        }
    }

    /**
     * Nothing to do.
     *
     * @param found what was found, which is why nothing is needed
     * @return the observation
     */
    public static Observation noChange(String found) {
        return new Observation(found, null);
    }

    /**
     * Something to do.
     *
     * @param found what was found
     * @param action what the step would do
     * @return the observation
     */
    public static Observation change(String found, String action) {
        if (action == null) {
            throw new InvalidInputException("action", null, "say what the step would do, or use noChange(...)");
        }
        return new Observation(found, action);
    }

    /** @return true if the step has to act */
    public boolean needsAction() {
        return action != null;
    }
}
