package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import dev.opskit.ssm.event.WindowChanged;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation happens before any call: none of these needs AWS or LocalAws. */
class MaintenanceWindowsTest {

    @Test
    void schedulesRenderAsSsmExpressions() {
        assertThat(Schedule.rate(5, ChronoUnit.MINUTES)).hasToString("rate(5 minutes)");
        assertThat(Schedule.rate(1, ChronoUnit.DAYS)).hasToString("rate(1 day)");
        assertThat(Schedule.cron("0 2 ? * SUN *")).hasToString("cron(0 2 ? * SUN *)");
        assertThat(Schedule.at(LocalDateTime.parse("2026-11-26T12:00:00.5"))).hasToString("at(2026-11-26T12:00:00)");
        assertThat(Schedule.parse("at(2026-11-26T12:00:00)")).isEqualTo(Schedule.at(LocalDateTime.parse("2026-11-26T12:00")));
    }

    @Test
    void badSchedulesAndUnitsAreRejectedWithTheFix() {
        assertRejected(() -> Schedule.rate(5, ChronoUnit.WEEKS), "MINUTES, HOURS or DAYS");
        assertRejected(() -> Schedule.rate(0, ChronoUnit.MINUTES), "from 1");
        assertRejected(() -> Schedule.cron("0 2 * * SUN *"), "must be '?'");
        assertRejected(() -> Schedule.cron("0 2 ? * SUN"), "6 fields");
    }

    @Test
    void windowSettingsAreCheckedOneByOne() {
        MaintenanceWindows.Definition d = MaintenanceWindows.create("checks");
        assertRejected(() -> MaintenanceWindows.create("x"), "3 to 128");
        assertRejected(() -> d.duration(Duration.ofHours(25)), "whole hours from 1 to 24");
        assertRejected(() -> d.duration(Duration.ofMinutes(90)), "whole hours from 1 to 24");
        assertRejected(() -> d.cutoff(Duration.ofHours(24)), "whole hours from 0 to 23");
        assertRejected(() -> d.timeZone("Mars/Olympus"), "IANA time zone id");
        assertRejected(() -> d.scheduleOffset(7), "1 to 6 days");
    }

    @Test
    void inconsistentDefinitionsFailAtApplyBeforeAnyCall() {
        assertRejected(() -> MaintenanceWindows.create("no-schedule").apply(), "Schedule.cron");
        assertRejected(() -> MaintenanceWindows.create("cutoff").schedule(Schedule.rate(1, ChronoUnit.HOURS))
                .duration(Duration.ofHours(2)).cutoff(Duration.ofHours(2)).apply(), "less than the duration (2h)");
        assertRejected(() -> MaintenanceWindows.create("offset").schedule(Schedule.rate(1, ChronoUnit.HOURS))
                .scheduleOffset(2).apply(), "only applies to cron");
        assertRejected(() -> MaintenanceWindows.create("task-target").schedule(Schedule.rate(1, ChronoUnit.HOURS))
                .target(Targets.instances("i-0123456789abcdef0"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("ls").on("web")).apply(), "named 'web'");
        assertRejected(() -> MaintenanceWindows.create("no-targets").schedule(Schedule.rate(1, ChronoUnit.HOURS))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("ls")).apply(), "needs targets");
    }

    @Test
    void targetsAndTasksAreCheckedWhenMade() {
        assertRejected(() -> Targets.instances("i-123"), "i- and 17 hex digits");
        assertRejected(() -> Targets.instances(), "1 to 50 values");
        assertThat(Targets.tag("Patch Group", "prod").name()).isEqualTo("tag-patch-group");
        assertRejected(() -> Tasks.runCommand("AWS-RunShellScript").maxConcurrency("0"), "count from 1");
        assertRejected(() -> Tasks.runCommand("AWS-RunShellScript").maxErrors("101%"), "0% to 100%");
        assertRejected(() -> Tasks.runCommand("AWS-RunShellScript").priority(-1), "0 or more");
        assertRejected(() -> Tasks.lambda("arn:aws:lambda:us-east-1:111111111111:function:f").commands("ls"),
                "RUN_COMMAND tasks");
        assertThat(Tasks.lambda("arn:aws:lambda:us-east-1:111111111111:function:rotate").name()).isEqualTo("rotate");
    }

    @Test
    void cancelAtCutoffIsACopyThatDiffersOnlyInItsCutoffBehavior() {
        Task task = Tasks.runCommand("AWS-RunShellScript").commands("yum -y update").named("patch").priority(3);
        Task cancelling = task.cancelAtCutoff();

        assertThat(task.cancelsAtCutoff()).isFalse();
        assertThat(cancelling.cancelsAtCutoff()).isTrue();
        assertThat(cancelling).isNotEqualTo(task);
        assertThat(cancelling).isEqualTo(task.cancelAtCutoff()).hasSameHashCodeAs(task.cancelAtCutoff());
        assertThat(cancelling.toString()).contains("CANCEL_TASK");
        assertThat(task.toString()).doesNotContain("CANCEL_TASK");
        // Later copies keep it, and it keeps everything set before.
        assertThat(cancelling.priority(4).maxErrors("2").cancelsAtCutoff()).isTrue();
        assertThat(cancelling).extracting(Task::name, Task::priority, Task::parameters)
                .containsExactly("patch", 3, Map.of("commands", List.of("yum -y update")));
    }

    @Test
    void everyTaskTypeCanBeCancelledAtTheCutoff() {
        // SSM takes CANCEL_TASK for every type; for all but RUN_COMMAND it means no new invocation starts.
        assertThat(List.of(Tasks.runCommand("AWS-RunShellScript"), Tasks.automation("AWS-RestartEC2Instance"),
                Tasks.lambda("arn:aws:lambda:us-east-1:111111111111:function:rotate"),
                Tasks.stepFunctions("arn:aws:states:us-east-1:111111111111:stateMachine:drain")))
                .allSatisfy(t -> assertThat(t.cancelAtCutoff().cancelsAtCutoff()).isTrue());
    }

    @Test
    void quotasOfTargetsAndTasksPerWindow() {
        MaintenanceWindows.Definition d = MaintenanceWindows.create("quota");
        for (int i = 0; i < MaintenanceWindows.MAX_TASKS; i++) {
            d.task(Tasks.automation("AWS-RestartEC2Instance").named("task-" + i));
        }
        assertRejected(() -> d.task(Tasks.automation("AWS-RestartEC2Instance").named("one-more")), "at most 20 tasks");
        for (int i = 0; i < MaintenanceWindows.MAX_TARGETS; i++) {
            d.target(Targets.instances("i-0123456789abcdef0").named("target-" + i));
        }
        assertRejected(() -> d.target(Targets.instances("i-0123456789abcdef0").named("one-more")), "at most 100 targets");
    }

    @Test
    void everyCopyOfATaskKeepsEveryOtherPart() {
        Task full = Tasks.runCommand("AWS-RunShellScript").commands("ls").named("full").priority(3).maxConcurrency("2")
                .maxErrors("0").on("web").timeoutSeconds(60).serviceRole("arn:aws:iam::111111111111:role/mw")
                .cancelAtCutoff();

        assertThat(full).isEqualTo(new Task(TaskType.RUN_COMMAND, "AWS-RunShellScript", "full", 3, "2", "0",
                List.of("web"), Map.of("commands", List.of("ls")), 60, null, "arn:aws:iam::111111111111:role/mw", true));
        assertThat(full.priority(4)).extracting(Task::name, Task::priority, Task::maxConcurrency, Task::maxErrors,
                Task::targetNames, Task::parameters, Task::timeoutSeconds, Task::serviceRoleArn, Task::cancelsAtCutoff)
                .containsExactly("full", 4, "2", "0", List.of("web"), Map.of("commands", List.of("ls")), 60,
                        "arn:aws:iam::111111111111:role/mw", true);
        assertThat(full.named("renamed")).isEqualTo(new Task(TaskType.RUN_COMMAND, "AWS-RunShellScript", "renamed", 3,
                "2", "0", List.of("web"), Map.of("commands", List.of("ls")), 60, null,
                "arn:aws:iam::111111111111:role/mw", true));
        assertThat(Tasks.lambda("arn:aws:lambda:us-east-1:111111111111:function:rotate").payload("{\"a\":1}")
                .priority(2).payload()).isEqualTo("{\"a\":1}");
        assertRejected(() -> full.maxErrors("x"), "count from 0");
        assertThat(full.maxErrors()).isEqualTo("0");
    }

    @Test
    void aTaskNeverShowsItsParametersOrPayload() {
        Task t = Tasks.runCommand("AWS-RunShellScript").commands("curl -H 'Authorization: Bearer s3cr3t-t0ken' x")
                .parameter("workingDirectory", "/s3cr3t-dir");
        Task lambda = Tasks.lambda("arn:aws:lambda:us-east-1:111111111111:function:rotate").payload("{\"k\":\"s3cr3t\"}");

        assertThat(t.toString()).doesNotContain("s3cr3t").contains("AWS-RunShellScript");
        assertThat(lambda.toString()).doesNotContain("s3cr3t");
        assertThat(MaintenanceWindows.create("secretive").schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .target(Targets.instances("i-0123456789abcdef0")).task(t).toString()).doesNotContain("s3cr3t");
        assertThatThrownBy(() -> Tasks.automation("AWS-RestartEC2Instance").commands("echo s3cr3t"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("RUN_COMMAND tasks")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void theDeadlineMustBePositive() {
        MaintenanceWindows.Definition d = MaintenanceWindows.create("deadline");
        assertRejected(() -> d.deadline(Duration.ZERO), "how long one step may take");
        assertRejected(() -> d.deadline(Duration.ofSeconds(-1)), "how long one step may take");
        assertThat(d.deadline(Duration.ofMinutes(5))).isSameAs(d);
    }

    @Test
    void windowChangesReadAsTheChangesList() {
        Instant now = Instant.parse("2026-04-06T09:00:00Z");
        String w = "mw-0123456789abcdef0";
        assertThat(List.of(
                new WindowChanged(now, "rb-1", "window", w, WindowChanged.Part.WINDOW, WindowChanged.Change.CREATED,
                        "patch", w, null),
                new WindowChanged(now, "rb-1", "window", w, WindowChanged.Part.WINDOW, WindowChanged.Change.UPDATED,
                        "patch", w, "time zone null -> Europe/Paris"),
                new WindowChanged(now, "rb-1", "targets", w, WindowChanged.Part.TARGET, WindowChanged.Change.CREATED,
                        "web", "t-1", null),
                new WindowChanged(now, "rb-1", "tasks", w, WindowChanged.Part.TASK, WindowChanged.Change.REPLACED,
                        "ls", "k-2", "task type AUTOMATION -> RUN_COMMAND"),
                new WindowChanged(now, "rb-1", "undeclared-targets", w, WindowChanged.Part.TARGET,
                        WindowChanged.Change.DEREGISTERED, null, "t-9", null)))
                .extracting(WindowChanged::message)
                .containsExactly("created window " + w, "updated window " + w + ": time zone null -> Europe/Paris",
                        "registered target web", "replaced task ls: task type AUTOMATION -> RUN_COMMAND",
                        "deregistered undeclared target t-9");
    }

    private static void assertRejected(Runnable r, String fragment) {
        assertThatThrownBy(r::run).isInstanceOf(InvalidInputException.class).hasMessageContaining(fragment);
    }
}
