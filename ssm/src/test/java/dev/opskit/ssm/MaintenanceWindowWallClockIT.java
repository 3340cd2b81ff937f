package dev.opskit.ssm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.AwsContext;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import dev.opskit.testkit.LocalInstances;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalAws left on the wall clock, as a user runs it standalone: a one-time window a few seconds
 * ahead fires once, not before its second, and soon after it.
 */
class MaintenanceWindowWallClockIT {
    @TempDir
    Path dataDir;

    @RegisterExtension
    final LocalAwsExtension local = LocalAwsExtension.builder().configure(b -> b.dataDir(dataDir)).perTest();

    @Test
    void aOneTimeWindowFiresOnceAtItsSecondOnTheWallClock() throws Exception {
        LocalAws aws = local.aws();
        AwsContext ctx = local.context();
        LocalInstances.Instance host = aws.instances().list().get(0);
        Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        MaintenanceWindow w = MaintenanceWindows.create("wall-clock-window")
                .schedule(Schedule.at(LocalDateTime.ofInstant(at, ZoneOffset.UTC)))
                .target(Targets.instances(host.id()))
                .task(Tasks.runCommand("AWS-RunShellScript").commands("echo fired"))
                .context(ctx).apply();

        while (Instant.now().isBefore(at.minusMillis(300))) {
            assertThat(w.executions()).as("executions before " + at).isEmpty();
            Thread.sleep(200);
        }
        Execution e = w.awaitNextExecution(Duration.between(Instant.now(), at.plusSeconds(30)));

        assertThat(e.status()).isEqualTo("SUCCESS");
        assertThat(e.startTime()).isBetween(at, at.plusSeconds(30));
        assertThat(e.invocations().get(0).output().orElseThrow().stdout()).isEqualTo("fired\n");
        Thread.sleep(500);
        assertThat(w.executions()).hasSize(1);
        assertThat(w.nextExecutionTime()).isEmpty();
    }
}
