package dev.opskit.ssm.internal;

import dev.opskit.core.Backoff;
import dev.opskit.core.Sleeper;
import dev.opskit.core.Waiter;
import dev.opskit.core.event.EventBus;
import dev.opskit.ssm.Execution;
import dev.opskit.ssm.Invocation;
import dev.opskit.ssm.TaskRun;
import dev.opskit.ssm.event.ExecutionFinished;
import dev.opskit.ssm.event.ExecutionStarted;
import dev.opskit.ssm.event.TaskInvocationFinished;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowExecution;

/**
 * The executions of one window as a handle follows them: which it has shown, and the waits for
 * the next one or a given one, through core's {@link Waiter}. Each wait publishes
 * {@code Waiting} events, an {@link ExecutionStarted} the first time it sees an execution, and
 * once it has finished a {@link TaskInvocationFinished} per invocation and an
 * {@link ExecutionFinished}. Thread-safe.
 */
public final class ExecutionWatch {
    /**
     * How often a wait looks: soon at first (LocalAws runs an execution in well under a second),
     * then every 5 s at most (AWS's take minutes; a look is one list call).
     */
    static final Backoff POLL = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));
    private static final Set<String> FINAL = Set.of("SUCCESS", "FAILED", "TIMED_OUT", "CANCELLED", "SKIPPED_OVERLAPPING");

    private final WindowReader reader;
    private final String windowId;
    private final String resource;
    private final EventBus bus;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> announced = new HashSet<>();

    /**
     * @param ssm the client
     * @param windowId the window
     * @param windowName its name, for messages
     * @param bus where events go
     * @param clock event times and deadlines
     * @param sleeper how waits sleep
     */
    public ExecutionWatch(SsmClient ssm, String windowId, String windowName, EventBus bus, Clock clock,
            Sleeper sleeper) {
        this.reader = new WindowReader(ssm);
        this.windowId = windowId;
        this.resource = "maintenance window " + windowId + " (" + windowName + ")";
        this.bus = bus;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * @param status an execution's status
     * @return true once an execution with it can no longer change
     */
    public static boolean isFinal(String status) {
        return FINAL.contains(status);
    }

    /** Marks every execution there is now as shown, so that the next wait is for a later one. */
    public void skipExisting() {
        List<MaintenanceWindowExecution> list = reader.summaries(windowId);
        synchronized (seen) {
            list.forEach(e -> seen.add(e.windowExecutionId()));
        }
    }

    /** @return every execution, newest first, all marked as shown */
    public List<Execution> all() {
        List<MaintenanceWindowExecution> list = reader.summaries(windowId);
        synchronized (seen) {
            list.forEach(e -> seen.add(e.windowExecutionId()));
        }
        return list.stream().map(reader::read).toList();
    }

    /**
     * Waits for the oldest execution not shown yet to finish.
     *
     * @param timeout how long at most
     * @return it, with its tasks, invocations and output
     */
    public Execution awaitNext(Duration timeout) {
        MaintenanceWindowExecution done = look(Waiter.forResource(resource)
                .waitingFor("its next execution to finish")
                .poll(() -> {
                    List<MaintenanceWindowExecution> list = reader.summaries(windowId);
                    Optional<MaintenanceWindowExecution> next = Optional.empty();
                    synchronized (seen) {
                        // Oldest unseen first: executions are listed newest first.
                        for (int i = list.size() - 1; i >= 0 && next.isEmpty(); i--) {
                            if (!seen.contains(list.get(i).windowExecutionId())) {
                                next = Optional.of(list.get(i));
                            }
                        }
                    }
                    next.ifPresent(this::announce);
                    return next;
                })
                .state(o -> o.map(MaintenanceWindowExecution::statusAsString).orElse("no new execution"))
                .succeedWhen(o -> o.isPresent() && isFinal(o.get().statusAsString())), timeout);
        return finished(done);
    }

    /**
     * Waits for one execution of this window to finish.
     *
     * @param executionId the window execution id
     * @param timeout how long at most
     * @return it, with its tasks, invocations and output
     */
    public Execution await(String executionId, Duration timeout) {
        Objects.requireNonNull(executionId, "executionId");
        MaintenanceWindowExecution done = look(Waiter.forResource(resource)
                .waitingFor("execution " + executionId + " to finish")
                .poll(() -> {
                    Optional<MaintenanceWindowExecution> e = reader.summaries(windowId).stream()
                            .filter(x -> executionId.equals(x.windowExecutionId())).findFirst();
                    e.ifPresent(this::announce);
                    return e;
                })
                .state(o -> o.map(MaintenanceWindowExecution::statusAsString).orElse("not listed"))
                .failWhen(Optional::isEmpty, o -> "the window has no execution " + executionId
                        + "; list them with executions()")
                .succeedWhen(o -> isFinal(o.get().statusAsString())), timeout);
        return finished(done);
    }

    /** Runs a wait with this watch's timing and bus; it succeeds only with an execution. */
    private MaintenanceWindowExecution look(Waiter.Builder<Optional<MaintenanceWindowExecution>> wait,
            Duration timeout) {
        return wait.deadline(timeout).backoff(POLL).clock(clock).sleeper(sleeper).events(bus, null, null).await()
                .orElseThrow();
    }

    private void announce(MaintenanceWindowExecution e) {
        boolean first;
        synchronized (announced) {
            first = announced.add(e.windowExecutionId());
        }
        if (first) {
            bus.publish(new ExecutionStarted(clock.instant(), windowId, e.windowExecutionId(), e.statusAsString(),
                    e.startTime()));
        }
    }

    private Execution finished(MaintenanceWindowExecution done) {
        synchronized (seen) {
            seen.add(done.windowExecutionId());
        }
        Execution e = reader.read(done);
        for (TaskRun t : e.tasks()) {
            for (Invocation i : t.invocations()) {
                bus.publish(new TaskInvocationFinished(clock.instant(), windowId, e.id(), t.id(), i.id(), t.taskArn(),
                        i.instanceId(), i.status(), i.output().map(Invocation.CommandOutput::exitCode).orElse(null)));
            }
        }
        bus.publish(new ExecutionFinished(clock.instant(), windowId, e.id(), e.status(), e.statusDetails(),
                e.startTime(), e.endTime(), e.tasks().size()));
        return e;
    }
}
