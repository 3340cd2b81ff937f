package dev.opskit.ssm.internal.window;

import dev.opskit.core.RunContext;
import dev.opskit.ssm.event.WindowChanged;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTask;

/**
 * Tasks registered on the window that the definition does not declare (or extra ones of a
 * declared name) are deregistered, so the window runs exactly what is declared.
 */
final class UndeclaredTasksStep extends UndeclaredStep<MaintenanceWindowTask> {
    UndeclaredTasksStep(WindowRun run) {
        super(run);
    }

    @Override
    public String name() {
        return "undeclared-tasks";
    }

    @Override
    String noun() {
        return "task";
    }

    @Override
    WindowChanged.Part part() {
        return WindowChanged.Part.TASK;
    }

    @Override
    Set<String> declaredIds(RunContext ctx) {
        return ctx.require(Facts.DECLARED_TASK_IDS).ids();
    }

    @Override
    List<MaintenanceWindowTask> list(String windowId) {
        return Windows.tasks(run.ssm(), windowId);
    }

    @Override
    String id(MaintenanceWindowTask task) {
        return task.windowTaskId();
    }

    @Override
    String nameOf(MaintenanceWindowTask task) {
        return task.name();
    }

    @Override
    void deregister(String windowId, String id) {
        run.ssm().deregisterTaskFromMaintenanceWindow(b -> b.windowId(windowId).windowTaskId(id));
    }
}
