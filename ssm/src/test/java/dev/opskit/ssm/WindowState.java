package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetMaintenanceWindowResponse;
import software.amazon.awssdk.services.ssm.model.GetMaintenanceWindowTaskResponse;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowIdentity;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTaskInvocationParameters;

/**
 * Everything SSM holds of one window, read back with the SDK and made comparable across windows:
 * its settings, its targets and its tasks by name, a task's targets by target name instead of id.
 * Two windows applied from the same definition have equal states.
 *
 * @param schedule the window's schedule and settings, in one line
 * @param targets its targets, sorted by name
 * @param tasks its tasks, sorted by name
 */
record WindowState(String schedule, List<TargetState> targets, List<TaskState> tasks) {

    /** A registered target as SSM holds it. */
    record TargetState(String name, String key, List<String> values, String ownerInformation) {
    }

    /** A registered task as SSM holds it; its targets by target name. */
    record TaskState(String name, String type, String arn, Integer priority, String maxConcurrency, String maxErrors,
            List<String> targets, MaintenanceWindowTaskInvocationParameters parameters, String cutoffBehavior) {
    }

    /**
     * Reads the one window of that name, failing if there are several or none.
     *
     * @param ssm a client
     * @param name the window's name
     * @return its state
     */
    static WindowState of(SsmClient ssm, String name) {
        List<MaintenanceWindowIdentity> windows = ssm.describeMaintenanceWindowsPaginator(b -> b.filters(f -> f.key("Name")
                .values(name))).windowIdentities().stream().filter(w -> w.name().equals(name)).toList();
        assertThat(windows).as("windows named %s", name).hasSize(1);
        String id = windows.get(0).windowId();
        GetMaintenanceWindowResponse w = ssm.getMaintenanceWindow(b -> b.windowId(id));
        var targets = ssm.describeMaintenanceWindowTargetsPaginator(b -> b.windowId(id)).targets().stream().toList();
        Map<String, String> targetNames = targets.stream().collect(Collectors.toMap(t -> t.windowTargetId(), t -> t.name()));
        List<TaskState> tasks = ssm.describeMaintenanceWindowTasksPaginator(b -> b.windowId(id)).tasks().stream()
                .map(t -> {
                    GetMaintenanceWindowTaskResponse full = ssm.getMaintenanceWindowTask(b -> b.windowId(id)
                            .windowTaskId(t.windowTaskId()));
                    List<String> on = full.targets().stream().flatMap(x -> x.values().stream())
                            .map(v -> targetNames.getOrDefault(v, "unknown target " + v)).toList();
                    return new TaskState(full.name(), full.taskTypeAsString(), full.taskArn(), full.priority(),
                            full.maxConcurrency(), full.maxErrors(), on, full.taskInvocationParameters(),
                            full.cutoffBehaviorAsString());
                })
                .sorted(Comparator.comparing(TaskState::name)).toList();
        return new WindowState(w.schedule() + " tz=" + w.scheduleTimezone() + " offset=" + w.scheduleOffset()
                + " duration=" + w.duration() + " cutoff=" + w.cutoff() + " unassociated=" + w.allowUnassociatedTargets()
                + " description=" + w.description() + " start=" + w.startDate() + " end=" + w.endDate()
                + " enabled=" + w.enabled(),
                targets.stream().map(t -> new TargetState(t.name(), t.targets().get(0).key(), t.targets().get(0).values(),
                        t.ownerInformation())).sorted(Comparator.comparing(TargetState::name)).toList(),
                tasks);
    }

    /** @return the target names, sorted */
    List<String> targetNames() {
        return targets.stream().map(TargetState::name).toList();
    }

    /** @return the task names, sorted */
    List<String> taskNames() {
        return tasks.stream().map(TaskState::name).toList();
    }

    /** @return the tasks by name */
    Map<String, TaskState> tasksByName() {
        return tasks.stream().collect(Collectors.toMap(TaskState::name, Function.identity()));
    }
}
