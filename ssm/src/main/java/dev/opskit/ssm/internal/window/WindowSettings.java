package dev.opskit.ssm.internal.window;

import dev.opskit.ssm.Schedule;
import dev.opskit.ssm.Target;
import dev.opskit.ssm.Task;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A checked declaration of a window, as {@code MaintenanceWindows.Definition} hands it to the
 * apply runbook.
 *
 * @param name the window's name
 * @param schedule when it runs
 * @param timeZone the schedule's IANA time zone, or null for UTC
 * @param durationHours 1 to 24
 * @param cutoffHours below the duration
 * @param startDate not before, or null
 * @param endDate not after, or null
 * @param offsetDays days after each cron date, or null
 * @param allowUnassociatedTargets whether tasks may target unregistered instances
 * @param description free text, or null
 * @param targets the declared targets, names unique, in declaration order
 * @param tasks the declared tasks, names unique, in declaration order
 */
public record WindowSettings(String name, Schedule schedule, String timeZone, int durationHours, int cutoffHours,
        Instant startDate, Instant endDate, Integer offsetDays, boolean allowUnassociatedTargets, String description,
        List<Target> targets, List<Task> tasks) {
    /** SSM's default quota of windows per account and region. */
    public static final int MAX_WINDOWS = 50;

    /** Copies the lists. */
    public WindowSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        targets = List.copyOf(targets);
        tasks = List.copyOf(tasks);
    }

    /** @return the start date as SSM takes it, or null */
    String startDateText() {
        return startDate == null ? null : startDate.toString();
    }

    /** @return the end date as SSM takes it, or null */
    String endDateText() {
        return endDate == null ? null : endDate.toString();
    }

    /** @return the declared target names, in order */
    List<String> targetNames() {
        return targets.stream().map(Target::name).toList();
    }

    /** @return the declared task names, in order */
    List<String> taskNames() {
        return tasks.stream().map(Task::name).toList();
    }
}
