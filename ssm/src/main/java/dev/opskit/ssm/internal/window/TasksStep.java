package dev.opskit.ssm.internal.window;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.ssm.Task;
import dev.opskit.ssm.event.WindowChanged;
import dev.opskit.ssm.internal.SsmErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ssm.model.DoesNotExistException;
import software.amazon.awssdk.services.ssm.model.GetMaintenanceWindowTaskResponse;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTask;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTaskCutoffBehavior;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTaskInvocationParameters;

/**
 * The declared tasks, matched to registered ones by name: registered if missing, updated in place
 * if anything differs, replaced (deregistered, then registered) if their type changed, which SSM
 * cannot update. Messages name what differs, never parameter values, which may be secret.
 */
final class TasksStep implements Step {
    private static final RunContext.Key<Pending> PENDING = RunContext.Key.of("tasks to change", Pending.class);

    private enum Kind { REGISTER, UPDATE, REPLACE }

    /** A declared task, what to do with it, the registered task it matches (or null) and what differs. */
    private record Change(Task task, Kind kind, MaintenanceWindowTask existing, String detail) {
        String describe() {
            return switch (kind) {
                case REGISTER -> "register task " + task.name();
                case UPDATE -> "update task " + task.name() + " (" + detail + ")";
                case REPLACE -> "replace task " + task.name() + " (" + detail + ")";
            };
        }
    }

    private record Pending(List<Change> changes) {
    }

    private final WindowRun run;

    TasksStep(WindowRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "tasks";
    }

    @Override
    public Observation observe(RunContext ctx) {
        List<String> declared = run.settings().taskNames();
        Optional<String> windowId = ctx.get(Facts.WINDOW_ID);
        if (windowId.isEmpty()) {
            // Only in a plan: the window step would create the window.
            ctx.put(Facts.DECLARED_TASK_IDS, new Facts.TaskIds(Set.of()));
            return run.notCreatedYet("tasks", declared);
        }
        String wid = windowId.get();
        Map<String, String> targetIds = ctx.get(Facts.TARGET_IDS).map(Facts.TargetIds::byName).orElse(Map.of());
        List<MaintenanceWindowTask> existing = Windows.tasks(run.ssm(), wid);
        Set<String> matched = new HashSet<>();
        List<Change> changes = new ArrayList<>();
        for (Task t : run.settings().tasks()) {
            MaintenanceWindowTask old = WindowRun.match(existing, t.name(), MaintenanceWindowTask::name,
                    MaintenanceWindowTask::windowTaskId, matched);
            if (old == null) {
                changes.add(new Change(t, Kind.REGISTER, null, null));
                continue;
            }
            matched.add(old.windowTaskId());
            GetMaintenanceWindowTaskResponse full = SsmErrors.inStep("read task " + t.name(), old.windowTaskId(),
                    () -> run.ssm().getMaintenanceWindowTask(b -> b.windowId(wid).windowTaskId(old.windowTaskId())));
            if (!t.type().name().equals(full.taskTypeAsString())) {
                changes.add(new Change(t, Kind.REPLACE, old,
                        "task type " + full.taskTypeAsString() + " -> " + t.type()));
                continue;
            }
            List<String> diff = differences(full, t,
                    SsmShapes.taskTargets(t, run.settings().targetNames(), targetIds));
            if (!diff.isEmpty()) {
                changes.add(new Change(t, Kind.UPDATE, old, String.join(", ", diff) + " changed"));
            }
        }
        ctx.put(Facts.DECLARED_TASK_IDS, new Facts.TaskIds(matched));
        ctx.put(PENDING, new Pending(changes));
        String found = WindowRun.found(wid, "tasks", existing, MaintenanceWindowTask::name,
                MaintenanceWindowTask::windowTaskId);
        if (changes.isEmpty()) {
            return WindowRun.unchanged(found, declared);
        }
        return Observation.change(found, String.join(", ", changes.stream().map(Change::describe).toList()));
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        String windowId = ctx.require(Facts.WINDOW_ID);
        Map<String, String> targetIds = ctx.require(Facts.TARGET_IDS).byName();
        Set<String> declaredIds = new HashSet<>(ctx.require(Facts.DECLARED_TASK_IDS).ids());
        List<String> done = new ArrayList<>();
        for (Change c : ctx.require(PENDING).changes()) {
            Task t = c.task();
            List<software.amazon.awssdk.services.ssm.model.Target> targets =
                    SsmShapes.taskTargets(t, run.settings().targetNames(), targetIds)
                            .orElseThrow(() -> new IllegalStateException("task " + t.name()
                                    + " runs on a target with no id after the targets step: " + targetIds.keySet()));
            MaintenanceWindowTaskInvocationParameters params = SsmShapes.invocationParameters(t);
            switch (c.kind()) {
                case REGISTER -> {
                    String id = register(windowId, t, targets, params);
                    declaredIds.add(id);
                    done.add(run.changed(ctx, WindowChanged.Part.TASK, WindowChanged.Change.CREATED, t.name(), id,
                            null));
                }
                case REPLACE -> {
                    String oldId = c.existing().windowTaskId();
                    SsmErrors.inStep("deregister task " + t.name(), oldId, () -> {
                        try {
                            return run.ssm().deregisterTaskFromMaintenanceWindow(b -> b.windowId(windowId)
                                    .windowTaskId(oldId));
                        } catch (DoesNotExistException gone) {
                            // Gone since observed (say a dead run's call landed late): what replacing needs.
                            return null;
                        }
                    });
                    String id = register(windowId, t, targets, params);
                    declaredIds.add(id);
                    done.add(run.changed(ctx, WindowChanged.Part.TASK, WindowChanged.Change.REPLACED, t.name(), id,
                            c.detail()));
                }
                case UPDATE -> {
                    String id = c.existing().windowTaskId();
                    SsmErrors.inStep("update task " + t.name(), id, () -> run.ssm()
                            .updateMaintenanceWindowTask(b -> b.windowId(windowId).windowTaskId(id)
                                    .name(t.name()).taskArn(t.arn()).targets(targets).taskInvocationParameters(params)
                                    .priority(t.priority()).maxConcurrency(t.maxConcurrency()).maxErrors(t.maxErrors())
                                    .serviceRoleArn(t.serviceRoleArn()).cutoffBehavior(SsmShapes.cutoffBehavior(t))
                                    .replace(true)));
                    done.add(run.changed(ctx, WindowChanged.Part.TASK, WindowChanged.Change.UPDATED, t.name(), id,
                            c.detail()));
                }
                default -> throw new IllegalStateException(c.kind().name());
            }
        }
        ctx.put(Facts.DECLARED_TASK_IDS, new Facts.TaskIds(declaredIds));
        return String.join(", ", done);
    }

    private String register(String windowId, Task t, List<software.amazon.awssdk.services.ssm.model.Target> targets,
            MaintenanceWindowTaskInvocationParameters params) {
        return SsmErrors.inStep("register task " + t.name(), windowId, () -> run.ssm()
                .registerTaskWithMaintenanceWindow(b -> b.windowId(windowId).name(t.name()).taskArn(t.arn())
                        .taskType(t.type().name()).targets(targets).taskInvocationParameters(params)
                        .priority(t.priority()).maxConcurrency(t.maxConcurrency()).maxErrors(t.maxErrors())
                        .serviceRoleArn(t.serviceRoleArn()).cutoffBehavior(SsmShapes.cutoffBehavior(t)))
                .windowTaskId());
    }

    /**
     * What differs between a registered task and its declaration, by name only.
     *
     * @param targets the declared targets by id, or empty if some are not registered yet (a plan)
     */
    private static List<String> differences(GetMaintenanceWindowTaskResponse full, Task t,
            Optional<List<software.amazon.awssdk.services.ssm.model.Target>> targets) {
        List<String> diff = new ArrayList<>();
        if (!t.arn().equals(full.taskArn())) {
            diff.add("document");
        }
        if (!Objects.equals(full.priority(), t.priority())) {
            diff.add("priority");
        }
        if (!t.maxConcurrency().equals(full.maxConcurrency())) {
            diff.add("max concurrency");
        }
        if (!t.maxErrors().equals(full.maxErrors())) {
            diff.add("max errors");
        }
        if (targets.isEmpty() || !full.targets().equals(targets.get())) {
            diff.add("targets");
        }
        if (!SsmShapes.invocationParameters(t).equals(full.taskInvocationParameters())) {
            diff.add("parameters");
        }
        if (!Objects.equals(full.serviceRoleArn(), t.serviceRoleArn())) {
            diff.add("service role");
        }
        if (!SsmShapes.cutoffBehavior(t).toString().equals(Objects.requireNonNullElse(full.cutoffBehaviorAsString(),
                MaintenanceWindowTaskCutoffBehavior.CONTINUE_TASK.toString()))) {
            diff.add("cutoff behavior");
        }
        return diff;
    }
}
