package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.Secret;
import dev.opskit.core.StepFailedException;
import dev.opskit.testkit.LocalAwsExtension;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * A crash after each step that changed something, then start() again: the runbook converges
 * without a second clone, user, parameter group or writer, and the copy is identical.
 */
class ReplicationResumeIT {
    @RegisterExtension
    static final LocalAwsExtension cloud = LocalAwsExtension.perClass();

    private static RdsClient rds() {
        return cloud.client(RdsClient.class, RdsClient::builder);
    }

    /** Thrown by the hook in place of a crash. */
    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String step) {
            super("crash after " + step);
        }
    }

    @Test
    void aCrashAfterEveryStepThenStartAgainConvergesWithoutDuplicates() throws Exception {
        Secret master = Secret.generate(16);
        DBCluster source = ReplicationFixture.seededSource(rds(), "billing", "5.7.mysql_aurora.2.11.2", master, 7);
        List<String> crashedAfter = new ArrayList<>();
        java.util.Set<String> crashedOnce = new java.util.HashSet<>();
        ReplicationHandle handle = null;
        try (var writer = new ReplicationFixture.Workload(source, master, 11, 5)) {
            for (int attempt = 0; attempt < 15 && handle == null; attempt++) {
                AtomicBoolean crashed = new AtomicBoolean();
                ReplicationSetup setup = Replication.from("billing", cloud.context()).cloneTo("billing-next")
                        .masterPassword(master).deadline(Duration.ofMinutes(2))
                        .afterStep(step -> {
                            // Each run "crashes" right after the first step that changed something and
                            // has not crashed before, so every acting step gets one crash after it.
                            if (!crashedOnce.contains(step) && crashed.compareAndSet(false, true)) {
                                crashedOnce.add(step);
                                crashedAfter.add(step);
                                throw new Crash(step);
                            }
                        });
                try {
                    handle = setup.start();
                } catch (StepFailedException e) {
                    assertThat(e).hasRootCauseInstanceOf(Crash.class);
                }
            }
        }
        assertThat(handle).as("converged after crashes after %s", crashedAfter).isNotNull();
        assertThat(crashedAfter).containsExactly("binlog-parameter-group", "reboot-writer", "replication-user",
                "binlog-retention", "clone", "clone-writer", "external-source", "start-replication");
        try (ReplicationHandle h = handle) {
            h.awaitCaughtUp(Duration.ofMinutes(1));
            assertThat(h.verify().identical()).isTrue();
        }

        assertThat(rds().describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .filteredOn(id -> id.startsWith("billing")).containsExactlyInAnyOrder("billing", "billing-next");
        DBCluster clone = rds().describeDBClusters(r -> r.dbClusterIdentifier("billing-next")).dbClusters().get(0);
        assertThat(clone.dbClusterMembers()).hasSize(1);
        // Later runs recognise the clone by this tag first.
        assertThat(clone.tagList()).extracting(t -> t.key() + "=" + t.value()).containsExactly("opskit:clone-of=billing");
        assertThat(rds().describeDBClusterParameterGroups().dbClusterParameterGroups())
                .filteredOn(g -> g.dbClusterParameterGroupName().equals("billing-opskit-binlog"))
                .extracting(g -> rds().listTagsForResource(r -> r.resourceName(g.dbClusterParameterGroupArn()))
                        .tagList().get(0).value()).containsExactly("billing");
        assertThat(rds().describeDBClusterParameterGroups().dbClusterParameterGroups())
                .filteredOn(g -> g.dbClusterParameterGroupName().startsWith("billing"))
                .extracting(g -> g.dbClusterParameterGroupName()).containsExactly("billing-opskit-binlog");
        try (Connection c = ReplicationFixture.connect(source, master)) {
            assertThat(ReplicationFixture.count(c, "SELECT COUNT(*) FROM mysql.user WHERE User = 'opskit_repl'"))
                    .isEqualTo(1);
        }

        // Once converged, a further start() changes nothing.
        List<String> acted = new ArrayList<>();
        try (ReplicationHandle again = Replication.from("billing", cloud.context()).cloneTo("billing-next").masterPassword(master)
                .afterStep(acted::add).start()) {
            assertThat(again.status().isRunning()).isTrue();
        }
        assertThat(acted).isEmpty();
    }

    @Test
    void planOfAConvergedRunChangesNothingAndNamesEveryStep() {
        Secret master = Secret.generate(16);
        ReplicationFixture.createSource(rds(), "ledger", "8.0.mysql_aurora.3.04.0", master);
        var plan = Replication.from("ledger", cloud.context()).cloneTo("ledger-next").masterPassword(master).plan();
        assertThat(plan.steps()).extracting(s -> s.name()).containsExactly("validate", "binlog-parameter-group",
                "reboot-writer", "replication-user", "binlog-retention", "clone", "clone-writer", "start-position",
                "external-source", "start-replication");
        assertThat(plan.hasChanges()).isTrue();
        assertThat(plan.toString()).doesNotContain(master.reveal());
        // Planning created nothing.
        assertThat(rds().describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .doesNotContain("ledger-next");
        assertThat(rds().describeDBClusterParameterGroups().dbClusterParameterGroups())
                .extracting(g -> g.dbClusterParameterGroupName()).doesNotContain("ledger-opskit-binlog");
        assertThatThrownBy(() -> Replication.from("ledger", cloud.context()).cloneTo("ledger-next").start())
                .hasMessageContaining("masterPassword");
    }
}
