package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.ConflictException;
import dev.opskit.core.Plan;
import dev.opskit.core.PlannedStep;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.StepResult;
import dev.opskit.core.VirtualTime;
import dev.opskit.core.WaitFailedException;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.RunbookFinished;
import dev.opskit.core.event.StepSkipped;
import dev.opskit.core.event.StepSucceeded;
import dev.opskit.core.event.Waiting;
import dev.opskit.ssm.event.ExecutionFinished;
import dev.opskit.ssm.event.ExecutionStarted;
import dev.opskit.ssm.event.MaintenanceWindowEvent;
import dev.opskit.ssm.event.TaskInvocationFinished;
import dev.opskit.ssm.event.WindowChanged;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import dev.opskit.testkit.LocalInstances;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTask;

/**
 * The apply as a runbook: its steps, its plan (which changes nothing), its events, and the rule
 * that a step's own exception reaches the caller; and the events of a handle's waits.
 */
class MaintenanceWindowRunbookIT {
    private static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-04-06T09:00:00Z"));
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static LocalAws aws;
    private static AwsContext ctx;
    private static SsmClient ssm;
    private static LocalInstances.Instance instance;

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().clock(TIME.clock())
            .configure(b -> b.dataDir(dataDir)).perClass();

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        ctx = AWS.context();
        ssm = ctx.client(SsmClient.class, SsmClient::builder);
        instance = aws.instances().list().get(0);
    }

    /** Version one: two targets, three tasks. */
    private static MaintenanceWindows.Definition first(String name) {
        return MaintenanceWindows.create(name).schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .target(Targets.instances(instance.id()).named("web"))
                .target(Targets.tag("Role", "old").named("old"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo kept").named("kept").on("web"))
                .task(Tasks.automation("AWS-RestartEC2Instance").named("retyped"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo dropped").named("dropped").on("old"))
                .context(ctx);
    }

    /** Version two: one target and one task gone, one task of another type, one updated. */
    private static MaintenanceWindows.Definition second(String name) {
        return MaintenanceWindows.create(name).schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .target(Targets.instances(instance.id()).named("web"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo kept", "echo again").named("kept"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo retyped").named("retyped"))
                .context(ctx);
    }

    @Test
    void planOfANewWindowSaysWhatWouldBeCreatedAndCreatesNothing() {
        Plan plan = first("planned-window").plan();

        assertThat(plan.steps()).extracting(PlannedStep::name)
                .containsExactly("window", "targets", "tasks", "undeclared-tasks", "undeclared-targets");
        assertThat(plan.step("window").kind()).isEqualTo(PlannedStep.Kind.CHANGE);
        assertThat(plan.step("window").detail()).isEqualTo("create window planned-window on rate(1 day), 2 h long, cutoff 1 h");
        assertThat(plan.step("targets").detail()).isEqualTo("register targets [web, old]");
        assertThat(plan.step("tasks").detail()).isEqualTo("register tasks [kept, retyped, dropped]");
        assertThat(plan.step("undeclared-tasks").kind()).isEqualTo(PlannedStep.Kind.NO_CHANGE);
        assertThat(plan.step("undeclared-targets").kind()).isEqualTo(PlannedStep.Kind.NO_CHANGE);
        assertThat(plan.step("tasks").provisional()).isTrue();
        assertThatThrownBy(() -> MaintenanceWindows.named("planned-window", ctx))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void applyPublishesStepsAndTypedChangesAndAPlanAfterAChangeSaysWhatWouldGo() {
        List<OpsEvent> all = new CopyOnWriteArrayList<>();
        List<WindowChanged> changed = new CopyOnWriteArrayList<>();
        EventBus own = new EventBus();
        List<OpsEvent> onOwnBus = new CopyOnWriteArrayList<>();
        own.subscribe(onOwnBus::add);

        MaintenanceWindow w = first("evented-window").listener(all::add)
                .listener(WindowChanged.class, changed::add).events(own).apply();

        assertThat(w.changes()).containsExactly("created window " + w.id(), "registered target web",
                "registered target old", "registered task kept", "registered task retyped", "registered task dropped");
        assertThat(changed).extracting(WindowChanged::message).isEqualTo(w.changes());
        assertThat(changed).allSatisfy(e -> {
            assertThat(e.windowId()).isEqualTo(w.id());
            assertThat(e.resource()).isEqualTo(w.id());
            assertThat(e.runbookId()).matches("rb-[0-9a-f]{8}");
        });
        assertThat(changed).extracting(WindowChanged::part, WindowChanged::change, WindowChanged::step)
                .startsWith(org.assertj.core.groups.Tuple.tuple(WindowChanged.Part.WINDOW, WindowChanged.Change.CREATED,
                        "window"));
        assertThat(all).filteredOn(StepSucceeded.class::isInstance).extracting(OpsEvent::step)
                .containsExactly("window", "targets", "tasks");
        assertThat(all).filteredOn(StepSkipped.class::isInstance).extracting(OpsEvent::step)
                .containsExactly("undeclared-tasks", "undeclared-targets");
        assertThat(all.get(all.size() - 1)).isInstanceOfSatisfying(RunbookFinished.class,
                f -> assertThat(f.succeeded()).isTrue());
        assertThat(onOwnBus).isEqualTo(all);

        Plan unchanged = first("evented-window").plan();
        assertThat(unchanged.hasChanges()).as(unchanged.toString()).isFalse();

        Plan plan = second("evented-window").plan();
        assertThat(plan.step("window").kind()).isEqualTo(PlannedStep.Kind.NO_CHANGE);
        assertThat(plan.step("targets").kind()).isEqualTo(PlannedStep.Kind.NO_CHANGE);
        assertThat(plan.step("tasks").detail()).isEqualTo("update task kept (parameters changed), "
                + "replace task retyped (task type AUTOMATION -> RUN_COMMAND)");
        assertThat(plan.step("undeclared-tasks").detail()).isEqualTo("deregister undeclared tasks [dropped]");
        assertThat(plan.step("undeclared-targets").detail()).isEqualTo("deregister undeclared targets [old]");
        assertThat(taskNames(w.id())).containsExactlyInAnyOrder("kept", "retyped", "dropped");

        MaintenanceWindow again = second("evented-window").apply();

        assertThat(again.changes()).containsExactly("updated task kept",
                "replaced task retyped: task type AUTOMATION -> RUN_COMMAND",
                "deregistered undeclared task dropped", "deregistered undeclared target old");
        assertThat(taskNames(w.id())).containsExactlyInAnyOrder("kept", "retyped");
        assertThat(ssm.describeMaintenanceWindowTasks(b -> b.windowId(w.id())).tasks())
                .filteredOn(t -> t.name().equals("retyped")).singleElement()
                .satisfies(t -> assertThat(t.typeAsString()).isEqualTo("RUN_COMMAND"));
        assertThat(ssm.describeMaintenanceWindowTargets(b -> b.windowId(w.id())).targets())
                .extracting(t -> t.name()).containsExactly("web");
        assertThat(second("evented-window").plan().hasChanges()).isFalse();
        assertThat(second("evented-window").apply().changes()).isEmpty();
    }

    @Test
    void aStepsOwnExceptionReachesTheCallerWithItsStepAndTheOutcome() {
        for (int i = 0; i < 2; i++) {
            ssm.createMaintenanceWindow(b -> b.name("twin-window").schedule("rate(1 day)").duration(2).cutoff(1)
                    .allowUnassociatedTargets(false));
        }

        assertThatThrownBy(() -> MaintenanceWindows.create("twin-window").schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .context(ctx).apply())
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e).hasMessageContaining("2 maintenance windows are named 'twin-window'");
                    assertThat(e.step()).hasValue("window");
                    assertThat(e.outcome()).hasValueSatisfying(o -> assertThat(o.steps())
                            .extracting(StepResult::status).containsExactly(StepResult.Status.FAILED,
                                    StepResult.Status.NOT_RUN, StepResult.Status.NOT_RUN, StepResult.Status.NOT_RUN,
                                    StepResult.Status.NOT_RUN));
                });
    }

    @Test
    void waitsPublishTheExecutionItsInvocationsAndTheirEnd() {
        List<MaintenanceWindowEvent> seen = new CopyOnWriteArrayList<>();
        List<Waiting> waits = new CopyOnWriteArrayList<>();
        MaintenanceWindow w = MaintenanceWindows.create("watched-window").schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .target(Targets.instances(instance.id()))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo watched").named("echo"))
                .listener(MaintenanceWindowEvent.class, seen::add)
                .listener(Waiting.class, waits::add)
                .context(ctx).apply();
        seen.clear();

        TIME.advance(Duration.ofDays(1));
        Execution e = w.awaitNextExecution(WAIT);

        assertThat(e.status()).isEqualTo("SUCCESS");
        assertThat(seen.get(0)).isInstanceOfSatisfying(ExecutionStarted.class, s -> {
            assertThat(s.executionId()).isEqualTo(e.id());
            assertThat(s.windowId()).isEqualTo(w.id());
        });
        assertThat(seen.subList(1, seen.size())).hasSize(2);
        assertThat(seen.get(1)).isInstanceOfSatisfying(TaskInvocationFinished.class, i -> {
            assertThat(i.executionId()).isEqualTo(e.id());
            assertThat(i.instanceId()).isEqualTo(instance.id());
            assertThat(i.taskArn()).isEqualTo("AWS-RunShellScript");
            assertThat(i.status()).isEqualTo("SUCCESS");
            assertThat(i.exitCode()).isZero();
        });
        assertThat(seen.get(2)).isInstanceOfSatisfying(ExecutionFinished.class, f -> {
            assertThat(f.executionId()).isEqualTo(e.id());
            assertThat(f.succeeded()).isTrue();
            assertThat(f.tasks()).isEqualTo(1);
            assertThat(f.message()).isEqualTo("execution " + e.id() + " of window " + w.id() + " ended SUCCESS");
        });
        assertThat(waits).isNotEmpty().allSatisfy(x -> assertThat(x.resource()).contains(w.id()));

        seen.clear();
        assertThat(w.awaitExecution(e.id(), WAIT)).isEqualTo(e);
        assertThat(seen).hasSize(2).last().isInstanceOf(ExecutionFinished.class);
        assertThatThrownBy(() -> w.awaitExecution("00000000-0000-0000-0000-000000000000", WAIT))
                .isInstanceOf(WaitFailedException.class).hasMessageContaining("the window has no execution");
    }

    @Test
    void extraTargetsAndTasksOfADeclaredNameAreDeregistered() {
        MaintenanceWindow w = second("doubled-window").apply();
        String web = ssm.describeMaintenanceWindowTargets(b -> b.windowId(w.id())).targets().get(0).windowTargetId();
        // As a second run would leave them if a register call of a dead run landed after it had looked.
        ssm.registerTargetWithMaintenanceWindow(b -> b.windowId(w.id()).name("web").resourceType("INSTANCE")
                .targets(t -> t.key("InstanceIds").values(instance.id())));
        ssm.registerTaskWithMaintenanceWindow(b -> b.windowId(w.id()).name("kept").taskType("RUN_COMMAND")
                .taskArn("AWS-RunShellScript").maxConcurrency("1").maxErrors("1").priority(1)
                .targets(t -> t.key("WindowTargetIds").values(web)));

        assertThat(second("doubled-window").plan().step("undeclared-tasks").detail())
                .isEqualTo("deregister undeclared tasks [kept]");
        MaintenanceWindow again = second("doubled-window").apply();

        assertThat(again.changes()).containsExactly("deregistered undeclared task kept",
                "deregistered undeclared target web");
        assertThat(taskNames(w.id())).containsExactlyInAnyOrder("kept", "retyped");
        assertThat(ssm.describeMaintenanceWindowTargets(b -> b.windowId(w.id())).targets())
                .extracting(t -> t.windowTargetId()).containsExactly(web);
        assertThat(second("doubled-window").apply().changes()).isEmpty();
    }

    private static List<String> taskNames(String windowId) {
        return ssm.describeMaintenanceWindowTasks(b -> b.windowId(windowId)).tasks().stream()
                .map(MaintenanceWindowTask::name).toList();
    }
}
