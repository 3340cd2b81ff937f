package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import java.time.Duration;
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

    private static void assertRejected(Runnable r, String fragment) {
        assertThatThrownBy(r::run).isInstanceOf(InvalidInputException.class).hasMessageContaining(fragment);
    }
}
