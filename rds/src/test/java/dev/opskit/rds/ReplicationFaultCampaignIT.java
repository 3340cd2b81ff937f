package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.Secret;
import dev.opskit.core.StepFailedException;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Retrying;
import dev.opskit.testkit.Faults;
import dev.opskit.testkit.LocalAwsExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * The replication runbook with its default settings against an RDS that throttles 30% of all
 * calls, answers 5% with 503 and drops a few connections (seeded, {@code -Dcampaign.seed=N}):
 * it completes, and the copy is identical; every injected fault is one {@code Retrying} event of
 * the step it hit, and the teardown rides them out too. At 100% throttling a run fails at its deadline, naming the throttled operation.
 */
class ReplicationFaultCampaignIT {
    @RegisterExtension
    static final LocalAwsExtension cloud = LocalAwsExtension.perClass();

    private static RdsClient rds() {
        return cloud.client(RdsClient.class, RdsClient::builder);
    }

    @AfterEach
    void clearFaults() {
        cloud.aws().faults().clear();
    }

    /** Three runs, each from a source of its own, with the faults seeded differently. */
    @Test
    void throttlingServerErrorsAndDroppedConnectionsOnEveryRdsCallAreRiddenOutWithDefaultSettings() throws Exception {
        long seed = Long.getLong("campaign.seed", 20_261_201L);
        Map<String, Integer> total = new TreeMap<>();
        for (int trial = 1; trial <= 3; trial++) {
            trial("campaign-" + trial, seed + 10L * trial, trial % 2 == 0 ? "5.7.mysql_aurora.2.11.2"
                    : "8.0.mysql_aurora.3.04.0").forEach((kind, n) -> total.merge(kind, n, Integer::sum));
        }
        System.out.println("fault campaign (seed " + seed + "): faulted RDS calls in all " + total);
        assertThat(total).as("every kind of fault hit the runs").containsOnlyKeys("dropped", "503", "throttled")
                .allSatisfy((kind, n) -> assertThat(n).isPositive());
    }

    /** One run under faults: start(), catch up, verify, tear down. Returns the faults it met by kind. */
    private static Map<String, Integer> trial(String id, long seed, String version) throws Exception {
        Secret master = Secret.generate(16);
        DBCluster source = ReplicationFixture.seededSource(rds(), id, version, master, seed);
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        ReplicationHandle handle;
        long took;
        Map<String, Integer> byKind = new TreeMap<>();
        try (var writer = new ReplicationFixture.Workload(source, master, seed, 10);
             // in this order: a call meets at most one fault, the first rule that fires
             Faults.Injection dropped = cloud.aws().faults().fraction(0.04, seed).dropConnection("rds", "*");
             Faults.Injection throttled = cloud.aws().faults().fraction(0.30, seed + 1).throttle("rds", "*");
             Faults.Injection failed = cloud.aws().faults().fraction(0.05, seed + 2).serverError("rds", "*", 503)) {
            long t0 = System.nanoTime();
            handle = Replication.from(id, cloud.context()).cloneTo(id + "-next")
                    .masterPassword(master)
                    .listener(events::add)
                    .start();
            took = (System.nanoTime() - t0) / 1_000_000;
            byKind.put("dropped", dropped.triggered());
            byKind.put("throttled", throttled.triggered());
            byKind.put("503", failed.triggered());
            assertThat(writer.done()).as("writes during the run").isPositive();
        }
        int faults = byKind.values().stream().mapToInt(Integer::intValue).sum();
        List<Retrying> retries = events.stream().filter(Retrying.class::isInstance).map(Retrying.class::cast).toList();
        long stepRetries = retries.stream().filter(r -> !r.attributes().containsKey("operation")).count();
        System.out.printf("fault campaign %s (seed %d, %s): start() took %d ms; %d RDS calls faulted %s;"
                + " %d Retrying events, %d of them step retries (a call that changes something failed)%n", id, seed,
                version, took, faults, byKind, retries.size(), stepRetries);
        assertThat(faults).as("faults injected into the run").isPositive();
        // Every fault was seen and waited out by a step of this run; none was retried silently.
        assertThat(retries).as("Retrying events, one per faulted call").hasSize(faults)
                .allSatisfy(r -> {
                    assertThat(r.runbookId()).startsWith("rb-");
                    assertThat(r.step()).isNotBlank();
                });
        try (handle) {
            handle.awaitCaughtUp(Duration.ofMinutes(1));
            VerificationReport report = handle.verify();
            assertThat(report.identical()).as("seed %d: %s", seed, report.summary()).isTrue();
            assertThat(report.sourceRows()).isPositive();
            try (var again = cloud.aws().faults().fraction(0.30, seed + 3).throttle("rds", "*");
                 var failing = cloud.aws().faults().fraction(0.05, seed + 4).serverError("rds", "*", 503)) {
                handle.teardown(true);
            }
        }
        assertThat(cloud.aws().awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(rds().describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .doesNotContain(id + "-next");
        return byKind;
    }

    @Test
    void atFullThrottlingARunFailsAtItsDeadlineNamingTheThrottledOperation() {
        Secret master = Secret.generate(16);
        ReplicationFixture.createSource(rds(), "throttled", "5.7.mysql_aurora.2.11.2", master);
        Duration deadline = Duration.ofSeconds(20);
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        cloud.aws().faults().always().throttle("rds", "*");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Replication.from("throttled", cloud.context()).cloneTo("throttled-next")
                .masterPassword(master).deadline(deadline).listener(events::add).start())
                .satisfies(e -> System.out.println("full throttling: " + e.getMessage()))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("Step 'validate'")
                .hasMessageContaining("DescribeDBClusters failed after")
                .hasMessageContaining("deadline of step 'validate'")
                .hasMessageContaining("Rate exceeded")
                .satisfies(e -> assertThat(((StepFailedException) e).step()).contains("validate"));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("full throttling: start() failed after %d ms (deadline %s), %d Retrying events%n",
                took.toMillis(), deadline, events.stream().filter(Retrying.class::isInstance).count());
        // Retries end when the next one would start after the deadline: within a few seconds of it.
        assertThat(took).isBetween(deadline.minusSeconds(5), deadline.plusSeconds(3));
        assertThat(events).filteredOn(Retrying.class::isInstance).isNotEmpty()
                .allSatisfy(e -> assertThat(e.step()).isEqualTo("validate"))
                .anySatisfy(e -> assertThat(((Retrying) e).condition()).isEqualTo("Rds DescribeDBClusters throttled"));
    }
}
