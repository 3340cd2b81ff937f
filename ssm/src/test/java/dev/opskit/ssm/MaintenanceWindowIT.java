package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.AwsContext;
import dev.opskit.core.VirtualTime;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import dev.opskit.testkit.LocalInstances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The seed runbook and its variations through the fluent API, on LocalAws with a virtual clock. */
class MaintenanceWindowIT {
    private static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-03-02T10:00:00Z"));
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static LocalAws aws;
    private static AwsContext ctx;
    private static LocalInstances.Instance instance;

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().clock(TIME.clock())
            .configure(b -> b.dataDir(dataDir)).perClass();

    @BeforeAll
    static void start() throws Exception {
        aws = AWS.aws();
        ctx = AWS.context();
        instance = aws.instances().list().get(0);
        Files.writeString(instance.sandbox().resolve("inventory.txt"), "web-1\n");
    }

    private static MaintenanceWindows.Definition seed(String name, Task task) {
        return MaintenanceWindows.create(name)
                .schedule(Schedule.rate(5, ChronoUnit.MINUTES))
                .duration(Duration.ofHours(2)).cutoff(Duration.ofHours(1))
                .allowUnassociatedTargets(true)
                .target(Targets.instances(instance.id()))
                .task(task)
                .context(ctx);
    }

    @Test
    void seedScenarioRunsLsOnTheInstanceAndShowsItsOutput() {
        MaintenanceWindow w = seed("seed-window", Tasks.runCommand("AWS-RunShellScript").commands("ls")
                .maxConcurrency("1").maxErrors("1").priority(10)).apply();

        assertThat(w.id()).matches("mw-[0-9a-f]{17}");
        assertThat(w.changes()).containsExactly("created window " + w.id(), "registered target instances",
                "registered task AWS-RunShellScript");
        assertThat(w.executions()).isEmpty();

        TIME.advance(Duration.ofMinutes(5));
        Execution e = w.awaitNextExecution(WAIT);

        assertThat(e.status()).isEqualTo("SUCCESS");
        assertThat(e.tasks()).singleElement().satisfies(t -> {
            assertThat(t.taskArn()).isEqualTo("AWS-RunShellScript");
            assertThat(t.status()).isEqualTo("SUCCESS");
        });
        assertThat(e.invocations()).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo(instance.id());
            assertThat(i.status()).isEqualTo("SUCCESS");
            assertThat(i.output()).hasValueSatisfying(o -> {
                assertThat(o.stdout()).contains("inventory.txt");
                assertThat(o.exitCode()).isZero();
            });
        });
        assertThat(w.executions()).extracting(Execution::id).containsExactly(e.id());
        assertThat(MaintenanceWindows.named("seed-window", ctx).id()).isEqualTo(w.id());
    }

    @Test
    void applyingTheSameDefinitionAgainChangesNothingAndAChangeUpdatesInPlace() {
        Task task = Tasks.runCommand("AWS-RunShellScript").commands("uptime").named("uptime");
        MaintenanceWindow first = seed("idempotent-window", task).apply();

        MaintenanceWindow second = seed("idempotent-window", task).apply();

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.changes()).isEmpty();

        MaintenanceWindow third = seed("idempotent-window", task.commands("uptime", "date").priority(5))
                .timeZone("Europe/Paris").apply();

        assertThat(third.id()).isEqualTo(first.id());
        assertThat(third.changes()).containsExactly(
                "updated window " + first.id() + ": time zone null -> Europe/Paris", "updated task uptime");
        assertThat(seed("idempotent-window", task.commands("uptime", "date").priority(5))
                .timeZone("Europe/Paris").apply().changes()).isEmpty();
        third.delete();
        third.delete();
    }

    @Test
    void rescheduleToAtFiresExactlyOnce() {
        MaintenanceWindow w = MaintenanceWindows.create("one-time-window")
                .schedule(Schedule.cron("0 3 ? * SUN 2099"))
                .target(Targets.instances(instance.id()))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo once"))
                .context(ctx).apply();
        LocalDateTime at = LocalDateTime.ofInstant(TIME.now().plus(Duration.ofMinutes(10)), ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.SECONDS);

        w.reschedule(Schedule.at(at));

        assertThat(w.schedule()).isEqualTo(Schedule.at(at));
        TIME.advance(Duration.ofMinutes(9));
        assertThat(aws.awaitIdle(WAIT)).isTrue();
        assertThat(w.executions()).isEmpty();
        TIME.advance(Duration.ofMinutes(1));
        Execution e = w.awaitNextExecution(WAIT);
        assertThat(e.status()).isEqualTo("SUCCESS");
        assertThat(e.invocations().get(0).output().orElseThrow().stdout()).isEqualTo("once\n");
        for (int i = 0; i < 5; i++) {
            TIME.advance(Duration.ofHours(1));
            sleepTicks();
        }
        assertThat(aws.awaitIdle(WAIT)).isTrue();
        assertThat(w.executions()).hasSize(1);
        assertThat(w.nextExecutionTime()).isEmpty();
    }

    @Test
    void failingCommandEndsFailedWithItsStderr() {
        MaintenanceWindow w = seed("failing-window", Tasks.runCommand("AWS-RunShellScript")
                .commands("echo about to fail", "echo disk full >&2", "exit 3").named("fails")).apply();

        TIME.advance(Duration.ofMinutes(5));
        Execution e = w.awaitNextExecution(WAIT);

        assertThat(e.status()).isEqualTo("FAILED");
        assertThat(e.statusDetails()).isEqualTo("One or more tasks in the orchestration failed.");
        Invocation i = e.invocations().get(0);
        assertThat(i.status()).isEqualTo("FAILED");
        assertThat(i.output()).hasValueSatisfying(o -> {
            assertThat(o.stderr()).isEqualTo("disk full\n");
            assertThat(o.stdout()).isEqualTo("about to fail\n");
            assertThat(o.exitCode()).isEqualTo(3);
            assertThat(o.status()).isEqualTo("Failed");
        });
    }

    @Test
    void windowWithoutTasksSucceedsWithNothingToDoAndDisabledWindowsDoNotRun() {
        MaintenanceWindow w = MaintenanceWindows.create("empty-window").schedule(Schedule.rate(1, ChronoUnit.HOURS))
                .context(ctx).apply();

        TIME.advance(Duration.ofHours(1));
        Execution e = w.awaitNextExecution(WAIT);

        assertThat(e.status()).isEqualTo("SUCCESS");
        assertThat(e.statusDetails()).isEqualTo("No tasks to execute.");
        w.disable();
        assertThat(w.enabled()).isFalse();
        TIME.advance(Duration.ofHours(1));
        sleepTicks();
        assertThat(aws.awaitIdle(WAIT)).isTrue();
        assertThat(w.executions()).hasSize(1);
        w.enable();
        TIME.advance(Duration.ofHours(1));
        assertThat(w.awaitNextExecution(WAIT).status()).isEqualTo("SUCCESS");
    }

    @Test
    void priorityOrderAndMaxErrorsAreHonoured() {
        LocalInstances.Instance a = aws.instances().register(Map.of("Role", "batch"));
        LocalInstances.Instance b = aws.instances().register(Map.of("Role", "batch"));
        LocalInstances.Instance c = aws.instances().register(Map.of("Role", "batch"));
        MaintenanceWindow w = MaintenanceWindows.create("ordered-window").schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .target(Targets.tag("Role", "batch"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("exit 1").named("always-fails")
                        .priority(2).maxConcurrency("1").maxErrors("0"))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("touch first").named("runs-first")
                        .priority(1).maxConcurrency("100%").maxErrors("0"))
                .context(ctx).apply();

        TIME.advance(Duration.ofDays(1));
        Execution e = w.awaitNextExecution(WAIT);

        assertThat(e.status()).isEqualTo("FAILED");
        assertThat(e.tasks()).extracting(TaskRun::status).containsExactly("SUCCESS", "FAILED");
        assertThat(e.tasks().get(0).invocations()).hasSize(3)
                .extracting(Invocation::instanceId).containsExactlyInAnyOrder(a.id(), b.id(), c.id());
        assertThat(Files.exists(a.sandbox().resolve("first"))).isTrue();
        // Max errors 0 with one at a time: the first failure stops the task.
        assertThat(e.tasks().get(1).invocations()).singleElement()
                .satisfies(i -> assertThat(i.status()).isEqualTo("FAILED"));
        assertThat(e.tasks().get(1).statusDetails()).contains("max errors (0)").contains("2 were not started");
    }

    private static void sleepTicks() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
