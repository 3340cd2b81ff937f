package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Plan;
import dev.opskit.testkit.Faults;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The apply's JVM really dies (SIGKILL) at each step boundary and in the middle of each kind of
 * call that changes something (after LocalAws carried it out, before the answer was read), and
 * after random delays; {@code apply()} again, here, converges: one window of that name, each
 * target and task once, the same state as an apply that never crashed, and a further plan with
 * no change. Creation (version one from nothing) and change (version two over version one, where
 * every step acts) are both killed.
 */
class CrashResumeIT {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger CASES = new AtomicInteger();
    private static LocalAws aws;
    private static AwsContext ctx;
    private static SsmClient ssm;
    private static String instance;
    private static WindowState referenceOne;
    private static WindowState referenceTwo;

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder()
            .configure(b -> b.dataDir(dataDir)).perClass();

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        ctx = AWS.context();
        ssm = ctx.client(SsmClient.class, SsmClient::builder);
        instance = aws.instances().list().get(0).id();
        // What the resumed windows must look like: the same versions applied without a crash.
        WindowVersions.first("reference-one", instance).context(ctx).apply();
        referenceOne = WindowState.of(ssm, "reference-one");
        WindowVersions.first("reference-two", instance).context(ctx).apply();
        WindowVersions.second("reference-two", instance).context(ctx).apply();
        referenceTwo = WindowState.of(ssm, "reference-two");
    }

    /**
     * Where the child dies, and the change the resumed run must not make again because the dead
     * run made it (or {@code null}). A {@code Sent:} point is a call LocalAws carried out whose
     * answer the dead JVM never read.
     */
    static Stream<Arguments> killPoints() {
        return Stream.of(
                Arguments.of("first", "StepStarted:window", null),
                Arguments.of("first", "Sent:CreateMaintenanceWindow", "created window"),
                Arguments.of("first", "StepSucceeded:window", "created window"),
                Arguments.of("first", "Sent:RegisterTargetWithMaintenanceWindow", "registered target web"),
                Arguments.of("first", "StepSucceeded:targets", "registered target old"),
                Arguments.of("first", "Sent:RegisterTaskWithMaintenanceWindow:2", "registered task retyped"),
                Arguments.of("first", "StepSucceeded:tasks", "registered task dropped"),
                Arguments.of("second", "Sent:UpdateMaintenanceWindow", null),
                Arguments.of("second", "StepSucceeded:window", "updated window"),
                Arguments.of("second", "Sent:UpdateMaintenanceWindowTarget", null),
                Arguments.of("second", "Sent:RegisterTargetWithMaintenanceWindow", "registered target database"),
                Arguments.of("second", "StepSucceeded:targets", "registered target database"),
                Arguments.of("second", "Sent:UpdateMaintenanceWindowTask", null),
                // Between the two halves of replacing a task whose type changed.
                Arguments.of("second", "Sent:DeregisterTaskFromMaintenanceWindow", null),
                Arguments.of("second", "Sent:RegisterTaskWithMaintenanceWindow:2", "registered task added"),
                Arguments.of("second", "StepSucceeded:tasks", "registered task added"),
                Arguments.of("second", "Sent:DeregisterTaskFromMaintenanceWindow:2", "deregistered undeclared task"),
                Arguments.of("second", "StepStarted:undeclared-targets", "deregistered undeclared task"),
                Arguments.of("second", "Sent:DeregisterTargetFromMaintenanceWindow", null));
    }

    @ParameterizedTest(name = "version {0} killed at {1}")
    @MethodSource("killPoints")
    void killedAtAPointThenApplyAgainConverges(String version, String pauseAt, String notAgain) throws Exception {
        scenario(version, pauseAt, -1, notAgain);
    }

    static Stream<Arguments> randomKills() {
        // A seed per run, printed in the case's name, so that a failure can be replayed with -Dcrash.seed=N.
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random r = new Random(seed);
        // Within how long each apply takes here: about 1.2 s and 2 s after its first call.
        return Stream.of(
                Arguments.of("first", r.nextInt(1100), seed),
                Arguments.of("first", r.nextInt(1100), seed),
                Arguments.of("second", r.nextInt(1900), seed),
                Arguments.of("second", r.nextInt(1900), seed));
    }

    /** Every SSM call is slowed by 80 ms here, so that a random delay lands anywhere in the apply, mid-call too. */
    @ParameterizedTest(name = "version {0} killed {1} ms after its first event (seed {2})")
    @MethodSource("randomKills")
    void killedAfterARandomDelayThenApplyAgainConverges(String version, int delayMillis, long seed) throws Exception {
        scenario(version, "-", delayMillis, null);
    }

    private static void scenario(String version, String pauseAt, int delayMillis, String notAgain) throws Exception {
        String name = "crash-" + CASES.incrementAndGet();
        if (version.equals("second")) {
            WindowVersions.first(name, instance).context(ctx).apply();
        }
        // With latency, a call the dead JVM had sent may land after it died; the resumed run's calls,
        // as slow, land after it, as on AWS, where a late call lands long before a restarted run's.
        Faults.Injection slow = delayMillis >= 0 ? aws.faults().always().latency("ssm", "*", Duration.ofMillis(80))
                : null;
        String context;
        List<String> resumed;
        MaintenanceWindows.Definition again = version.equals("first") ? WindowVersions.first(name, instance)
                : WindowVersions.second(name, instance);
        try {
            List<String> childLines = runAndKill(name, version, pauseAt, delayMillis);
            context = "child saw " + childLines;
            try (MaintenanceWindow w = again.context(ctx).apply()) {
                resumed = w.changes();
            }
        } finally {
            if (slow != null) {
                slow.close();
            }
        }

        context += ", the resumed apply changed " + resumed;
        if (notAgain != null) {
            assertThat(resumed).as(context).noneMatch(c -> c.startsWith(notAgain));
        }
        WindowState state = WindowState.of(ssm, name);
        assertThat(state.targetNames()).as(context).doesNotHaveDuplicates();
        assertThat(state.taskNames()).as(context).doesNotHaveDuplicates();
        assertThat(state).as(context).isEqualTo(version.equals("first") ? referenceOne : referenceTwo);
        Plan plan = again.plan();
        assertThat(plan.hasChanges()).as(plan.toString()).isFalse();
        try (MaintenanceWindow w = again.apply()) {
            assertThat(w.changes()).isEmpty();
        }
    }

    /**
     * Starts the apply in its own JVM and SIGKILLs it: at {@code pauseAt} if given, else
     * {@code delayMillis} after its first line. Returns the lines it printed.
     */
    private static List<String> runAndKill(String name, String version, String pauseAt, int delayMillis)
            throws Exception {
        Path log = Files.createDirectories(dataDir.resolve("logs")).resolve(name + ".log");
        LocalAccount account = aws.defaultAccount();
        long started = System.nanoTime();
        try (ChildJvm child = ChildJvm.start(CrashResumeChild.class, List.of(), List.of(name, version, pauseAt),
                Map.of("CRASH_ENDPOINT", aws.endpoint().toString(), "CRASH_REGION", LocalAws.DEFAULT_REGION,
                        "CRASH_ACCESS_KEY_ID", account.accessKeyId(),
                        "CRASH_SECRET_ACCESS_KEY", account.secretAccessKey().reveal(), "CRASH_INSTANCE", instance),
                log)) {
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
            long killAt = Long.MAX_VALUE;
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    fail("the apply's JVM did not reach %s within %s; it printed %s (log %s)", pauseAt, CHILD_TIMEOUT,
                            seen, log);
                }
                String line = child.poll(Math.min(deadline, killAt) - now);
                if (line == null && System.nanoTime() >= killAt) {
                    break; // the random delay is over
                }
                if (line == null) {
                    continue;
                }
                seen.add(line);
                if (line.equals("paused " + pauseAt)) {
                    break;
                }
                if (line.startsWith("done ") && delayMillis >= 0) {
                    break; // the apply beat the random delay; applying again must then change nothing
                }
                if (line.equals(ChildJvm.EOF) || line.startsWith("failed ") || line.startsWith("done ")) {
                    fail("the apply's JVM ended before it was killed (waiting for %s): %s; log %s: %s", pauseAt, seen,
                            log, Files.readString(log));
                }
                if (delayMillis >= 0 && killAt == Long.MAX_VALUE) {
                    killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
                }
            }
            String last = seen.get(seen.size() - 1);
            int status = child.kill();
            if (!last.startsWith("done ")) {
                assertThat(status).as("exit status of a SIGKILLed JVM").isEqualTo(128 + 9);
            }
            seen.addAll(child.rest());
            System.out.println(name + " (version " + version + "): apply JVM killed "
                    + (System.nanoTime() - started) / 1_000_000 + " ms after launch, last line '" + last + "'");
            return seen;
        }
    }
}
