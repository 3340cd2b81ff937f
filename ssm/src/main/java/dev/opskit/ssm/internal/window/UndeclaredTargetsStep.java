package dev.opskit.ssm.internal.window;

import dev.opskit.core.RunContext;
import dev.opskit.ssm.event.WindowChanged;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTarget;

/**
 * Targets registered on the window that the definition does not declare (or extra ones of a
 * declared name) are deregistered. This comes last, once the tasks that ran on them have been
 * updated or deregistered.
 */
final class UndeclaredTargetsStep extends UndeclaredStep<MaintenanceWindowTarget> {
    UndeclaredTargetsStep(WindowRun run) {
        super(run);
    }

    @Override
    public String name() {
        return "undeclared-targets";
    }

    @Override
    String noun() {
        return "target";
    }

    @Override
    WindowChanged.Part part() {
        return WindowChanged.Part.TARGET;
    }

    @Override
    Set<String> declaredIds(RunContext ctx) {
        return Set.copyOf(ctx.require(Facts.TARGET_IDS).byName().values());
    }

    @Override
    List<MaintenanceWindowTarget> list(String windowId) {
        return Windows.targets(run.ssm(), windowId);
    }

    @Override
    String id(MaintenanceWindowTarget target) {
        return target.windowTargetId();
    }

    @Override
    String nameOf(MaintenanceWindowTarget target) {
        return target.name();
    }

    @Override
    void deregister(String windowId, String id) {
        run.ssm().deregisterTargetFromMaintenanceWindow(b -> b.windowId(windowId).windowTargetId(id));
    }
}
