package dev.opskit.testkit.internal.ssm;

import static dev.opskit.testkit.internal.ssm.SsmErrors.doesNotExist;
import static dev.opskit.testkit.internal.ssm.SsmErrors.validation;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.schedule.ScheduleExpression;
import dev.opskit.testkit.internal.io.FileTrees;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.protocol.JsonService;
import dev.opskit.testkit.internal.server.Ticker;
import dev.opskit.testkit.internal.ssm.SsmModel.Execution;
import dev.opskit.testkit.internal.ssm.SsmModel.Instance;
import dev.opskit.testkit.internal.ssm.SsmModel.Invocation;
import dev.opskit.testkit.internal.ssm.SsmModel.Scope;
import dev.opskit.testkit.internal.ssm.SsmModel.Target;
import dev.opskit.testkit.internal.ssm.SsmModel.Task;
import dev.opskit.testkit.internal.ssm.SsmModel.TaskExecution;
import dev.opskit.testkit.internal.ssm.SsmModel.Window;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * SSM maintenance windows of LocalAws over awsJson1_1: windows, targets, tasks, executions and
 * their task invocations, plus the managed-instance and Run Command calls needed to see what ran.
 * The handlers check and change the {@link SsmModel}; {@link SsmViews} renders it, and
 * {@link WindowScheduler} fires the windows on LocalAws's clock, read on each tick of the shared
 * {@link Ticker}, so a test's virtual clock makes a five-minute rate fire as soon as it is advanced.
 *
 * <p>State is guarded by this object's monitor; executions run on their own daemon threads and
 * take the monitor only to record progress.
 */
public final class SsmService implements JsonService, AutoCloseable {
    /** SSM's default quotas. */
    static final int MAX_WINDOWS = 50;
    static final int MAX_TARGETS = 100;
    static final int MAX_TASKS = 20;

    /**
     * The operations handled, as named in the SSM model, each with its required members, which
     * are checked before anything else.
     */
    private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("CreateMaintenanceWindow", List.of("Name", "Schedule", "Duration", "Cutoff",
                    "AllowUnassociatedTargets")),
            Map.entry("GetMaintenanceWindow", List.of("WindowId")),
            Map.entry("UpdateMaintenanceWindow", List.of("WindowId")),
            Map.entry("DeleteMaintenanceWindow", List.of("WindowId")),
            Map.entry("DescribeMaintenanceWindows", List.of()),
            Map.entry("RegisterTargetWithMaintenanceWindow", List.of("WindowId", "ResourceType", "Targets")),
            Map.entry("DeregisterTargetFromMaintenanceWindow", List.of("WindowId", "WindowTargetId")),
            Map.entry("DescribeMaintenanceWindowTargets", List.of("WindowId")),
            Map.entry("UpdateMaintenanceWindowTarget", List.of("WindowId", "WindowTargetId")),
            Map.entry("RegisterTaskWithMaintenanceWindow", List.of("WindowId", "TaskArn", "TaskType")),
            Map.entry("DeregisterTaskFromMaintenanceWindow", List.of("WindowId", "WindowTaskId")),
            Map.entry("DescribeMaintenanceWindowTasks", List.of("WindowId")),
            Map.entry("GetMaintenanceWindowTask", List.of("WindowId", "WindowTaskId")),
            Map.entry("UpdateMaintenanceWindowTask", List.of("WindowId", "WindowTaskId")),
            Map.entry("DescribeMaintenanceWindowExecutions", List.of("WindowId")),
            Map.entry("GetMaintenanceWindowExecution", List.of("WindowExecutionId")),
            Map.entry("DescribeMaintenanceWindowExecutionTasks", List.of("WindowExecutionId")),
            Map.entry("GetMaintenanceWindowExecutionTask", List.of("WindowExecutionId", "TaskId")),
            Map.entry("DescribeMaintenanceWindowExecutionTaskInvocations", List.of("WindowExecutionId", "TaskId")),
            Map.entry("GetMaintenanceWindowExecutionTaskInvocation", List.of("WindowExecutionId", "TaskId",
                    "InvocationId")),
            Map.entry("DescribeInstanceInformation", List.of()),
            Map.entry("GetCommandInvocation", List.of("CommandId", "InstanceId")));

    /** The operations handled, as named in the SSM model. */
    public static final Set<String> OPERATIONS = Set.copyOf(REQUIRED.keySet());

    private static final Pattern WINDOW_ID = Pattern.compile("^mw-[0-9a-f]{17}$");
    private static final Pattern MAX_CONCURRENCY = Pattern.compile("^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$");
    private static final Pattern MAX_ERRORS = Pattern.compile("^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$");
    private static final Set<String> TASK_TYPES = Set.of("RUN_COMMAND", "AUTOMATION", "STEP_FUNCTIONS", "LAMBDA");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Path sandboxRoot;
    private final Map<String, Scope> scopes = new LinkedHashMap<>();
    /** Instances each account manages in every region, by account id. */
    private final Map<String, List<Instance>> everyRegion = new LinkedHashMap<>();
    private final WindowScheduler scheduler;
    private final CommandRunner commands;
    private long taskOrder;
    private volatile boolean closed;

    /**
     * @param ticker LocalAws's clock, which windows fire on, and its ticks
     * @param dataDir the LocalAws data directory; instance sandboxes go in a run directory below
     *     it, deleted on close
     */
    public SsmService(Ticker ticker, Path dataDir) {
        this.clock = ticker.clock();
        try {
            Files.createDirectories(dataDir);
            this.sandboxRoot = Files.createTempDirectory(dataDir, "ssm-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the SSM instance directory under " + dataDir, e);
        }
        this.commands = new CommandRunner(clock);
        this.scheduler = new WindowScheduler(this, ticker, commands);
        ticker.onTick("SSM maintenance windows", now -> {
            if (!closed) {
                scheduler.fireDue(scopes.values(), now);
            }
        });
    }

    @Override
    public String signingName() {
        return "ssm";
    }

    @Override
    public String targetPrefix() {
        return "AmazonSSM";
    }

    /**
     * Registers a local managed instance: an {@code i-} id with its own sandbox directory, where
     * Run Command runs its commands.
     *
     * @param accountId the account it belongs to
     * @param region its region, or null for a local machine that the account manages in every
     *     region, so that it is there wherever the account works
     * @param tags its tags, for {@code tag:<key>} targets
     * @return the instance id and its sandbox directory
     */
    public synchronized Map.Entry<String, Path> registerInstance(String accountId, String region,
            Map<String, String> tags) {
        byte[] b = new byte[9];
        RANDOM.nextBytes(b);
        String id = "i-" + HexFormat.of().formatHex(b).substring(0, 17);
        Path sandbox = sandboxRoot.resolve(id);
        try {
            Files.createDirectories(sandbox);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sandbox of " + id + " at " + sandbox, e);
        }
        Instance instance = new Instance(id, sandbox, tags, clock.instant());
        if (region != null) {
            scope(accountId, region).instances.put(id, instance);
        } else {
            everyRegion.computeIfAbsent(accountId, a -> new ArrayList<>()).add(instance);
            scopes.values().stream().filter(s -> s.accountId.equals(accountId))
                    .forEach(s -> s.instances.put(id, instance));
        }
        return Map.entry(id, sandbox);
    }

    /**
     * @return the instances of an account in a region: id to sandbox directory
     */
    public synchronized Map<String, Path> instances(String accountId, String region) {
        Map<String, Path> out = new LinkedHashMap<>();
        scope(accountId, region).instances.values().forEach(i -> out.put(i.id, i.sandbox));
        return out;
    }

    @Override
    public Object handle(JsonRequest r) {
        if (closed) {
            throw SsmErrors.of(SsmErrors.INTERNAL_SERVER_ERROR, "LocalAws SSM is shut down");
        }
        SsmErrors.requireMembers(REQUIRED.getOrDefault(r.operation(), List.of()), r.body());
        synchronized (this) {
            Scope s = scope(r.accountId(), r.region());
            return switch (r.operation()) {
                case "CreateMaintenanceWindow" -> createWindow(s, r);
                case "GetMaintenanceWindow" -> SsmViews.window(window(s, r), true);
                case "UpdateMaintenanceWindow" -> updateWindow(s, r);
                case "DeleteMaintenanceWindow" -> {
                    // Deleting is idempotent: the model declares no DoesNotExistException here.
                    String id = windowId(r);
                    s.windows.remove(id);
                    yield Map.of("WindowId", id);
                }
                case "DescribeMaintenanceWindows" -> describeWindows(s, r);
                case "RegisterTargetWithMaintenanceWindow" -> registerTarget(s, r);
                case "DeregisterTargetFromMaintenanceWindow" -> deregisterTarget(s, r);
                case "DescribeMaintenanceWindowTargets" -> {
                    Window w = window(s, r);
                    yield SsmInputs.page(r, "Targets", w.targets.values().stream().map(t -> SsmViews.target(w, t)).toList(), 10, 100);
                }
                case "UpdateMaintenanceWindowTarget" -> updateTarget(s, r);
                case "RegisterTaskWithMaintenanceWindow" -> registerTask(s, r);
                case "DeregisterTaskFromMaintenanceWindow" -> {
                    Window w = window(s, r);
                    Task t = task(w, r.require("WindowTaskId"));
                    w.tasks.remove(t.id);
                    yield Map.of("WindowId", w.id, "WindowTaskId", t.id);
                }
                case "DescribeMaintenanceWindowTasks" -> {
                    Window w = window(s, r);
                    yield SsmInputs.page(r, "Tasks", w.tasks.values().stream().map(t -> SsmViews.task(w, t, false)).toList(), 10, 100);
                }
                case "GetMaintenanceWindowTask" -> {
                    Window w = window(s, r);
                    yield SsmViews.task(w, task(w, r.require("WindowTaskId")), true);
                }
                case "UpdateMaintenanceWindowTask" -> updateTask(s, r);
                case "DescribeMaintenanceWindowExecutions" -> {
                    // An unknown window has no executions: the model declares no DoesNotExistException here.
                    Window w = s.windows.get(windowId(r));
                    List<Object> list = new ArrayList<>();
                    // Newest first, as SSM lists them.
                    for (int i = w == null ? -1 : w.executions.size() - 1; i >= 0; i--) {
                        list.add(SsmViews.execution(w.executions.get(i), false));
                    }
                    yield SsmInputs.page(r, "WindowExecutions", list, 10, 100);
                }
                case "GetMaintenanceWindowExecution" ->
                        SsmViews.execution(execution(s, r.require("WindowExecutionId")), true);
                case "DescribeMaintenanceWindowExecutionTasks" -> {
                    Execution e = execution(s, r.require("WindowExecutionId"));
                    yield SsmInputs.page(r, "WindowExecutionTaskIdentities",
                            e.tasks.stream().map(t -> SsmViews.taskExecution(t, false)).toList(), 10, 100);
                }
                case "GetMaintenanceWindowExecutionTask" -> {
                    Execution e = execution(s, r.require("WindowExecutionId"));
                    yield SsmViews.taskExecution(taskExecution(e, r.require("TaskId")), true);
                }
                case "DescribeMaintenanceWindowExecutionTaskInvocations" -> {
                    Execution e = execution(s, r.require("WindowExecutionId"));
                    TaskExecution t = taskExecution(e, r.require("TaskId"));
                    yield SsmInputs.page(r, "WindowExecutionTaskInvocationIdentities",
                            t.invocations.stream().map(SsmViews::invocation).toList(), 10, 100);
                }
                case "GetMaintenanceWindowExecutionTaskInvocation" -> {
                    Execution e = execution(s, r.require("WindowExecutionId"));
                    TaskExecution t = taskExecution(e, r.require("TaskId"));
                    String id = r.require("InvocationId");
                    Invocation inv = t.invocations.stream().filter(i -> i.id.equals(id)).findFirst()
                            .orElseThrow(() -> doesNotExist("Invocation " + id + " does not exist"));
                    Map<String, Object> v = SsmViews.invocation(inv);
                    v.put("TaskExecutionId", t.id);
                    yield v;
                }
                case "DescribeInstanceInformation" -> SsmInputs.page(r, "InstanceInformationList",
                        s.instances.values().stream().map(i -> SsmViews.instance(i, clock.instant())).toList(), 5, 50);
                case "GetCommandInvocation" -> commands.view(s, r.require("CommandId"), r.require("InstanceId"));
                default -> throw SsmErrors.of(SsmErrors.UNKNOWN_OPERATION,
                        "LocalAws SSM does not implement " + r.operation() + "; it handles " + OPERATIONS);
            };
        }
    }

    // ---------------------------------------------------------------- windows

    private Object createWindow(Scope s, JsonRequest r) {
        String name = SsmInputs.validName(r.require("Name"), "name");
        return SsmInputs.createOnce(s, r, "WindowId", () -> newWindow(s, r, name));
    }

    private String newWindow(Scope s, JsonRequest r, String name) {
        if (s.windows.size() >= MAX_WINDOWS) {
            throw SsmErrors.of(SsmErrors.RESOURCE_LIMIT_EXCEEDED, "Maintenance window limit exceeded: "
                    + "an account may have " + MAX_WINDOWS + " maintenance windows per region; delete unused ones");
        }
        Object allow = r.body().get("AllowUnassociatedTargets");
        if (!(allow instanceof Boolean)) {
            throw validation("Value null at 'allowUnassociatedTargets' failed to satisfy constraint: Member must not be null");
        }
        Window w = new Window(newWindowId(), s);
        w.name = name;
        w.description = r.string("Description");
        w.allowUnassociatedTargets = (Boolean) allow;
        Instant now = clock.instant();
        w.created = now;
        w.modified = now;
        applySchedule(w, r.require("Schedule"), r.string("ScheduleTimezone"), SsmInputs.intOrNull(r, "ScheduleOffset"),
                SsmInputs.intRequired(r, "Duration"), SsmInputs.intRequired(r, "Cutoff"), r.string("StartDate"), r.string("EndDate"));
        s.windows.put(w.id, w);
        return w.id;
    }

    private Object updateWindow(Scope s, JsonRequest r) {
        Window w = window(s, r);
        boolean replace = Boolean.TRUE.equals(r.body().get("Replace"));
        String name = r.string("Name") != null ? SsmInputs.validName(r.string("Name"), "name") : w.name;
        Integer offset = r.body().containsKey("ScheduleOffset") ? SsmInputs.intOrNull(r, "ScheduleOffset") : replace ? null : w.offset;
        applySchedule(w,
                orElse(r.string("Schedule"), w.scheduleText),
                r.body().containsKey("ScheduleTimezone") || replace ? r.string("ScheduleTimezone") : w.timezone,
                offset,
                r.number("Duration") != null ? SsmInputs.intRequired(r, "Duration") : w.duration,
                r.number("Cutoff") != null ? SsmInputs.intRequired(r, "Cutoff") : w.cutoff,
                r.body().containsKey("StartDate") || replace ? r.string("StartDate") : w.startDate,
                r.body().containsKey("EndDate") || replace ? r.string("EndDate") : w.endDate);
        w.name = name;
        if (r.body().containsKey("Description") || replace) {
            w.description = r.string("Description");
        }
        if (r.body().get("AllowUnassociatedTargets") instanceof Boolean b) {
            w.allowUnassociatedTargets = b;
        }
        if (r.body().get("Enabled") instanceof Boolean b) {
            w.enabled = b;
        }
        w.modified = clock.instant();
        return SsmViews.window(w, true);
    }

    /** Validates every schedule member together, then applies them and computes the next fire. */
    private void applySchedule(Window w, String schedule, String timezone, Integer offset, int duration, int cutoff,
            String startDate, String endDate) {
        ScheduleExpression expression;
        try {
            expression = ScheduleExpression.parse(schedule);
        } catch (InvalidInputException e) {
            throw validation("Invalid schedule expression '" + schedule + "': " + e.getMessage());
        }
        ZoneId zone = ZoneOffset.UTC;
        if (timezone != null) {
            try {
                zone = ZoneId.of(timezone);
            } catch (DateTimeException e) {
                throw validation("Invalid schedule timezone '" + timezone + "': use an IANA id such as Etc/UTC or America/Los_Angeles");
            }
        }
        if (duration < 1 || duration > 24) {
            throw validation("Value '" + duration + "' at 'duration' failed to satisfy constraint: Member must have value "
                    + "less than or equal to 24 and greater than or equal to 1");
        }
        if (cutoff < 0 || cutoff > 23) {
            throw validation("Value '" + cutoff + "' at 'cutoff' failed to satisfy constraint: Member must have value "
                    + "less than or equal to 23 and greater than or equal to 0");
        }
        if (cutoff >= duration) {
            throw validation("The cutoff (" + cutoff + " hours) must be less than the duration (" + duration + " hours)");
        }
        if (offset != null) {
            if (offset < 1 || offset > 6) {
                throw validation("Value '" + offset + "' at 'scheduleOffset' failed to satisfy constraint: Member must "
                        + "have value less than or equal to 6 and greater than or equal to 1");
            }
            if (!(expression instanceof ScheduleExpression.Cron)) {
                throw validation("A schedule offset can only be used with a cron expression, not " + schedule);
            }
        }
        Instant start = SsmInputs.date(startDate, "StartDate");
        Instant end = SsmInputs.date(endDate, "EndDate");
        Instant now = clock.instant();
        if (end != null && !end.isAfter(now)) {
            throw validation("The end date " + endDate + " must be in the future");
        }
        if (start != null && end != null && !end.isAfter(start)) {
            throw validation("The end date " + endDate + " must be after the start date " + startDate);
        }
        boolean changed = !Objects.equals(w.scheduleText, schedule) || !Objects.equals(w.startDate, startDate)
                || !Objects.equals(w.timezone, timezone) || !Objects.equals(w.offset, offset);
        w.scheduleText = schedule;
        w.schedule = expression;
        w.timezone = timezone;
        w.zone = zone;
        w.offset = offset;
        w.duration = duration;
        w.cutoff = cutoff;
        w.startDate = startDate;
        w.endDate = endDate;
        w.start = start;
        w.end = end;
        if (changed || w.anchor == null) {
            w.anchor = start != null ? start : now;
            w.next = WindowScheduler.nextFire(w, now);
        } else {
            w.next = w.next == null ? null : (end != null && w.next.isAfter(end) ? null : w.next);
        }
    }

    private Object describeWindows(Scope s, JsonRequest r) {
        List<Object> out = new ArrayList<>();
        for (Window w : s.windows.values()) {
            if (filtersMatch(r, w)) {
                out.add(SsmViews.window(w, false));
            }
        }
        return SsmInputs.page(r, "WindowIdentities", out, 10, 100);
    }

    @SuppressWarnings("unchecked")
    private static boolean filtersMatch(JsonRequest r, Window w) {
        for (Object f : r.list("Filters")) {
            Map<String, Object> filter = (Map<String, Object>) f;
            String key = String.valueOf(filter.get("Key"));
            List<Object> values = (List<Object>) filter.getOrDefault("Values", List.of());
            boolean ok = switch (key) {
                case "Name" -> values.contains(w.name);
                case "Enabled" -> values.contains(Boolean.toString(w.enabled));
                default -> throw validation("Unsupported filter key '" + key + "' for DescribeMaintenanceWindows: use Name or Enabled");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- targets

    private Object registerTarget(Scope s, JsonRequest r) {
        Window w = window(s, r);
        return SsmInputs.createOnce(s, r, "WindowTargetId", () -> newTarget(w, r));
    }

    private String newTarget(Window w, JsonRequest r) {
        String type = r.require("ResourceType");
        if (!type.equals("INSTANCE") && !type.equals("RESOURCE_GROUP")) {
            throw validation("Value '" + type + "' at 'resourceType' failed to satisfy constraint: Member must satisfy "
                    + "enum value set: [INSTANCE, RESOURCE_GROUP]");
        }
        if (w.targets.size() >= MAX_TARGETS) {
            throw SsmErrors.of(SsmErrors.RESOURCE_LIMIT_EXCEEDED, "Maintenance window " + w.id
                    + " already has " + MAX_TARGETS + " targets, the most a window may have");
        }
        Target t = new Target(UUID.randomUUID().toString());
        t.resourceType = type;
        t.targets = SsmInputs.targets(r, true, Set.of("InstanceIds"), true);
        t.ownerInformation = r.string("OwnerInformation");
        t.name = r.string("Name") == null ? null : SsmInputs.validName(r.string("Name"), "name");
        t.description = r.string("Description");
        w.targets.put(t.id, t);
        return t.id;
    }

    private Object deregisterTarget(Scope s, JsonRequest r) {
        Window w = window(s, r);
        Target t = target(w, r.require("WindowTargetId"));
        boolean safe = Boolean.TRUE.equals(r.body().get("Safe"));
        if (safe) {
            for (Task task : w.tasks.values()) {
                if (refersTo(task, t.id)) {
                    throw SsmErrors.of(SsmErrors.TARGET_IN_USE, "Target " + t.id
                            + " is referenced by task " + task.id + "; deregister the task first or call without Safe");
                }
            }
        }
        w.targets.remove(t.id);
        return Map.of("WindowId", w.id, "WindowTargetId", t.id);
    }

    private Object updateTarget(Scope s, JsonRequest r) {
        Window w = window(s, r);
        Target t = target(w, r.require("WindowTargetId"));
        boolean replace = Boolean.TRUE.equals(r.body().get("Replace"));
        if (r.body().containsKey("Targets")) {
            t.targets = SsmInputs.targets(r, true, Set.of("InstanceIds"), true);
        }
        if (r.body().containsKey("Name") || replace) {
            t.name = r.string("Name") == null ? null : SsmInputs.validName(r.string("Name"), "name");
        }
        if (r.body().containsKey("Description") || replace) {
            t.description = r.string("Description");
        }
        if (r.body().containsKey("OwnerInformation") || replace) {
            t.ownerInformation = r.string("OwnerInformation");
        }
        Map<String, Object> v = SsmViews.target(w, t);
        v.remove("ResourceType");
        return v;
    }

    // ---------------------------------------------------------------- tasks

    private Object registerTask(Scope s, JsonRequest r) {
        Window w = window(s, r);
        return SsmInputs.createOnce(s, r, "WindowTaskId", () -> newTask(w, r));
    }

    private String newTask(Window w, JsonRequest r) {
        if (w.tasks.size() >= MAX_TASKS) {
            throw SsmErrors.of(SsmErrors.RESOURCE_LIMIT_EXCEEDED, "Maintenance window " + w.id
                    + " already has " + MAX_TASKS + " tasks, the most a window may have");
        }
        Task t = new Task(UUID.randomUUID().toString());
        t.arn = r.require("TaskArn");
        t.type = r.require("TaskType");
        if (!TASK_TYPES.contains(t.type)) {
            throw validation("Value '" + t.type + "' at 'taskType' failed to satisfy constraint: Member must satisfy "
                    + "enum value set: [RUN_COMMAND, AUTOMATION, STEP_FUNCTIONS, LAMBDA]");
        }
        applyTask(w, t, r, false);
        t.order = taskOrder++;
        w.tasks.put(t.id, t);
        return t.id;
    }

    @SuppressWarnings("unchecked")
    private void applyTask(Window w, Task t, JsonRequest r, boolean update) {
        boolean replace = Boolean.TRUE.equals(r.body().get("Replace"));
        if (!update || r.body().containsKey("Targets") || replace) {
            List<Map<String, Object>> targets = SsmInputs.targets(r, false, Set.of("WindowTargetIds", "InstanceIds"), false);
            for (Map<String, Object> target : targets) {
                if ("WindowTargetIds".equals(target.get("Key"))) {
                    for (Object id : (List<Object>) target.get("Values")) {
                        if (!w.targets.containsKey(String.valueOf(id))) {
                            throw doesNotExist("Maintenance window target " + id + " does not exist in " + w.id);
                        }
                    }
                }
            }
            if (targets.isEmpty() && t.type.equals("RUN_COMMAND") && r.body().containsKey("MaxConcurrency")) {
                throw validation("A task with MaxConcurrency or MaxErrors needs Targets");
            }
            t.targets = targets;
        }
        if (r.body().containsKey("TaskArn")) {
            t.arn = r.require("TaskArn");
        }
        if (!update || r.body().containsKey("TaskInvocationParameters") || replace) {
            Object p = r.body().get("TaskInvocationParameters");
            t.invocationParameters = p instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        }
        if (!update || r.body().containsKey("TaskParameters") || replace) {
            Object p = r.body().get("TaskParameters");
            t.taskParameters = p instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        }
        if (!update || r.body().containsKey("Priority") || replace) {
            Long p = r.number("Priority");
            if (p != null && p < 0) {
                throw validation("Value '" + p + "' at 'priority' failed to satisfy constraint: Member must have value "
                        + "greater than or equal to 0");
            }
            t.priority = p == null ? 1 : p.intValue();
        }
        if (!update || r.body().containsKey("MaxConcurrency") || replace) {
            t.maxConcurrency = SsmInputs.matching(r.string("MaxConcurrency"), MAX_CONCURRENCY, "maxConcurrency");
        }
        if (!update || r.body().containsKey("MaxErrors") || replace) {
            t.maxErrors = SsmInputs.matching(r.string("MaxErrors"), MAX_ERRORS, "maxErrors");
        }
        if (!update || r.body().containsKey("Name") || replace) {
            t.name = r.string("Name") == null ? null : SsmInputs.validName(r.string("Name"), "name");
        }
        if (!update || r.body().containsKey("Description") || replace) {
            t.description = r.string("Description");
        }
        if (!update || r.body().containsKey("ServiceRoleArn") || replace) {
            t.serviceRoleArn = r.string("ServiceRoleArn");
        }
        if (!update || r.body().containsKey("CutoffBehavior") || replace) {
            t.cutoffBehavior = orElse(r.string("CutoffBehavior"), "CONTINUE_TASK");
        }
    }

    private Object updateTask(Scope s, JsonRequest r) {
        Window w = window(s, r);
        Task t = task(w, r.require("WindowTaskId"));
        applyTask(w, t, r, true);
        Map<String, Object> v = SsmViews.task(w, t, true);
        v.remove("TaskType");
        return v;
    }

    private static boolean refersTo(Task task, String targetId) {
        return task.targets.stream().anyMatch(t -> "WindowTargetIds".equals(t.get("Key"))
                && ((List<?>) t.get("Values")).contains(targetId));
    }

    // ---------------------------------------------------------------- helpers

    synchronized Scope scope(String accountId, String region) {
        return scopes.computeIfAbsent(accountId + "/" + region, k -> {
            Scope s = new Scope(accountId, region);
            everyRegion.getOrDefault(accountId, List.of()).forEach(i -> s.instances.put(i.id, i));
            return s;
        });
    }

    private static String windowId(JsonRequest r) {
        return SsmInputs.matching(r.require("WindowId"), WINDOW_ID, "windowId");
    }

    private static Window window(Scope s, JsonRequest r) {
        String id = windowId(r);
        Window w = s.windows.get(id);
        if (w == null) {
            throw doesNotExist("Maintenance window " + id + " does not exist");
        }
        return w;
    }

    private static Target target(Window w, String id) {
        Target t = w.targets.get(id);
        if (t == null) {
            throw doesNotExist("Maintenance window target " + id + " does not exist in " + w.id);
        }
        return t;
    }

    private static Task task(Window w, String id) {
        Task t = w.tasks.get(id);
        if (t == null) {
            throw doesNotExist("Maintenance window task " + id + " does not exist in " + w.id);
        }
        return t;
    }

    private static Execution execution(Scope s, String id) {
        for (Window w : s.windows.values()) {
            for (Execution e : w.executions) {
                if (e.id.equals(id)) {
                    return e;
                }
            }
        }
        throw doesNotExist("Maintenance window execution " + id + " does not exist");
    }

    private static TaskExecution taskExecution(Execution e, String id) {
        return e.tasks.stream().filter(t -> t.id.equals(id)).findFirst()
                .orElseThrow(() -> doesNotExist("Task execution " + id + " does not exist in " + e.id));
    }

    private static String newWindowId() {
        byte[] b = new byte[9];
        RANDOM.nextBytes(b);
        return "mw-" + HexFormat.of().formatHex(b).substring(0, 17);
    }

    private static String orElse(String a, String b) {
        return a != null ? a : b;
    }

    /** Stops firing, kills running commands and deletes the instance sandboxes. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.close();
        // Kills the commands and waits until each run (on its own invocation thread) has removed
        // its output files, so the delete below does not race with them.
        commands.close(Duration.ofSeconds(5));
        scheduler.awaitStopped(Duration.ofSeconds(5));
        try {
            FileTrees.deleteTree(sandboxRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the SSM instance directory " + sandboxRoot, e);
        }
    }
}
