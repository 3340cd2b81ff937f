package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.StepFailedException;
import dev.opskit.core.VirtualTime;
import dev.opskit.core.event.Retrying;
import dev.opskit.testkit.Faults;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import dev.opskit.testkit.LocalInstances;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ThrottlingException;

/**
 * A fault campaign: LocalAws throttles 30% of every SSM call, answers 5% with 503 and drops 3% of
 * the connections, seeded. With default settings (no deadline, no attempt cap given) the apply
 * creates a window and then changes it so that every step acts, and a window fires and is read
 * back: each ends with exactly what was declared, nothing duplicated, the same as on a quiet
 * LocalAws. At 100% throttling the apply fails at its deadline and names the throttled call.
 */
class MaintenanceWindowFaultsIT {
    private static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-05-04T06:00:00Z"));
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

    /** Seeds of the campaign; {@code -Dcampaign.seeds=1,2,3} runs others. */
    static Stream<Long> seeds() {
        return Stream.of(System.getProperty("campaign.seeds", "11,23,42").split(",")).map(String::trim).map(Long::valueOf);
    }

    /** The three faults of the campaign on every SSM call; close them to stop. */
    private static List<Faults.Injection> campaign(long seed) {
        return List.of(
                aws.faults().fraction(0.30, seed).throttle("ssm", "*"),
                aws.faults().fraction(0.05, seed + 1).serverError("ssm", "*", 503),
                aws.faults().fraction(0.03, seed + 2).dropConnection("ssm", "*"));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void applyAndExecutionsCompleteUnderThrottlingServerErrorsAndDroppedConnections(long seed) {
        String name = "campaign-" + seed;
        String reference = "reference-" + seed;
        WindowVersions.first(reference, instance.id()).context(ctx).apply();
        MaintenanceWindow referenceWindow = WindowVersions.second(reference, instance.id()).context(ctx).apply();
        List<Retrying> retries = new CopyOnWriteArrayList<>();
        int callsBefore = aws.faults().calls("ssm", "*");
        List<Faults.Injection> faults = campaign(seed);
        long started = System.nanoTime();
        MaintenanceWindow created;
        MaintenanceWindow changed;
        List<String> again;
        Execution execution;
        try {
            created = WindowVersions.first(name, instance.id()).listener(Retrying.class, retries::add).context(ctx)
                    .apply();
            changed = WindowVersions.second(name, instance.id()).listener(Retrying.class, retries::add).context(ctx)
                    .apply();
            again = WindowVersions.second(name, instance.id()).listener(Retrying.class, retries::add).context(ctx)
                    .apply().changes();
            MaintenanceWindow daily = MaintenanceWindows.create("campaign-daily-" + seed)
                    .schedule(Schedule.rate(1, ChronoUnit.DAYS)).target(Targets.instances(instance.id()))
                    .task(Tasks.runCommand("AWS-RunShellScript").commands("echo under fire")).context(ctx).apply();
            TIME.advance(Duration.ofDays(1));
            execution = daily.awaitNextExecution(Duration.ofSeconds(60));
        } finally {
            faults.forEach(Faults.Injection::close);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        int injected = faults.stream().mapToInt(Faults.Injection::triggered).sum();
        System.out.println("campaign seed " + seed + ": " + (aws.faults().calls("ssm", "*") - callsBefore) + " SSM calls, "
                + faults.stream().map(f -> Integer.toString(f.triggered())).toList()
                + " throttled/503/dropped, " + retries.size() + " Retrying events, " + millis + " ms");

        assertThat(created.changes()).startsWith("created window " + created.id()).hasSize(6);
        assertThat(changed.id()).isEqualTo(created.id());
        assertThat(changed.changes()).containsExactly("updated window " + created.id()
                        + ": schedule rate(1 day) -> cron(0 2 ? * SUN *), time zone null -> Europe/Paris, "
                        + "duration 2 -> 3, description null -> version two",
                "updated target web", "registered target database", "updated task kept",
                "replaced task retyped: task type AUTOMATION -> RUN_COMMAND", "registered task added",
                "deregistered undeclared task dropped", "deregistered undeclared target old");
        assertThat(again).isEmpty();
        WindowState state = WindowState.of(ssm, name);
        assertThat(state.targetNames()).containsExactly("database", "web");
        assertThat(state.taskNames()).containsExactly("added", "kept", "retyped");
        assertThat(state).isEqualTo(WindowState.of(ssm, reference));
        assertThat(referenceWindow.changes()).hasSize(8);
        assertThat(execution.status()).isEqualTo("SUCCESS");
        assertThat(execution.invocations()).singleElement()
                .satisfies(i -> assertThat(i.output().orElseThrow().stdout()).isEqualTo("under fire\n"));
        assertThat(injected).as("faults the campaign injected").isPositive();
        assertThat(faults.get(0).triggered()).as("throttled calls").isPositive();
    }

    @Test
    void fullThrottlingFailsAtTheDeadlineNamingTheThrottledOperation() {
        Duration deadline = Duration.ofSeconds(4);
        long started;
        long elapsedMillis;
        int calls;
        try (Faults.Injection throttle = aws.faults().always().throttle("ssm", "*")) {
            int before = aws.faults().calls("ssm", "DescribeMaintenanceWindows");
            started = System.nanoTime();
            assertThatThrownBy(() -> WindowVersions.first("throttled-window", instance.id()).deadline(deadline)
                    .context(ctx).apply())
                    .isInstanceOfSatisfying(StepFailedException.class, e -> {
                        assertThat(e.step()).hasValue("window");
                        assertThat(e.getCause()).isInstanceOf(ThrottlingException.class);
                    })
                    .hasMessageContaining("Step 'window' of runbook 'apply maintenance window throttled-window'")
                    .hasMessageContaining("DescribeMaintenanceWindows failed after")
                    .hasMessageContaining("deadline of step 'window'")
                    .hasMessageContaining("Rate exceeded");
            elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            calls = aws.faults().calls("ssm", "DescribeMaintenanceWindows") - before;
        }
        System.out.println("100% throttling: failed after " + elapsedMillis + " ms and " + calls
                + " DescribeMaintenanceWindows calls, deadline " + deadline);
        assertThat(elapsedMillis).as("failed at the deadline, not long after").isLessThan(deadline.toMillis() + 2_000);
        assertThat(elapsedMillis).as("kept trying until close to the deadline").isGreaterThan(deadline.toMillis() / 4);
        assertThat(calls).as("attempts, more than the SDK's usual 3").isGreaterThan(3);
        assertThatThrownBy(() -> MaintenanceWindows.named("throttled-window", ctx))
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
