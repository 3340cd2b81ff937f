package dev.opskit.ssm;

import dev.opskit.core.AwsContext;
import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Plan;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.ssm.event.MaintenanceWindowEvent;
import dev.opskit.ssm.event.WindowChanged;
import dev.opskit.ssm.internal.SsmErrors;
import dev.opskit.ssm.internal.window.WindowApply;
import dev.opskit.ssm.internal.window.WindowSettings;
import dev.opskit.ssm.internal.window.Windows;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowIdentity;

/**
 * SSM maintenance windows, declared fluently and applied idempotently by name: running the same
 * {@link Definition#apply()} again changes nothing, and after a change of the declaration it
 * updates the window, its targets and its tasks in place (matched by name) instead of creating
 * duplicates. Everything is validated before the first call. The apply is a core
 * {@link dev.opskit.core.Runbook} of named steps, so {@link Definition#plan()} shows what it would
 * do, its events go to the listeners given, and a run that died part-way is finished by the next.
 *
 * <pre>{@code
 * MaintenanceWindows.Definition patching = MaintenanceWindows.create("patch-window")
 *         .schedule(Schedule.rate(5, ChronoUnit.MINUTES))
 *         .duration(Duration.ofHours(2)).cutoff(Duration.ofHours(1))
 *         .allowUnassociatedTargets(true)
 *         .target(Targets.instances("i-0123456789abcdef0"))
 *         .task(Tasks.runCommand("AWS-RunShellScript").commands("ls").priority(10))
 *         .listener(WindowChanged.class, e -> System.out.println(e.message()))
 *         .context(ctx);
 * System.out.println(patching.plan());
 * MaintenanceWindow w = patching.apply();
 * w.executions();
 * w.reschedule(Schedule.at(LocalDateTime.parse("2026-11-26T12:00:00")));
 * }</pre>
 */
public final class MaintenanceWindows {
    /** SSM's default quotas of targets and tasks per window. */
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
        AwsContext ctx = AwsContext.defaults();
        try {
            return find(name, ctx, true);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
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
        return find(name, Objects.requireNonNull(ctx, "ctx"), false);
    }

    private static MaintenanceWindow find(String name, AwsContext ctx, boolean ownsContext) {
        Target.checkName(name, "window name");
        SsmClient ssm = ctx.client(SsmClient.class, SsmClient::builder);
        MaintenanceWindowIdentity w = SsmErrors.call("find window " + name, name, () -> Windows.find(ssm, name));
        if (w == null) {
            throw new ResourceNotFoundException("maintenance window", name,
                    "no window has that name in " + ctx.region() + "; create it with MaintenanceWindows.create(\"" + name
                            + "\")...apply()", null);
        }
        return new MaintenanceWindow(ctx, ownsContext, w.windowId(), name, List.of(), new EventBus());
    }

    /**
     * The declaration of a window: its schedule and settings, targets and tasks, and where the
     * events of applying it go. Each setter checks its value at once; {@link #plan()} and
     * {@link #apply()} check the whole before any call. Not thread-safe; each {@code apply()} is a
     * run of its own.
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
        private final List<Consumer<EventBus>> listeners = new ArrayList<>();
        private EventBus bus;
        private Duration deadline = Duration.ofMinutes(30);

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


        /** Checks the whole declaration, before any call. */
        private WindowSettings settings() {
            validate();
            return new WindowSettings(name, schedule, timeZone, durationHours, cutoffHours, startDate, endDate,
                    offsetDays, allowUnassociatedTargets, description, List.copyOf(targets.values()),
                    List.copyOf(tasks.values()));
        }

        /**
         * A listener for every event of the apply (or plan), and of the waits of the handle it
         * returns.
         *
         * @param listener the listener, e.g. {@code EventListener.console()}
         * @return this definition
         */
        public Definition listener(EventListener listener) {
            Objects.requireNonNull(listener, "listener");
            listeners.add(bus -> bus.subscribe(listener));
            return this;
        }

        /**
         * A listener for events of one type, e.g. {@code WindowChanged.class} or
         * {@code TaskInvocationFinished.class} (see {@link MaintenanceWindowEvent}).
         *
         * @param type the event type; its subtypes are delivered too
         * @param listener receives each such event
         * @param <E> the event type
         * @return this definition
         */
        public <E extends OpsEvent> Definition listener(Class<E> type, Consumer<? super E> listener) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(listener, "listener");
            listeners.add(bus -> bus.subscribe(type, listener));
            return this;
        }

        /**
         * Also publishes every event to a bus of your own (in addition to the listeners).
         *
         * @param bus the bus
         * @return this definition
         */
        public Definition events(EventBus bus) {
            this.bus = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * How long one step of the apply may take, with the retries of its AWS calls: throttling,
         * server errors and dropped connections are retried until then (default 30 minutes).
         *
         * @param deadline more than zero
         * @return this definition
         * @throws InvalidInputException if not positive
         */
        public Definition deadline(Duration deadline) {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw new InvalidInputException("deadline", String.valueOf(deadline),
                        "give how long one step may take, e.g. Duration.ofMinutes(10)");
            }
            this.deadline = deadline;
            return this;
        }

        /**
         * A dry run: what {@link #apply()} would create, update and deregister, step by step,
         * changing nothing.
         *
         * <pre>{@code
         * Plan plan = MaintenanceWindows.create("patch-window")...context(ctx).plan();
         * System.out.println(plan);   // window / targets / tasks / undeclared-tasks / undeclared-targets
         * }</pre>
         *
         * @return the plan
         * @throws InvalidInputException before any call if the definition is inconsistent
         * @throws ConflictException if several windows have this name or the quota of windows is
         *     reached
         */
        public Plan plan() {
            WindowSettings settings = settings();
            AwsContext ctx = context != null ? context : AwsContext.defaults();
            try {
                return new WindowApply(settings, ctx.client(SsmClient.class, SsmClient::builder), ctx.region().id(),
                        runBus(), deadline).plan();
            } finally {
                if (context == null) {
                    ctx.close();
                }
            }
        }

        /**
         * Creates the window, or brings an existing window of the same name in line with this
         * definition: its settings, its targets and tasks (matched by name; undeclared ones are
         * deregistered). A core {@link dev.opskit.core.Runbook} of the steps {@code window},
         * {@code targets}, {@code tasks}, {@code undeclared-tasks} and {@code undeclared-targets},
         * each observing SSM before it acts: safe to run again, a second run changes nothing, and a
         * run that died part-way is completed without duplicating the window, a target or a task.
         * Each change is a {@link WindowChanged} event.
         *
         * @return the window, with {@link MaintenanceWindow#changes()} listing what this run did;
         *     close it when done if no context was given
         * @throws InvalidInputException before any call if the definition is inconsistent
         * @throws ConflictException if several windows have this name or a quota is reached
         * @throws dev.opskit.core.OpsException if a step fails: its own exception, or a
         *     {@link dev.opskit.core.StepFailedException} naming the AWS operation that failed
         */
        public MaintenanceWindow apply() {
            WindowSettings settings = settings();
            AwsContext ctx = context != null ? context : AwsContext.defaults();
            try {
                EventBus events = runBus();
                WindowApply.Applied done = new WindowApply(settings, ctx.client(SsmClient.class, SsmClient::builder),
                        ctx.region().id(), events, deadline).apply();
                return new MaintenanceWindow(ctx, context == null, done.windowId(), name, done.changes(), events);
            } catch (RuntimeException e) {
                if (context == null) {
                    ctx.close();
                }
                throw e;
            }
        }

        /** A bus for one apply or plan: the listeners, and the given bus if any. */
        private EventBus runBus() {
            EventBus events = new EventBus();
            listeners.forEach(subscribe -> subscribe.accept(events));
            if (bus != null) {
                events.subscribe(bus::publish);
            }
            return events;
        }

        @Override
        public String toString() {
            return "MaintenanceWindows.Definition[" + name + (schedule == null ? "" : " " + schedule)
                    + ", targets=" + targets.keySet() + ", tasks=" + tasks.values() + "]";
        }
    }
}
