package dev.opskit.ssm.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One change an {@code apply()} made to a window, its targets or its tasks. Its
 * {@link #message()} is the line {@code MaintenanceWindow.changes()} lists, e.g.
 * {@code "registered target instances"}.
 *
 * @param time when it happened
 * @param runbookId the apply's run
 * @param step the step that made the change, e.g. {@code targets}
 * @param windowId the window
 * @param part what changed: the window itself, a target or a task
 * @param change how it changed
 * @param name the window's, target's or task's name, or {@code null} for a target or task
 *     registered without one
 * @param id the window id, window target id or window task id
 * @param detail what differed, e.g. {@code "time zone null -> Europe/Paris"}, or {@code null};
 *     never a task parameter or payload
 */
public record WindowChanged(Instant time, String runbookId, String step, String windowId, Part part, Change change,
        String name, String id, String detail) implements MaintenanceWindowEvent {

    /** What a change is about. */
    public enum Part {
        /** The window's own settings. */
        WINDOW,
        /** One of its targets. */
        TARGET,
        /** One of its tasks. */
        TASK
    }

    /** How it changed. */
    public enum Change {
        /** Created (a window) or registered (a target or task). */
        CREATED,
        /** Updated in place. */
        UPDATED,
        /** Deregistered and registered anew, because SSM cannot change a task's type. */
        REPLACED,
        /** Deregistered, because the definition no longer declares it. */
        DEREGISTERED
    }

    /** Checks the parts. */
    public WindowChanged {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(windowId, "windowId");
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String message() {
        String what = name != null ? name : id;
        String suffix = detail == null ? "" : ": " + detail;
        return switch (part) {
            case WINDOW -> (change == Change.CREATED ? "created" : "updated") + " window " + id + suffix;
            case TARGET, TASK -> {
                String noun = part == Part.TARGET ? "target " : "task ";
                yield switch (change) {
                    case CREATED -> "registered " + noun + what;
                    case UPDATED -> "updated " + noun + what;
                    case REPLACED -> "replaced " + noun + what + suffix;
                    case DEREGISTERED -> "deregistered undeclared " + noun + what;
                };
            }
        };
    }
}
