package dev.opskit.ssm;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Two versions of one window for the fault and crash tests, such that applying the second over
 * the first makes every step act: the window's settings change, a target is updated and one
 * added, a task is updated, one changes type (replaced), one is added, and an undeclared task and
 * target are deregistered.
 */
final class WindowVersions {
    /** A well-formed instance id no instance has: targets may name instances that are not there. */
    static final String ABSENT_INSTANCE = "i-0123456789abcdef0";

    private WindowVersions() {
    }

    /** Version one: daily, targets {@code web} and {@code old}, tasks {@code kept}, {@code retyped}, {@code dropped}. */
    static MaintenanceWindows.Definition first(String name, String instanceId) {
        return MaintenanceWindows.create(name).schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .target(Targets.instances(instanceId).named("web"))
                .target(Targets.tag("Role", "old").named("old"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo kept").named("kept").on("web"))
                .task(Tasks.automation("AWS-RestartEC2Instance").parameter("InstanceId", "{{TARGET_ID}}")
                        .named("retyped").on("web"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo dropped").named("dropped").on("old"));
    }

    /**
     * Version two: weekly in Paris, three hours, a description; {@code web} on two instances,
     * {@code database} new; {@code kept} changed, {@code retyped} a command now, {@code added} new.
     */
    static MaintenanceWindows.Definition second(String name, String instanceId) {
        return MaintenanceWindows.create(name).schedule(Schedule.cron("0 2 ? * SUN *")).timeZone("Europe/Paris")
                .duration(Duration.ofHours(3)).cutoff(Duration.ofHours(1)).description("version two")
                .target(Targets.instances(instanceId, ABSENT_INSTANCE).named("web"))
                .target(Targets.tag("Role", "db").named("database").ownerInformation("dba team"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo kept", "uptime").named("kept").on("web")
                        .priority(5).maxConcurrency("50%"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo retyped").named("retyped").on("web")
                        .cancelAtCutoff())
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo added").named("added").on("database")
                        .priority(2));
    }
}
