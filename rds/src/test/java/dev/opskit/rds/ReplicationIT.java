package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.StepSkipped;
import dev.opskit.core.event.StepSucceeded;
import dev.opskit.rds.event.VerificationFinished;
import dev.opskit.testkit.LocalAwsExtension;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/** The full runbook on LocalAws with a concurrent writer, repeated with randomized timing. */
class ReplicationIT {
    @RegisterExtension
    static final LocalAwsExtension cloud = LocalAwsExtension.perClass();

    private static RdsClient rds() {
        return cloud.client(RdsClient.class, RdsClient::builder);
    }

    @RepeatedTest(5)
    void cloneAndReplicateUnderConcurrentWritesEndsIdentical(RepetitionInfo info) throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        String version = info.getCurrentRepetition() % 2 == 0 ? "8.0.mysql_aurora.3.04.0" : "5.7.mysql_aurora.2.11.2";
        String src = "orders-" + info.getCurrentRepetition();
        Secret master = Secret.generate(16);
        DBCluster source = ReplicationFixture.seededSource(rds(), src, version, master, seed);
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        ReplicationHandle handle;
        try (var writer = new ReplicationFixture.Workload(source, master, seed, rnd.nextInt(20))) {
            Thread.sleep(rnd.nextInt(300));
            handle = Replication.from(src, cloud.context()).cloneTo(src + "-clone")
                    .masterPassword(master)
                    .binlogFormat(rnd.nextBoolean() ? BinlogFormat.ROW : BinlogFormat.MIXED)
                    .listener(events::add)
                    .deadline(Duration.ofMinutes(2))
                    .start();
            Thread.sleep(rnd.nextInt(500));
            assertThat(writer.done()).as("writes during the run (seed %d)", seed).isPositive();
        }
        try (handle) {
            handle.awaitCaughtUp(Duration.ofMinutes(1));
            VerificationReport report = handle.verify();
            assertThat(report.identical()).as("seed %d, %s: %s", seed, version, report.summary()).isTrue();
            assertThat(report.tables()).hasSizeGreaterThanOrEqualTo(4);
            assertThat(report.sourceRows()).isPositive();
            // the same check with options: every table in chunks
            VerificationReport chunked = handle.verify(check -> check.tableChecksums(false).chunkSize(100));
            assertThat(chunked.identical()).as("seed %d: %s", seed, chunked.summary()).isTrue();
            assertThat(chunked.tables()).extracting(TableResult::method).containsOnly(TableResult.Method.CHUNKS);
            assertThatThrownBy(() -> handle.verify(check -> null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("return the check");
            assertThat(events).filteredOn(e -> e instanceof VerificationFinished && "verify".equals(e.step())).hasSize(2)
                    .allSatisfy(e -> assertThat(e.attributes()).containsKeys("identical", "rechecks", "lockedRows"));
            // Teardown deletes the clone without waiting for its writer: RDS takes the cluster once the
            // writer is deleting.
            handle.teardown(true);
        }
        assertThat(rds().describeDBClusters(r -> r.dbClusterIdentifier(src + "-clone")).dbClusters().get(0).status())
                .isEqualTo("deleting");
        assertThat(cloud.aws().awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(rds().describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .doesNotContain(src + "-clone");
        assertThat(rds().describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier())
                .doesNotContain(src + "-clone-writer");
        assertThat(events).filteredOn(e -> e instanceof StepSucceeded).extracting(OpsEvent::step)
                .contains("binlog-parameter-group", "reboot-writer", "replication-user", "binlog-retention", "clone",
                        "clone-writer", "external-source", "start-replication");
        // The clone writer's crash-recovery event is there by the time the step looks: it is read, not awaited.
        assertThat(events).filteredOn(e -> "start-position".equals(e.step()) && e instanceof StepSkipped)
                .singleElement().extracting(OpsEvent::message).asString().contains("Binlog position", "bin");
        assertThat(events).allSatisfy(e -> assertThat(master.appearsIn(e.message() + e.attributes())).isFalse());
    }
}
