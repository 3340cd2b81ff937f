package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Backoff;
import dev.opskit.core.VirtualTime;
import dev.opskit.core.Waiter;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import dev.opskit.testkit.LocalInstances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTask;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTaskCutoffBehavior;

/**
 * How a window's tasks share its time, on LocalAws with a virtual clock that the test moves while
 * commands run: tasks of one priority run together, nothing starts after the cutoff, and commands
 * still running when the window's time is up are stopped and reported TIMED_OUT.
 */
class MaintenanceWindowTimingIT {
    private static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-06-01T08:00:00Z"));
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static LocalAws aws;
    private static AwsContext ctx;

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().clock(TIME.clock())
            .configure(b -> b.dataDir(dataDir)).perClass();

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        ctx = AWS.context();
    }

    /** A shell loop that waits at most 10 s for a file, then fails if it never came. */
    private static String waitFor(String file) {
        return "i=0; while [ ! -f " + file + " ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; test -f " + file;
    }

    private static MaintenanceWindows.Definition daily(String name, LocalInstances.Instance on, int hours, int cutoff) {
        return MaintenanceWindows.create(name).schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .duration(Duration.ofHours(hours)).cutoff(Duration.ofHours(cutoff))
                .target(Targets.instances(on.id())).context(ctx);
    }

    @Test
    void tasksOfOnePriorityRunTogetherAfterTheLowerPriorityFinished() {
        LocalInstances.Instance host = aws.instances().register();
        MaintenanceWindow w = daily("parallel-window", host, 2, 1)
                .task(Tasks.runCommand("AWS-RunShellScript").named("left").priority(2)
                        .commands("test -f first-done", "touch left-started", waitFor("right-started")))
                .task(Tasks.runCommand("AWS-RunShellScript").named("right").priority(2)
                        .commands("test -f first-done", "touch right-started", waitFor("left-started")))
                .task(Tasks.runCommand("AWS-RunShellScript").named("first").priority(1)
                        .commands("touch first-done"))
                .apply();

        TIME.advance(Duration.ofDays(1));
        Execution e = w.awaitNextExecution(WAIT);

        // Each priority-2 task waits for the other to start: run one after the other, both fail.
        assertThat(e.tasks()).extracting(TaskRun::status).containsExactly("SUCCESS", "SUCCESS", "SUCCESS");
        assertThat(e.status()).isEqualTo("SUCCESS");
        assertThat(host.sandbox().resolve("left-started")).exists();
        assertThat(host.sandbox().resolve("right-started")).exists();
    }

    @Test
    void noTaskStartsOnceTheCutoffIsReached() throws Exception {
        LocalInstances.Instance host = aws.instances().register();
        MaintenanceWindow w = daily("cutoff-window", host, 2, 1)
                .task(Tasks.runCommand("AWS-RunShellScript").named("slow").priority(1)
                        .commands("touch started", waitFor("go")))
                .task(Tasks.runCommand("AWS-RunShellScript").named("late").priority(2).commands("touch late-ran"))
                .apply();

        TIME.advance(Duration.ofDays(1));
        awaitFile(host.sandbox().resolve("started"));
        // The slow task is still running when the window reaches duration - cutoff.
        TIME.advance(Duration.ofHours(1));
        Files.writeString(host.sandbox().resolve("go"), "");
        Execution e = w.awaitNextExecution(WAIT);

        assertThat(e.status()).isEqualTo("TIMED_OUT");
        assertThat(e.statusDetails()).isEqualTo("The maintenance window reached its cutoff before every task started.");
        assertThat(e.tasks()).singleElement().satisfies(t -> assertThat(t.status()).isEqualTo("SUCCESS"));
        assertThat(host.sandbox().resolve("late-ran")).doesNotExist();
    }

    /** A window whose one task is a command that runs for 20 s; fired, and its command started. */
    private record LongCommand(MaintenanceWindow window, Path sandbox) {
        static LongCommand start(String name, int hours, int cutoff, boolean cancelAtCutoff) throws Exception {
            LocalInstances.Instance host = aws.instances().register();
            Task task = Tasks.runCommand("AWS-RunShellScript").named("long")
                    .commands("touch started", "sleep 20", "touch finished");
            MaintenanceWindow w = daily(name, host, hours, cutoff)
                    .task(cancelAtCutoff ? task.cancelAtCutoff() : task)
                    .apply();
            TIME.advance(Duration.ofDays(1));
            awaitFile(host.sandbox().resolve("started"));
            return new LongCommand(w, host.sandbox());
        }
    }

    @Test
    void aCommandStillRunningAtTheWindowsEndIsStoppedAndTimedOut() throws Exception {
        LongCommand c = LongCommand.start("end-window", 1, 0, false);
        MaintenanceWindow w = c.window();

        TIME.advance(Duration.ofMinutes(59));
        Thread.sleep(100);
        assertThat(w.executions()).singleElement().satisfies(x -> assertThat(x.status()).isEqualTo("IN_PROGRESS"));
        TIME.advance(Duration.ofMinutes(1));
        long before = System.nanoTime();
        Execution e = w.awaitExecution(w.executions().get(0).id(), WAIT);

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
        assertThat(e.status()).isEqualTo("TIMED_OUT");
        TaskRun task = e.tasks().get(0);
        assertThat(task.status()).isEqualTo("TIMED_OUT");
        assertThat(task.statusDetails()).startsWith("The maintenance window ended.");
        Invocation i = task.invocations().get(0);
        assertThat(i.status()).isEqualTo("TIMED_OUT");
        assertThat(i.statusDetails()).contains("cancelled before it finished");
        assertThat(i.output()).hasValueSatisfying(o -> assertThat(o.status()).isEqualTo("Cancelled"));
        assertThat(c.sandbox().resolve("finished")).doesNotExist();
    }

    @Test
    void aCancelTaskCommandIsStoppedAtTheCutoff() throws Exception {
        LongCommand c = LongCommand.start("cancel-at-cutoff-window", 3, 1, true);

        TIME.advance(Duration.ofHours(2));
        Execution e = c.window().awaitNextExecution(WAIT);

        assertThat(e.status()).isEqualTo("TIMED_OUT");
        assertThat(e.tasks().get(0).statusDetails()).contains("cutoff behavior is CANCEL_TASK");
        assertThat(e.invocations()).extracting(Invocation::status).isEqualTo(List.of("TIMED_OUT"));
        assertThat(c.sandbox().resolve("finished")).doesNotExist();
    }

    @Test
    void aTaskWhoseOnlyChangeIsItsCutoffBehaviorIsUpdatedOnce() {
        LocalInstances.Instance host = aws.instances().register();
        Task task = Tasks.runCommand("AWS-RunShellScript").named("tidy").commands("true");
        MaintenanceWindow w = daily("cutoff-behavior-window", host, 3, 1).task(task).apply();
        assertThat(cutoffBehaviors(w)).containsExactly(MaintenanceWindowTaskCutoffBehavior.CONTINUE_TASK);

        MaintenanceWindow cancelling = daily("cutoff-behavior-window", host, 3, 1).task(task.cancelAtCutoff()).apply();
        assertThat(cancelling.changes()).containsExactly("updated task tidy");
        assertThat(cutoffBehaviors(w)).containsExactly(MaintenanceWindowTaskCutoffBehavior.CANCEL_TASK);
        assertThat(daily("cutoff-behavior-window", host, 3, 1).task(task.cancelAtCutoff()).apply().changes()).isEmpty();

        // Back to the default: CONTINUE_TASK is sent, not left out.
        assertThat(daily("cutoff-behavior-window", host, 3, 1).task(task).apply().changes())
                .containsExactly("updated task tidy");
        assertThat(cutoffBehaviors(w)).containsExactly(MaintenanceWindowTaskCutoffBehavior.CONTINUE_TASK);
        assertThat(daily("cutoff-behavior-window", host, 3, 1).task(task).apply().changes()).isEmpty();
    }

    /** The cutoff behavior of each of the window's tasks, as the SDK reads it. */
    private static List<MaintenanceWindowTaskCutoffBehavior> cutoffBehaviors(MaintenanceWindow w) {
        SsmClient ssm = ctx.client(SsmClient.class, SsmClient::builder);
        return ssm.describeMaintenanceWindowTasks(b -> b.windowId(w.id())).tasks().stream()
                .map(MaintenanceWindowTask::cutoffBehavior).toList();
    }

    /** Waits for a file a command creates once it has started. */
    private static void awaitFile(Path file) {
        Waiter.forResource("file " + file).waitingFor("the command to start and create it")
                .poll(() -> Files.exists(file))
                .succeedWhen(exists -> exists)
                .deadline(WAIT)
                .backoff(Backoff.fixed(Duration.ofMillis(20)))
                .await();
    }
}
