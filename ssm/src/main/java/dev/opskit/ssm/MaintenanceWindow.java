package dev.opskit.ssm;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Backoff;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.Waiter;
import dev.opskit.core.WaitTimeoutException;
import dev.opskit.ssm.internal.SsmErrors;
import dev.opskit.ssm.internal.WindowReader;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DoesNotExistException;
import software.amazon.awssdk.services.ssm.model.GetMaintenanceWindowResponse;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowExecution;

/**
 * A maintenance window that exists in SSM: read its executions, wait for the next one, change
 * its schedule, disable, enable or delete it. Get one from {@link MaintenanceWindows.Definition#apply()}
 * or {@link MaintenanceWindows#named(String)}.
 *
 * <pre>{@code
 * MaintenanceWindow w = MaintenanceWindows.named("patch-window", ctx);
 * Execution e = w.awaitNextExecution(Duration.ofMinutes(10));
 * e.invocations().forEach(i -> System.out.println(i.output().map(Invocation.CommandOutput::stdout).orElse("")));
 * w.reschedule(Schedule.at(LocalDateTime.parse("2026-11-26T12:00:00")));
 * }</pre>
 *
 * <p>The handle remembers which executions it has shown, so {@link #awaitNextExecution} waits for
 * one it has not seen yet. Thread-safe.
 */
public final class MaintenanceWindow {
    private final AwsContext ctx;
    private final SsmClient ssm;
    private final String id;
    private final String name;
    private final List<String> changes;
    private final Set<String> seen = new HashSet<>();

    MaintenanceWindow(AwsContext ctx, String id, String name, List<String> changes) {
        this.ctx = ctx;
        this.ssm = ctx.client(SsmClient.class, SsmClient::builder);
        this.id = id;
        this.name = name;
        this.changes = List.copyOf(changes);
        new WindowReader(ssm).summaries(id).forEach(e -> seen.add(e.windowExecutionId()));
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
        WindowReader reader = new WindowReader(ssm);
        List<MaintenanceWindowExecution> list = reader.summaries(id);
        synchronized (seen) {
            list.forEach(e -> seen.add(e.windowExecutionId()));
        }
        return list.stream().map(reader::read).toList();
    }

    /**
     * Waits until an execution this handle has not shown yet has finished, and returns it.
     *
     * @param timeout how long to wait at most
     * @return the execution, finished, with its output
     * @throws WaitTimeoutException if none finished in time, naming the last status seen
     */
    public Execution awaitNextExecution(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        WindowReader reader = new WindowReader(ssm);
        MaintenanceWindowExecution done = Waiter.forResource("maintenance window " + id + " (" + name + ")")
                .waitingFor("its next execution to finish")
                .poll(() -> {
                    List<MaintenanceWindowExecution> list = reader.summaries(id);
                    synchronized (seen) {
                        // Oldest unseen first: executions are listed newest first.
                        for (int i = list.size() - 1; i >= 0; i--) {
                            if (!seen.contains(list.get(i).windowExecutionId())) {
                                return Optional.of(list.get(i));
                            }
                        }
                    }
                    return Optional.<MaintenanceWindowExecution>empty();
                })
                .state(o -> o.map(e -> e.statusAsString()).orElse("no new execution"))
                .succeedWhen(o -> o.isPresent() && new Execution(o.get().windowExecutionId(), o.get().statusAsString(),
                        null, null, null, List.of()).finished())
                .deadline(timeout)
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .await()
                .orElseThrow();
        synchronized (seen) {
            seen.add(done.windowExecutionId());
        }
        return reader.read(done);
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
        try {
            ssm.deleteMaintenanceWindow(b -> b.windowId(id));
        } catch (DoesNotExistException e) {
            // Already gone: the goal is reached.
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
