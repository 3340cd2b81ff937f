package dev.opskit.core;

import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link Plan}: what it found and what it would do.
 *
 * @param name the step's name
 * @param kind whether it would change something
 * @param found what the step saw (or the error that stopped it from looking)
 * @param detail the action it would take ({@code CHANGE}), why nothing is needed
 *               ({@code NO_CHANGE}), or why its effect is unknown ({@code UNKNOWN})
 * @param after the earlier steps that would act first; non-empty means this step was observed
 *              before their changes, so its entry is provisional
 */
public record PlannedStep(String name, Kind kind, String found, String detail, List<String> after) {

    /** What a step would do. */
    public enum Kind {
        /** Already done or nothing to do. */
        NO_CHANGE,
        /** Would act. */
        CHANGE,
        /** Could not be observed (typically because an earlier step's change is missing). */
        UNKNOWN
    }

    /** Checks the parts and copies {@code after}. */
    public PlannedStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        after = List.copyOf(after);
    }

    /** @return true if an earlier step would act first, so this entry may change */
    public boolean provisional() {
        return !after.isEmpty();
    }

    @Override
    public String toString() {
        String mark = switch (kind) {
            case CHANGE -> "CHANGE   ";
            case NO_CHANGE -> "no change";
            case UNKNOWN -> "UNKNOWN  ";
        };
        return mark + " " + name + ": " + (kind == Kind.CHANGE ? "would " + detail + " (found: " + found + ")" : detail)
                + (after.isEmpty() ? "" : " [after " + String.join(", ", after) + "]");
    }
}
