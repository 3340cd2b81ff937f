package dev.opskit.ssm;

import dev.opskit.core.AwsContext;
import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.ssm.internal.SsmErrors;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetMaintenanceWindowResponse;
import software.amazon.awssdk.services.ssm.model.GetMaintenanceWindowTaskResponse;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowAutomationParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowIdentity;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowLambdaParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowRunCommandParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowStepFunctionsParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTarget;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTask;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTaskCutoffBehavior;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTaskInvocationParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowResourceType;

/**
 * SSM maintenance windows, declared fluently and applied idempotently by name: running the same
 * {@link Definition#apply()} again changes nothing, and after a change of the declaration it
 * updates the window, its targets and its tasks in place (matched by name) instead of creating
 * duplicates. Everything is validated before the first call.
 *
 * <pre>{@code
 * MaintenanceWindow w = MaintenanceWindows.create("patch-window")
 *         .schedule(Schedule.rate(5, ChronoUnit.MINUTES))
 *         .duration(Duration.ofHours(2)).cutoff(Duration.ofHours(1))
 *         .allowUnassociatedTargets(true)
 *         .target(Targets.instances("i-0123456789abcdef0"))
 *         .task(Tasks.runCommand("AWS-RunShellScript").commands("ls").priority(10))
 *         .context(ctx)
 *         .apply();
 * w.executions();
 * w.reschedule(Schedule.at(LocalDateTime.parse("2026-11-26T12:00:00")));
 * }</pre>
 */
public final class MaintenanceWindows {
    /** SSM's default quotas. */
    static final int MAX_WINDOWS = 50;
    static final int MAX_TARGETS = 100;
    static final int MAX_TASKS = 20;

    private MaintenanceWindows() {
    }

    /**
     * Starts declaring a window. Nothing is called until {@link Definition#apply()}.
     *
     * @param name 3-128 of {@code [a-zA-Z0-9_.-]}, unique in the account and region
     * @return the definition
     * @throws InvalidInputException for a bad name
     */
    public static Definition create(String name) {
        return new Definition(name);
    }

    /**
     * Finds an existing window by name with the default AWS context.
     *
     * @param name the window's name
     * @return its handle
     * @throws ResourceNotFoundException if no window has that name
     */
    public static MaintenanceWindow named(String name) {
        return named(name, AwsContext.defaults());
    }

    /**
     * Finds an existing window by name.
     *
     * @param name the window's name
     * @param ctx where and as whom
     * @return its handle
     * @throws ResourceNotFoundException if no window has that name
     * @throws ConflictException if several windows have it
     */
    public static MaintenanceWindow named(String name, AwsContext ctx) {
        Target.checkName(name, "window name");
        SsmClient ssm = ctx.client(SsmClient.class, SsmClient::builder);
        MaintenanceWindowIdentity w = find(ssm, name);
        if (w == null) {
            throw new ResourceNotFoundException("maintenance window", name,
                    "no window has that name in " + ctx.region() + "; create it with MaintenanceWindows.create(\"" + name
                            + "\")...apply()", null);
        }
        return new MaintenanceWindow(ctx, w.windowId(), name, List.of());
    }

    static MaintenanceWindowIdentity find(SsmClient ssm, String name) {
        List<MaintenanceWindowIdentity> found = SsmErrors.call("find window " + name, name, () -> {
            List<MaintenanceWindowIdentity> out = new ArrayList<>();
            ssm.describeMaintenanceWindowsPaginator(b -> b.filters(f -> f.key("Name").values(name)))
                    .forEach(p -> p.windowIdentities().stream().filter(w -> name.equals(w.name())).forEach(out::add));
            return out;
        });
        if (found.size() > 1) {
            throw new ConflictException(name, found.size() + " maintenance windows are named '" + name + "' ("
                    + found.stream().map(MaintenanceWindowIdentity::windowId).toList()
                    + "); delete or rename the extra ones so the name is unique");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * The declaration of a window: its schedule and settings, targets and tasks. Each setter
     * checks its value at once; {@link #apply()} checks the whole before any call.
     */
    public static final class Definition {
        private final String name;
        private Schedule schedule;
        private String timeZone;
        private int durationHours = 2;
        private int cutoffHours = 1;
        private Instant startDate;
        private Instant endDate;
        private Integer offsetDays;
        private boolean allowUnassociatedTargets;
        private String description;
        private final Map<String, Target> targets = new LinkedHashMap<>();
        private final Map<String, Task> tasks = new LinkedHashMap<>();
        private AwsContext context;

        private Definition(String name) {
            Target.checkName(name, "window name");
            this.name = name;
        }

        /**
         * @param schedule when the window runs (required)
         * @return this definition
         */
        public Definition schedule(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * @param zone the IANA time zone the schedule is read in, e.g. {@code Europe/Paris}
         *     (default UTC)
         * @return this definition
         * @throws InvalidInputException if it is not an IANA region id
         */
        public Definition timeZone(String zone) {
            if (zone == null || !ZoneId.getAvailableZoneIds().contains(zone)) {
                throw new InvalidInputException("time zone", zone,
                        "use an IANA time zone id such as Etc/UTC, Europe/Paris or America/Los_Angeles");
            }
            this.timeZone = zone;
            return this;
        }

        /**
         * @param duration how long the window stays open, whole hours from 1 to 24 (default 2 h)
         * @return this definition
         */
        public Definition duration(Duration duration) {
            this.durationHours = hours(duration, "duration", 1, 24);
            return this;
        }

        /**
         * @param cutoff how long before the end no new task starts, whole hours from 0 to 23 and
         *     less than the duration (default 1 h)
         * @return this definition
         */
        public Definition cutoff(Duration cutoff) {
            this.cutoffHours = hours(cutoff, "cutoff", 0, 23);
            return this;
        }

        /**
         * @param start the window does not run before this instant
         * @return this definition
         */
        public Definition startDate(Instant start) {
            this.startDate = Objects.requireNonNull(start, "start");
            return this;
        }

        /**
         * @param end the window does not run after this instant
         * @return this definition
         */
        public Definition endDate(Instant end) {
            this.endDate = Objects.requireNonNull(end, "end");
            return this;
        }

        /**
         * @param days run this many days (1 to 6) after each cron date; cron schedules only
         * @return this definition
         */
        public Definition scheduleOffset(int days) {
            if (days < 1 || days > 6) {
                throw new InvalidInputException("schedule offset", Integer.toString(days), "use 1 to 6 days");
            }
            this.offsetDays = days;
            return this;
        }

        /**
         * @param allow whether tasks may target instances that are not registered targets
         * @return this definition
         */
        public Definition allowUnassociatedTargets(boolean allow) {
            this.allowUnassociatedTargets = allow;
            return this;
        }

        /**
         * @param description free text, up to 128 characters
         * @return this definition
         */
        public Definition description(String description) {
            if (description != null && description.length() > 128) {
                throw new InvalidInputException("description", description.substring(0, 20) + "...",
                        "keep it to 128 characters");
            }
            this.description = description;
            return this;
        }

        /**
         * @param target a target, from {@link Targets}; a target of the same name is replaced
         * @return this definition
         */
        public Definition target(Target target) {
            Objects.requireNonNull(target, "target");
            if (!targets.containsKey(target.name()) && targets.size() >= MAX_TARGETS) {
                throw new InvalidInputException("targets", Integer.toString(targets.size() + 1),
                        "a window has at most " + MAX_TARGETS + " targets; combine instance ids into one target");
            }
            targets.put(target.name(), target);
            return this;
        }

        /**
         * @param task a task, from {@link Tasks}; a task of the same name is replaced
         * @return this definition
         */
        public Definition task(Task task) {
            Objects.requireNonNull(task, "task");
            if (!tasks.containsKey(task.name()) && tasks.size() >= MAX_TASKS) {
                throw new InvalidInputException("tasks", Integer.toString(tasks.size() + 1),
                        "a window has at most " + MAX_TASKS + " tasks");
            }
            tasks.put(task.name(), task);
            return this;
        }

        /**
         * @param ctx where and as whom (default {@link AwsContext#defaults()})
         * @return this definition
         */
        public Definition context(AwsContext ctx) {
            this.context = Objects.requireNonNull(ctx, "ctx");
            return this;
        }

        private static int hours(Duration d, String what, int min, int max) {
            Objects.requireNonNull(d, what);
            if (d.toSeconds() % 3600 != 0 || d.toHours() < min || d.toHours() > max) {
                throw new InvalidInputException(what, d.toString(),
                        "give whole hours from " + min + " to " + max + ", e.g. Duration.ofHours(" + Math.max(min, 1) + ")");
            }
            return (int) d.toHours();
        }

        private void validate() {
            if (schedule == null) {
                throw new InvalidInputException("schedule", null,
                        "set one with .schedule(Schedule.cron(\"0 2 ? * SUN *\")), Schedule.rate(...) or Schedule.at(...)");
            }
            if (cutoffHours >= durationHours) {
                throw new InvalidInputException("cutoff", cutoffHours + "h",
                        "it must be less than the duration (" + durationHours + "h); lower the cutoff or lengthen the window");
            }
            if (offsetDays != null && !schedule.isCron()) {
                throw new InvalidInputException("schedule offset", offsetDays + " days",
                        "an offset only applies to cron schedules, not " + schedule + "; remove it or use Schedule.cron(...)");
            }
            if (startDate != null && endDate != null && !endDate.isAfter(startDate)) {
                throw new InvalidInputException("end date", endDate.toString(), "it must be after the start date " + startDate);
            }
            for (Task t : tasks.values()) {
                for (String n : t.targetNames()) {
                    if (!targets.containsKey(n)) {
                        throw new InvalidInputException("targets of task " + t.name(), n,
                                "declare a target named '" + n + "' on this window; declared: " + targets.keySet());
                    }
                }
                if (t.type() == TaskType.RUN_COMMAND && targets.isEmpty()) {
                    throw new InvalidInputException("targets of task " + t.name(), null,
                            "a RUN_COMMAND task needs targets; add .target(Targets.instances(...)) or Targets.tag(...)");
                }
            }
        }

        /**
         * Creates the window, or brings an existing window of the same name in line with this
         * definition: its settings, its targets and tasks (matched by name; undeclared ones are
         * deregistered). Safe to run again: a second run changes nothing.
         *
         * @return the window, with {@link MaintenanceWindow#changes()} listing what this run did
         * @throws InvalidInputException before any call if the definition is inconsistent
         * @throws ConflictException if several windows have this name or a quota is reached
         */
        public MaintenanceWindow apply() {
            validate();
            AwsContext ctx = context != null ? context : AwsContext.defaults();
            SsmClient ssm = ctx.client(SsmClient.class, SsmClient::builder);
            List<String> changes = new ArrayList<>();
            MaintenanceWindowIdentity found = find(ssm, name);
            String windowId;
            if (found == null) {
                int count = SsmErrors.call("count windows", name, () -> {
                    int[] n = {0};
                    ssm.describeMaintenanceWindowsPaginator(b -> b.maxResults(100))
                            .forEach(p -> n[0] += p.windowIdentities().size());
                    return n[0];
                });
                if (count >= MAX_WINDOWS) {
                    throw new ConflictException(name, "the account already has " + count + " maintenance windows in "
                            + ctx.region() + ", SSM's quota is " + MAX_WINDOWS + "; delete unused ones first");
                }
                windowId = SsmErrors.call("create window " + name, name, () -> ssm.createMaintenanceWindow(b -> b
                        .name(name).description(description).schedule(schedule.toString())
                        .scheduleTimezone(timeZone).scheduleOffset(offsetDays)
                        .duration(durationHours).cutoff(cutoffHours)
                        .allowUnassociatedTargets(allowUnassociatedTargets)
                        .startDate(startDate == null ? null : startDate.toString())
                        .endDate(endDate == null ? null : endDate.toString())).windowId());
                changes.add("created window " + windowId);
            } else {
                windowId = found.windowId();
                GetMaintenanceWindowResponse w = SsmErrors.call("read window " + windowId, windowId,
                        () -> ssm.getMaintenanceWindow(b -> b.windowId(windowId)));
                List<String> diff = new ArrayList<>();
                same(diff, "schedule", w.schedule(), schedule.toString());
                same(diff, "time zone", w.scheduleTimezone(), timeZone);
                same(diff, "schedule offset", w.scheduleOffset(), offsetDays);
                same(diff, "duration", w.duration(), durationHours);
                same(diff, "cutoff", w.cutoff(), cutoffHours);
                same(diff, "allow unassociated targets", w.allowUnassociatedTargets(), allowUnassociatedTargets);
                same(diff, "description", w.description(), description);
                same(diff, "start date", w.startDate(), startDate == null ? null : startDate.toString());
                same(diff, "end date", w.endDate(), endDate == null ? null : endDate.toString());
                if (!diff.isEmpty()) {
                    SsmErrors.call("update window " + windowId, windowId, () -> ssm.updateMaintenanceWindow(b -> b
                            .windowId(windowId).name(name).description(description).schedule(schedule.toString())
                            .scheduleTimezone(timeZone).scheduleOffset(offsetDays)
                            .duration(durationHours).cutoff(cutoffHours)
                            .allowUnassociatedTargets(allowUnassociatedTargets).enabled(w.enabled())
                            .startDate(startDate == null ? null : startDate.toString())
                            .endDate(endDate == null ? null : endDate.toString()).replace(true)));
                    changes.add("updated window " + windowId + ": " + String.join(", ", diff));
                }
            }
            Map<String, String> targetIds = applyTargets(ssm, windowId, changes);
            applyTasks(ssm, windowId, targetIds, changes);
            return new MaintenanceWindow(ctx, windowId, name, changes);
        }

        private Map<String, String> applyTargets(SsmClient ssm, String windowId, List<String> changes) {
            List<MaintenanceWindowTarget> existing = SsmErrors.call("list targets of " + windowId, windowId, () -> {
                List<MaintenanceWindowTarget> out = new ArrayList<>();
                ssm.describeMaintenanceWindowTargetsPaginator(b -> b.windowId(windowId)).forEach(p -> out.addAll(p.targets()));
                return out;
            });
            Map<String, String> ids = new LinkedHashMap<>();
            Set<String> keep = new HashSet<>();
            for (Target t : targets.values()) {
                software.amazon.awssdk.services.ssm.model.Target sdk =
                        software.amazon.awssdk.services.ssm.model.Target.builder().key(t.key()).values(t.values()).build();
                MaintenanceWindowTarget old = existing.stream().filter(e -> t.name().equals(e.name()) && !keep.contains(e.windowTargetId()))
                        .findFirst().orElse(null);
                if (old == null) {
                    String id = SsmErrors.call("register target " + t.name(), windowId, () -> ssm
                            .registerTargetWithMaintenanceWindow(b -> b.windowId(windowId)
                                    .resourceType(MaintenanceWindowResourceType.INSTANCE).targets(sdk).name(t.name())
                                    .ownerInformation(t.ownerInformation())).windowTargetId());
                    changes.add("registered target " + t.name());
                    ids.put(t.name(), id);
                    keep.add(id);
                } else {
                    if (!old.targets().equals(List.of(sdk)) || !Objects.equals(old.ownerInformation(), t.ownerInformation())) {
                        SsmErrors.call("update target " + t.name(), old.windowTargetId(), () -> ssm
                                .updateMaintenanceWindowTarget(b -> b.windowId(windowId).windowTargetId(old.windowTargetId())
                                        .targets(sdk).name(t.name()).ownerInformation(t.ownerInformation()).replace(true)));
                        changes.add("updated target " + t.name());
                    }
                    ids.put(t.name(), old.windowTargetId());
                    keep.add(old.windowTargetId());
                }
            }
            // Undeclared targets go last, after the tasks that used them are updated.
            this.staleTargets = existing.stream().filter(e -> !keep.contains(e.windowTargetId())).toList();
            return ids;
        }

        private List<MaintenanceWindowTarget> staleTargets = List.of();

        private void applyTasks(SsmClient ssm, String windowId, Map<String, String> targetIds, List<String> changes) {
            List<MaintenanceWindowTask> existing = SsmErrors.call("list tasks of " + windowId, windowId, () -> {
                List<MaintenanceWindowTask> out = new ArrayList<>();
                ssm.describeMaintenanceWindowTasksPaginator(b -> b.windowId(windowId)).forEach(p -> out.addAll(p.tasks()));
                return out;
            });
            Set<String> keep = new HashSet<>();
            for (Task t : tasks.values()) {
                List<String> names = t.targetNames().isEmpty() ? List.copyOf(targetIds.keySet()) : t.targetNames();
                List<software.amazon.awssdk.services.ssm.model.Target> sdkTargets = names.isEmpty() ? List.of()
                        : List.of(software.amazon.awssdk.services.ssm.model.Target.builder().key("WindowTargetIds")
                                .values(names.stream().map(targetIds::get).toList()).build());
                MaintenanceWindowTaskInvocationParameters params = invocationParameters(t);
                MaintenanceWindowTask old = existing.stream().filter(e -> t.name().equals(e.name()) && !keep.contains(e.windowTaskId()))
                        .findFirst().orElse(null);
                if (old == null) {
                    String id = register(ssm, windowId, t, sdkTargets, params);
                    changes.add("registered task " + t.name());
                    keep.add(id);
                    continue;
                }
                keep.add(old.windowTaskId());
                GetMaintenanceWindowTaskResponse full = SsmErrors.call("read task " + t.name(), old.windowTaskId(),
                        () -> ssm.getMaintenanceWindowTask(b -> b.windowId(windowId).windowTaskId(old.windowTaskId())));
                boolean same = t.arn().equals(full.taskArn()) && t.type().name().equals(full.taskTypeAsString())
                        && Objects.equals(full.priority(), t.priority())
                        && t.maxConcurrency().equals(full.maxConcurrency()) && t.maxErrors().equals(full.maxErrors())
                        && full.targets().equals(sdkTargets) && params.equals(full.taskInvocationParameters())
                        && Objects.equals(full.serviceRoleArn(), t.serviceRoleArn())
                        && cutoffBehavior(t).toString().equals(Objects.requireNonNullElse(full.cutoffBehaviorAsString(),
                                MaintenanceWindowTaskCutoffBehavior.CONTINUE_TASK.toString()));
                if (!same) {
                    if (!t.type().name().equals(full.taskTypeAsString())) {
                        // The type of a registered task cannot change: replace the task.
                        SsmErrors.call("deregister task " + t.name(), old.windowTaskId(), () -> ssm
                                .deregisterTaskFromMaintenanceWindow(b -> b.windowId(windowId).windowTaskId(old.windowTaskId())));
                        keep.remove(old.windowTaskId());
                        String id = register(ssm, windowId, t, sdkTargets, params);
                        keep.add(id);
                    } else {
                        SsmErrors.call("update task " + t.name(), old.windowTaskId(), () -> ssm
                                .updateMaintenanceWindowTask(b -> b.windowId(windowId).windowTaskId(old.windowTaskId())
                                        .name(t.name()).taskArn(t.arn()).targets(sdkTargets).taskInvocationParameters(params)
                                        .priority(t.priority()).maxConcurrency(t.maxConcurrency()).maxErrors(t.maxErrors())
                                        .serviceRoleArn(t.serviceRoleArn()).cutoffBehavior(cutoffBehavior(t))
                                        .replace(true)));
                    }
                    changes.add("updated task " + t.name());
                }
            }
            for (MaintenanceWindowTask e : existing) {
                if (!keep.contains(e.windowTaskId())) {
                    SsmErrors.call("deregister task " + e.name(), e.windowTaskId(), () -> ssm
                            .deregisterTaskFromMaintenanceWindow(b -> b.windowId(windowId).windowTaskId(e.windowTaskId())));
                    changes.add("deregistered undeclared task " + (e.name() != null ? e.name() : e.windowTaskId()));
                }
            }
            for (MaintenanceWindowTarget e : staleTargets) {
                SsmErrors.call("deregister target " + e.name(), e.windowTargetId(), () -> ssm
                        .deregisterTargetFromMaintenanceWindow(b -> b.windowId(windowId).windowTargetId(e.windowTargetId())));
                changes.add("deregistered undeclared target " + (e.name() != null ? e.name() : e.windowTargetId()));
            }
        }

        private static String register(SsmClient ssm, String windowId, Task t,
                List<software.amazon.awssdk.services.ssm.model.Target> sdkTargets,
                MaintenanceWindowTaskInvocationParameters params) {
            return SsmErrors.call("register task " + t.name(), windowId, () -> ssm
                    .registerTaskWithMaintenanceWindow(b -> b.windowId(windowId).name(t.name()).taskArn(t.arn())
                            .taskType(t.type().name()).targets(sdkTargets).taskInvocationParameters(params)
                            .priority(t.priority()).maxConcurrency(t.maxConcurrency()).maxErrors(t.maxErrors())
                            .serviceRoleArn(t.serviceRoleArn()).cutoffBehavior(cutoffBehavior(t))).windowTaskId());
        }

        /** Always sent, so that a task going back to CONTINUE_TASK is updated too; SSM may omit the default when read. */
        private static MaintenanceWindowTaskCutoffBehavior cutoffBehavior(Task t) {
            return t.cancelsAtCutoff() ? MaintenanceWindowTaskCutoffBehavior.CANCEL_TASK
                    : MaintenanceWindowTaskCutoffBehavior.CONTINUE_TASK;
        }

        private static MaintenanceWindowTaskInvocationParameters invocationParameters(Task t) {
            MaintenanceWindowTaskInvocationParameters.Builder b = MaintenanceWindowTaskInvocationParameters.builder();
            switch (t.type()) {
                case RUN_COMMAND -> b.runCommand(MaintenanceWindowRunCommandParameters.builder()
                        .parameters(t.parameters().isEmpty() ? null : t.parameters())
                        .timeoutSeconds(t.timeoutSeconds()).build());
                case AUTOMATION -> b.automation(MaintenanceWindowAutomationParameters.builder()
                        .parameters(t.parameters().isEmpty() ? null : t.parameters()).build());
                case LAMBDA -> b.lambda(MaintenanceWindowLambdaParameters.builder()
                        .payload(t.payload() == null ? null
                                : software.amazon.awssdk.core.SdkBytes.fromUtf8String(t.payload())).build());
                case STEP_FUNCTIONS -> b.stepFunctions(MaintenanceWindowStepFunctionsParameters.builder()
                        .input(t.payload()).build());
                default -> throw new IllegalStateException(t.type().name());
            }
            return b.build();
        }

        private static void same(List<String> diff, String what, Object actual, Object wanted) {
            if (!Objects.equals(actual, wanted)) {
                diff.add(what + " " + actual + " -> " + wanted);
            }
        }
    }
}
