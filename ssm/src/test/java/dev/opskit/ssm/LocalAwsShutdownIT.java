package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.AwsContext;
import dev.opskit.core.VirtualTime;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalInstances;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing LocalAws while a window's commands are still running on several instances: the
 * commands and their children are killed, and close() returns normally with every instance
 * sandbox deleted, however the output files of the killed commands race with the delete.
 */
class LocalAwsShutdownIT {
    private static final int INSTANCES = 6;

    @TempDir
    Path dataDir;

    @RepeatedTest(3)
    void closingWhileCommandsRunKillsThemAndDeletesTheSandboxes() throws Exception {
        VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-06-01T08:00:00Z"));
        LocalAws aws = LocalAws.builder().clock(time.clock()).dataDir(dataDir).start();
        List<Path> sandboxes = new ArrayList<>();
        try (AwsContext ctx = aws.context()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                LocalInstances.Instance host = aws.instances().register();
                ids.add(host.id());
                sandboxes.add(host.sandbox());
            }
            MaintenanceWindows.create("busy-at-shutdown").schedule(Schedule.rate(1, ChronoUnit.DAYS))
                    .target(Targets.instances(ids.toArray(String[]::new)))
                    .task(Tasks.runCommand("AWS-RunShellScript").named("long").maxConcurrency("100%")
                            .commands("sleep 60 & echo $! > child.pid", "echo started; echo oops >&2",
                                    "touch started", "wait"))
                    .context(ctx).apply();

            time.advance(Duration.ofDays(1));
            for (Path sandbox : sandboxes) {
                awaitFile(sandbox.resolve("started"));
            }
        }
        List<Long> children = new ArrayList<>();
        for (Path sandbox : sandboxes) {
            children.add(Long.parseLong(Files.readString(sandbox.resolve("child.pid")).trim()));
        }

        aws.close();

        assertThat(sandboxes).allSatisfy(s -> assertThat(s).doesNotExist());
        assertThat(children).allSatisfy(pid -> assertThat(state(pid))
                .as("state of the command's child process %s", pid).isIn("gone", "Z", "X"));
    }

    /** The process's state letter from /proc (Z: a zombie, dead but not yet reaped), or "gone". */
    private static String state(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            return s.substring(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
        } catch (NoSuchFileException e) {
            return "gone";
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("waiting for %s", file).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
