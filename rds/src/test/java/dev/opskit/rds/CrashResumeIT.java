package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Plan;
import dev.opskit.core.PlannedStep;
import dev.opskit.core.Secret;
import dev.opskit.core.event.StepStarted;
import dev.opskit.core.event.StepSucceeded;
import dev.opskit.rds.event.SourceSettling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * The replication runbook's JVM really dies (SIGKILL) part-way, with LocalAws (the "cloud") alive
 * in a JVM of its own and a writer busy on the source; {@code start()} again, from another JVM,
 * converges: replication catches up, the copy is identical, and there is one clone, one clone
 * writer, one parameter group and one replication user. A generated replication password dies
 * with the killed JVM, so some cases give one explicitly and others rely on generation.
 */
class CrashResumeIT {
    /** Each case's source has an id of its own; the launcher's cloud is shared. */
    private static final String MAIN = "dev.opskit.testkit.internal.server.Main";
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);

    static Process cloud;
    static Map<String, String> launcher;
    static AwsContext ctx;
    static RdsClient rds;
    static final List<Process> children = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startCloud() throws IOException {
        Path dir = itDir();
        // The launcher's log stays on disk: when a case fails, it tells what the cloud saw.
        cloud = new ProcessBuilder(java(), "-Dsun.net.httpserver.nodelay=true", "-cp", classpath(), MAIN,
                "--port", "0", "--data-dir", dir.resolve("local-aws").toString())
                .redirectError(dir.resolve("local-aws.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(cloud.getInputStream(), StandardCharsets.UTF_8));
        launcher = new LinkedHashMap<>();
        while (!launcher.containsKey("instance")) {
            String line = out.readLine();
            if (line == null) {
                fail("LocalAws exited before printing its endpoint; see " + dir.resolve("local-aws.log"));
            }
            launcher.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        ctx = AwsContext.builder().endpointOverride(URI.create(launcher.get("endpoint")))
                .region(launcher.get("region"))
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        launcher.get("aws_access_key_id"), launcher.get("aws_secret_access_key"))))
                .maxAttempts(2)
                .build();
        rds = ctx.client(RdsClient.class, RdsClient::builder);
    }

    @AfterAll
    static void stopCloud() throws InterruptedException {
        children.forEach(Process::destroyForcibly);
        if (ctx != null) {
            ctx.close();
        }
        if (cloud != null) {
            // SIGTERM: the launcher's shutdown hook stops its database servers.
            cloud.destroy();
            if (!cloud.waitFor(30, TimeUnit.SECONDS)) {
                cloud.destroyForcibly();
            }
        }
    }

    /**
     * Where the child pauses (then dies): right after a step starts, while a step waits for the
     * cloud after acting (the first {@code Waiting} event), or right after a step succeeded.
     * {@code start()} again follows at once, so a kill while the source writer reboots finds it
     * still {@code rebooting}, its server restarting: the runbook must wait for it before using
     * it. That window is hit only sometimes, so there are several such cases;
     * {@code -Dcrash.rebootResumes=N} makes N of them (2 by default) to run it many times.
     */
    static Stream<Arguments> killPoints() {
        Stream<Arguments> steps = Stream.of(
                Arguments.of("c1", "StepStarted:binlog-parameter-group", "5.7.mysql_aurora.2.11.2", false),
                Arguments.of("c3", "StepSucceeded:replication-user", "5.7.mysql_aurora.2.11.2", false),
                Arguments.of("c4", "Waiting:clone", "8.0.mysql_aurora.3.04.0", false),
                Arguments.of("c5", "Waiting:clone-writer", "5.7.mysql_aurora.2.11.2", true),
                Arguments.of("c6", "StepSucceeded:external-source", "8.0.mysql_aurora.3.04.0", false));
        Stream<Arguments> reboots = IntStream.rangeClosed(1, Integer.getInteger("crash.rebootResumes", 2))
                .mapToObj(i -> Arguments.of("b" + i, "Waiting:reboot-writer",
                        i % 2 == 1 ? "8.0.mysql_aurora.3.04.0" : "5.7.mysql_aurora.2.11.2", i % 2 == 1));
        return Stream.concat(reboots, steps);
    }

    /** The child pauses there, so the kill lands exactly at that point. */
    @ParameterizedTest(name = "killed at {1} ({2}, explicit replication password: {3})")
    @MethodSource("killPoints")
    void killedAtAStepThenStartAgainConverges(String id, String pauseAt, String version, boolean explicitPassword)
            throws Exception {
        scenario(id, version, explicitPassword, pauseAt, -1);
    }

    static Stream<Arguments> randomKills() {
        // A seed per run, printed in the case's name, so a failure can be replayed with -Dcrash.seed=N.
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random r = new Random(seed);
        return Stream.of(
                Arguments.of("r1", "8.0.mysql_aurora.3.04.0", true, 200 + r.nextInt(3300), seed),
                Arguments.of("r2", "5.7.mysql_aurora.2.11.2", false, 200 + r.nextInt(3300), seed));
    }

    @ParameterizedTest(name = "killed {3} ms after the runbook started ({1}, explicit replication password: {2}, seed {4})")
    @MethodSource("randomKills")
    void killedAfterARandomDelayThenStartAgainConverges(String id, String version, boolean explicitPassword,
            int delayMillis, long seed) throws Exception {
        scenario(id, version, explicitPassword, "-", delayMillis);
    }

    /**
     * One source with data and a busy writer; the runbook started in a child JVM and SIGKILLed;
     * start() again here, at once; then everything a user checks after a resume.
     */
    private static void scenario(String id, String version, boolean explicitPassword, String pauseAt, int delayMillis)
            throws Exception {
        String clone = id + "-next";
        Secret master = Secret.generate(16);
        Secret replication = explicitPassword ? Secret.generate(20) : null;
        DBCluster source = ReplicationFixture.seededSource(rds, id, version, master, id.hashCode());
        List<String> childLines;
        ReplicationFixture.Workload writer = new ReplicationFixture.Workload(source, master, id.hashCode() + 1, 5);
        try {
            childLines = runAndKill(id, clone, master, replication, pauseAt, delayMillis);
            assertThat(String.join("\n", childLines)).as("the child's output")
                    .doesNotContain(master.reveal())
                    .doesNotContain(replication == null ? master.reveal() : replication.reveal());

            boolean killedInReboot = killedIn(childLines).equals("reboot-writer");
            List<String> waited = new CopyOnWriteArrayList<>();
            List<String> acted = new CopyOnWriteArrayList<>();
            ReplicationSetup again = Replication.from(id, ctx).cloneTo(clone).masterPassword(master)
                    .deadline(Duration.ofMinutes(1))
                    .listener(e -> {
                        if (killedInReboot && e instanceof StepStarted && "reboot-writer".equals(e.step())) {
                            // LocalAws reboots in 300 ms, mostly over before the resumed run gets here; a real
                            // reboot lasts minutes, and a resume meets the writer still rebooting. Reboot it
                            // again if need be, so that this step always meets that.
                            rebootIfAvailable(id + "-1");
                        }
                        if (e instanceof StepSucceeded s) {
                            acted.add(s.step());
                        }
                        if (e instanceof SourceSettling n && "reboot-writer".equals(n.step())
                                && n.message().contains("waiting for both to be available")) {
                            waited.add(n.message());
                        }
                    });
            if (replication != null) {
                again.replicationPassword(replication);
            }
            try (ReplicationHandle h = again.start()) {
                String context = "after the kill (child saw " + childLines + "), start() acted in " + acted;
                if (killedInReboot) {
                    assertThat(waited).as("start() waited for the rebooting writer before using it; " + context)
                            .singleElement().asString().contains("'" + id + "-1' is rebooting");
                }
                assertThat(h.awaitCaughtUp(Duration.ofSeconds(30)).isRunning()).as(context).isTrue();
                long writes = writer.done();
                writer.close();
                assertThat(writes).as("the source took writes during the run").isPositive();
                // A running IO thread keeps its session: reconnecting proves the password the target
                // holds (maybe generated by the dead JVM) still matches the replication user's.
                ReplicationFixture.restartReplication(rds, clone, master);
                h.awaitCaughtUp(Duration.ofSeconds(30));
                VerificationReport report = h.verify();
                assertThat(report.identical()).as("%s\n%s", context, report.summary()).isTrue();
            }
        } finally {
            writer.close();
        }
        assertNoDuplicates(id, clone, master);

        Plan plan = Replication.from(id, ctx).cloneTo(clone).masterPassword(master).plan();
        assertThat(plan.steps()).as(plan.toString()).allMatch(s -> s.kind() == PlannedStep.Kind.NO_CHANGE);
        assertThat(plan.hasChanges()).isFalse();
    }

    /**
     * Starts the runbook in its own JVM and SIGKILLs it: at {@code pauseAt} if given, else
     * {@code delayMillis} after its first event. Returns the lines it printed.
     */
    private static List<String> runAndKill(String id, String clone, Secret master, Secret replication, String pauseAt,
            int delayMillis) throws Exception {
        Path log = itDir().resolve(id + "-runbook.log");
        ProcessBuilder pb = new ProcessBuilder(java(), "-XX:TieredStopAtLevel=1", "-cp", classpath(),
                CrashResumeChild.class.getName(), id, clone, pauseAt)
                .redirectError(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("CRASH_ENDPOINT", launcher.get("endpoint"));
        env.put("CRASH_REGION", launcher.get("region"));
        env.put("CRASH_ACCESS_KEY_ID", launcher.get("aws_access_key_id"));
        env.put("CRASH_SECRET_ACCESS_KEY", launcher.get("aws_secret_access_key"));
        env.put("CRASH_MASTER_PASSWORD", master.reveal());
        if (replication != null) {
            env.put("CRASH_REPLICATION_PASSWORD", replication.reveal());
        }
        long started = System.nanoTime();
        Process child = pb.start();
        children.add(child);
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // The child died: that is the point.
                }
                lines.add("<eof>");
            }, "crash-child-output");
            reader.setDaemon(true);
            reader.start();

            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
            long killAt = Long.MAX_VALUE;
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    fail("the runbook's JVM did not reach %s within %s; it printed %s", pauseAt, CHILD_TIMEOUT, seen);
                }
                String line = lines.poll(Math.min(deadline, killAt) - now, TimeUnit.NANOSECONDS);
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
                    break; // the runbook beat the random delay; start() again must then change nothing
                }
                if (line.equals("<eof>") || line.startsWith("failed ") || line.startsWith("done ")) {
                    fail("the runbook's JVM ended before it was killed (waiting for %s): %s", pauseAt, seen);
                }
                if (delayMillis >= 0 && killAt == Long.MAX_VALUE) {
                    killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
                }
            }
            String last = seen.get(seen.size() - 1);
            boolean finished = last.startsWith("done ");
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the killed JVM exits").isTrue();
            if (!finished) {
                assertThat(child.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(128 + 9);
            }
            reader.join(5_000);
            lines.drainTo(seen);
            seen.remove("<eof>");
            // Its log (SLF4J on stderr) must not hold the secrets either.
            seen.addAll(Files.readAllLines(log).stream().map(l -> "stderr: " + l).toList());
            // Where a random delay landed, for whoever reads the test output.
            System.out.println(id + ": runbook JVM killed " + (System.nanoTime() - started) / 1_000_000
                    + " ms after launch, in step " + killedIn(seen) + ", last line '" + last + "'");
            return seen;
        } finally {
            child.destroyForcibly();
            children.remove(child);
        }
    }

    private static void rebootIfAvailable(String instance) {
        if ("available".equals(rds.describeDBInstances(r -> r.dbInstanceIdentifier(instance)).dbInstances().get(0)
                .dbInstanceStatus())) {
            rds.rebootDBInstance(r -> r.dbInstanceIdentifier(instance));
        }
    }

    /** The step the child was in when it died, from its event lines. */
    private static String killedIn(List<String> lines) {
        String step = "none";
        for (String line : lines) {
            String[] parts = line.split(" ");
            if (parts.length == 3 && parts[0].equals("event")) {
                step = switch (parts[1]) {
                    case "StepStarted", "Waiting" -> parts[2];
                    case "StepSucceeded", "StepSkipped" -> "after " + parts[2];
                    case "RunbookFinished" -> "none (finished)";
                    default -> step;
                };
            }
        }
        return step;
    }

    private static void assertNoDuplicates(String id, String clone, Secret master) throws Exception {
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .filteredOn(c -> c.equals(id) || c.startsWith(id + "-"))
                .containsExactlyInAnyOrder(id, clone);
        DBCluster c = rds.describeDBClusters(r -> r.dbClusterIdentifier(clone)).dbClusters().get(0);
        assertThat(c.dbClusterMembers()).as("members of the clone").hasSize(1)
                .allMatch(m -> Boolean.TRUE.equals(m.isClusterWriter()));
        assertThat(rds.describeDBInstances().dbInstances()).filteredOn(i -> clone.equals(i.dbClusterIdentifier()))
                .extracting(DBInstance::dbInstanceIdentifier).containsExactly(clone + "-writer");
        assertThat(rds.describeDBClusterParameterGroups().dbClusterParameterGroups())
                .extracting(g -> g.dbClusterParameterGroupName())
                .filteredOn(n -> n.startsWith(id + "-"))
                .containsExactly(id + "-opskit-binlog");
        DBCluster src = rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().get(0);
        try (Connection db = ReplicationFixture.connect(src, master)) {
            assertThat(ReplicationFixture.count(db, "SELECT COUNT(*) FROM mysql.user WHERE User = '"
                    + ReplicationSetup.DEFAULT_USER + "'")).as("replication users on the source").isEqualTo(1);
        }
    }

    /** Logs of the cloud and of each runbook JVM, kept for when a case fails. */
    private static Path itDir() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("opskit.it.dir", System.getProperty("java.io.tmpdir")),
                "crash-resume"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
