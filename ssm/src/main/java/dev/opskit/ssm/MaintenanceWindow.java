package dev.opskit.ssm;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Sleeper;
import dev.opskit.core.WaitFailedException;
import dev.opskit.core.WaitTimeoutException;
import dev.opskit.core.event.EventBus;
import dev.opskit.ssm.event.ExecutionFinished;
import dev.opskit.ssm.event.ExecutionStarted;
import dev.opskit.ssm.event.TaskInvocationFinished;
import dev.opskit.ssm.internal.ExecutionWatch;
import dev.opskit.ssm.internal.SsmErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DoesNotExistException;
import software.amazon.awssdk.services.ssm.model.GetMaintenanceWindowResponse;

/**
 * A maintenance window that exists in SSM: read its executions, wait for the next one, change
 * its schedule, disable, enable or delete it. Get one from {@link MaintenanceWindows.Definition#apply()}
 * or {@link MaintenanceWindows#named(String)}.
 *
 * <pre>{@code
 * try (MaintenanceWindow w = MaintenanceWindows.named("patch-window", ctx)) {
 *     w.events().subscribe(TaskInvocationFinished.class, i -> System.out.println(i.message()));
 *     Execution e = w.awaitNextExecution(Duration.ofMinutes(10));
 *     e.invocations().forEach(i -> System.out.println(i.output().map(Invocation.CommandOutput::stdout).orElse("")));
 *     w.reschedule(Schedule.at(LocalDateTime.parse("2026-11-26T12:00:00")));
 * }
 * }</pre>
 *
 * <p>The handle remembers which executions it has shown, so {@link #awaitNextExecution} waits for
 * one it has not seen yet. Its waits publish to {@link #events()}: a {@code Waiting} event per
 * look, {@link ExecutionStarted} when a new execution shows up, and when it has finished a
 * {@link TaskInvocationFinished} per invocation and an {@link ExecutionFinished}. Closing it
 * closes the AWS context only if the handle made that context itself (no context was given).
 * Thread-safe.
 */
public final class MaintenanceWindow implements AutoCloseable {
    private final AwsContext ctx;
    private final boolean ownsContext;
    private final SsmClient ssm;
    private final String id;
    private final String name;
    private final List<String> changes;
    private final EventBus bus;
    private final ExecutionWatch watch;

    MaintenanceWindow(AwsContext ctx, boolean ownsContext, String id, String name, List<String> changes, EventBus bus) {
        this.ctx = ctx;
        this.ownsContext = ownsContext;
        this.ssm = ctx.client(SsmClient.class, SsmClient::builder);
        this.id = id;
        this.name = name;
        this.changes = List.copyOf(changes);
        this.bus = bus;
        this.watch = new ExecutionWatch(ssm, id, name, bus, Clock.systemUTC(), Sleeper.system());
        watch.skipExisting();
    }

    /** @return the window id, {@code mw-} and 17 hex digits */
    public String id() {
        return id;
    }

    /** @return the window's name */
    public String name() {
        return name;
    }

    /**
     * @return what the {@code apply()} that returned this handle changed, e.g.
     *     {@code "created window mw-..."}, {@code "registered task ls"}; empty when nothing had to
     *     change (or for a handle from {@link MaintenanceWindows#named})
     */
    public List<String> changes() {
        return changes;
    }

    /**
     * Where this handle's waits publish their events: the bus of the {@code apply()} that made it
     * (its listeners, and its {@code events(bus)} if one was given), or a bus of its own.
     *
     * @return the bus; subscribe to it for execution events
     */
    public EventBus events() {
        return bus;
    }

    /** @return the current schedule */
    public Schedule schedule() {
        return Schedule.parse(read().schedule());
    }

    /** @return true if the window runs on its schedule */
    public boolean enabled() {
        return Boolean.TRUE.equals(read().enabled());
    }

    /** @return when SSM will run it next, as SSM reports it, if it will run again */
    public Optional<String> nextExecutionTime() {
        return Optional.ofNullable(read().nextExecutionTime());
    }

    /**
     * Every execution so far, newest first, with their tasks, invocations and command output.
     *
     * @return the executions
     */
    public List<Execution> executions() {
        return watch.all();
    }

    /**
     * Waits until an execution this handle has not shown yet has finished, and returns it.
     *
     * @param timeout how long to wait at most
     * @return the execution, finished, with its output
     * @throws WaitTimeoutException if none finished in time, naming the last status seen
     */
    public Execution awaitNextExecution(Duration timeout) {
        return watch.awaitNext(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Waits until one execution of this window has finished, e.g. the newest one of
     * {@link #executions()}, whether this handle has shown it or not.
     *
     * <pre>{@code
     * Execution running = w.executions().get(0);
     * Execution done = w.awaitExecution(running.id(), Duration.ofMinutes(30));
     * }</pre>
     *
     * @param executionId the window execution id
     * @param timeout how long to wait at most
     * @return the execution, finished, with its output
     * @throws WaitFailedException if the window has no such execution
     * @throws WaitTimeoutException if it did not finish in time, naming its last status
     */
    public Execution awaitExecution(String executionId, Duration timeout) {
        return watch.await(executionId, Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Changes when the window runs; a one-time {@code at(...)} runs once and then never again.
     *
     * @param schedule the new schedule
     * @return this window
     * @throws InvalidInputException if the window has a schedule offset and the schedule is not
     *     a cron, before any change
     */
    public MaintenanceWindow reschedule(Schedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        GetMaintenanceWindowResponse w = read();
        if (w.scheduleOffset() != null && !schedule.isCron()) {
            throw new InvalidInputException("schedule", schedule.toString(), "window " + id + " has a schedule offset of "
                    + w.scheduleOffset() + " days, which only applies to cron; use Schedule.cron(...) or recreate the window"
                    + " without an offset");
        }
        SsmErrors.call("reschedule window " + id, id,
                () -> ssm.updateMaintenanceWindow(b -> b.windowId(id).schedule(schedule.toString())));
        return this;
    }

    /**
     * Stops the window from running on its schedule.
     *
     * @return this window
     */
    public MaintenanceWindow disable() {
        SsmErrors.call("disable window " + id, id, () -> ssm.updateMaintenanceWindow(b -> b.windowId(id).enabled(false)));
        return this;
    }

    /**
     * Lets the window run on its schedule again.
     *
     * @return this window
     */
    public MaintenanceWindow enable() {
        SsmErrors.call("enable window " + id, id, () -> ssm.updateMaintenanceWindow(b -> b.windowId(id).enabled(true)));
        return this;
    }

    /**
     * Deletes the window with its targets, tasks and history. Deleting twice is fine.
     */
    public void delete() {
        SsmErrors.call("delete window " + id, id, () -> {
            try {
                return ssm.deleteMaintenanceWindow(b -> b.windowId(id));
            } catch (DoesNotExistException e) {
                return null; // Already gone: the goal is reached.
            }
        });
    }

    /**
     * Closes the AWS context if this handle made it ({@code apply()} or {@code named(name)}
     * without a context); a context that was given stays open. Closing twice is fine.
     */
    @Override
    public void close() {
        if (ownsContext) {
            ctx.close();
        }
    }

    private GetMaintenanceWindowResponse read() {
        return SsmErrors.call("read window " + id, id, () -> ssm.getMaintenanceWindow(b -> b.windowId(id)));
    }

    @Override
    public String toString() {
        return "MaintenanceWindow[" + id + " " + name + " in " + ctx.region() + "]";
    }
}
