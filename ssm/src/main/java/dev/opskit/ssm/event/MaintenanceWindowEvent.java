package dev.opskit.ssm.event;

import dev.opskit.core.event.OpsEvent;
import java.util.Map;

/**
 * The typed events of SSM maintenance windows: what an {@code apply()} changed in a window
 * ({@link WindowChanged}), and what a {@code MaintenanceWindow} handle saw while it waited for an
 * execution ({@link ExecutionStarted}, {@link TaskInvocationFinished}, {@link ExecutionFinished}).
 * They travel on the same bus as core's runbook events; pick them by type.
 *
 * <pre>{@code
 * MaintenanceWindows.create("patch-window")
 *         ...
 *         .listener(WindowChanged.class, e -> System.out.println(e.message()))
 *         .listener(TaskInvocationFinished.class, e -> System.out.println(e.instanceId() + " " + e.status()))
 *         .apply();
 * }</pre>
 *
 * <p>No event carries a task's parameters, payload or command output: they may hold secrets.
 */
public sealed interface MaintenanceWindowEvent extends OpsEvent
        permits WindowChanged, ExecutionStarted, ExecutionFinished, TaskInvocationFinished {

    /** @return the window's id, {@code mw-} and 17 hex digits */
    String windowId();

    /** @return the window's id: the resource every maintenance-window event is about */
    @Override
    default String resource() {
        return windowId();
    }

    /** @return the apply's run for {@link WindowChanged}; {@code null} for a handle's waits, which are no run */
    @Override
    default String runbookId() {
        return null;
    }

    /** @return the apply's step for {@link WindowChanged}; {@code null} for a handle's waits */
    @Override
    default String step() {
        return null;
    }

    /** @return no free-form attributes: every fact is a field of the record */
    @Override
    default Map<String, Object> attributes() {
        return Map.of();
    }
}
