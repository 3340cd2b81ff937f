package dev.opskit.rds.internal.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.opskit.core.Runbook;
import dev.opskit.core.VirtualTime;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Waiting;
import dev.opskit.rds.UpgradeException;
import dev.opskit.rds.UpgradeRdsEvent;
import dev.opskit.rds.event.UpgradeRdsEventSeen;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.UpgradeTarget;

/**
 * The follow step in virtual time against an RDS that answers from memory: RDS events become
 * typed events stamped by the runbook's clock, each once; a stop by RDS ends the step, also when
 * the step is tried again.
 */
class FollowUpgradeStepTest {
    private static final String FROM = "5.7.mysql_aurora.2.11.2";
    private static final String TO = "8.0.mysql_aurora.3.04.0";
    /** RDS's clock, years before the runbook's. */
    private static final Instant RDS = Instant.parse("2024-03-05T10:00:00Z");
    private static final String STOPPED = "Database cluster is in a state that cannot be upgraded: Upgrade prechecks"
            + " failed. For more details, see the upgrade-prechecks.log file.";

    private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2031-01-01T00:00:00Z"));
    private final EventBus bus = new EventBus();
    private final List<OpsEvent> published = new ArrayList<>();

    @Test
    void eachRdsEventOfTheUpgradeIsPublishedOnceByTheRunbooksClock() {
        FakeRds rds = new FakeRds(n -> n < 4 ? cluster("upgrading", FROM) : cluster("available", TO));
        rds.add(RDS.minusSeconds(3600), "DB cluster created");
        rds.add(RDS, UpgradeEventFollower.UPGRADE_STARTED);
        rds.add(RDS.plusSeconds(1), UpgradeEventFollower.ONLINE_PRECHECKS);
        UpgradeRun run = run(rds);
        bus.subscribe(e -> {
            published.add(e);
            if (e instanceof Waiting w && w.attempt() == 1) {
                rds.add(RDS.plusSeconds(60), "Upgrade in progress: Upgrading database objects.");
            }
            if (e instanceof Waiting w && w.attempt() == 2) {
                rds.add(RDS.plusSeconds(120), "Database cluster major version has been upgraded");
            }
        });

        runbook(run).run();

        List<UpgradeRdsEventSeen> seen = published.stream().filter(UpgradeRdsEventSeen.class::isInstance)
                .map(UpgradeRdsEventSeen.class::cast).toList();
        assertThat(seen).extracting(UpgradeRdsEventSeen::rdsMessage).containsExactly(
                UpgradeEventFollower.UPGRADE_STARTED, UpgradeEventFollower.ONLINE_PRECHECKS,
                "Upgrade in progress: Upgrading database objects.", "Database cluster major version has been upgraded");
        assertThat(seen).extracting(UpgradeRdsEventSeen::rdsTime)
                .containsExactly(RDS, RDS.plusSeconds(1), RDS.plusSeconds(60), RDS.plusSeconds(120));
        assertThat(seen).allSatisfy(e -> {
            assertThat(e.time()).isAfterOrEqualTo(Instant.parse("2031-01-01T00:00:00Z")).isBeforeOrEqualTo(time.now());
            assertThat(e.step()).isEqualTo("follow upgrade");
            assertThat(e.clusterId()).isEqualTo("orders");
            assertThat(e.message()).isEqualTo("RDS: " + e.rdsMessage());
        });
        assertThat(seen.get(3).time()).isAfter(seen.get(0).time());
        assertThat(run.events().seen()).containsExactlyElementsOf(seen.stream().map(UpgradeRdsEventSeen::rdsEvent)
                .toList());
        assertThat(run.versionAfter()).isEqualTo(TO);
        assertThat(time.totalSlept()).isPositive();
    }

    @Test
    void anUpgradeRdsStoppedEndsTheStepWithTheLogAlsoWhenTriedAgain() {
        FakeRds rds = new FakeRds(n -> cluster(n < 3 ? "upgrading" : "available", FROM));
        rds.log = "{\"id\": \"oldTemporalCheck\", \"errorCount\": 1}";
        rds.add(RDS, UpgradeEventFollower.UPGRADE_STARTED);
        rds.add(RDS.plusSeconds(5), STOPPED);
        UpgradeRun run = run(rds);

        UpgradeException first = catchThrowableOfType(UpgradeException.class, () -> runbook(run).run());
        // A step retried after a failure looks again: the events are not new any more, the stop still counts.
        UpgradeException again = catchThrowableOfType(UpgradeException.class, () -> runbook(run).run());

        for (UpgradeException e : List.of(first, again)) {
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("stopped by RDS", "oldTemporalCheck", "stays on " + FROM);
            assertThat(e.prechecksLog()).contains(rds.log);
            assertThat(e.step()).contains("follow upgrade");
        }
        assertThat(published).filteredOn(UpgradeRdsEventSeen.class::isInstance).extracting(OpsEvent::severity)
                .containsExactly(OpsEvent.Severity.INFO, OpsEvent.Severity.ERROR);
    }

    @Test
    void eventsFromBeforeThisRunStartedTheUpgradeAreNotItsOwn() {
        FakeRds rds = new FakeRds(n -> cluster("available", FROM));
        rds.add(RDS, UpgradeEventFollower.UPGRADE_STARTED);
        rds.add(RDS.plusSeconds(5), STOPPED);
        UpgradeEventFollower follower = new UpgradeEventFollower(rds, "orders");
        follower.rememberEarlier();
        rds.add(RDS.plusSeconds(600), UpgradeEventFollower.UPGRADE_STARTED);
        rds.add(RDS.plusSeconds(601), UpgradeEventFollower.ONLINE_PRECHECKS);

        assertThat(follower.poll()).extracting(UpgradeRdsEvent::time)
                .containsExactly(RDS.plusSeconds(600), RDS.plusSeconds(601));
        assertThat(follower.stoppedBy()).isEmpty();
        assertThat(follower.poll()).isEmpty();

        // A resumed run, which did not start the upgrade, takes the events from the latest start on.
        UpgradeEventFollower resumed = new UpgradeEventFollower(rds, "orders");
        assertThat(resumed.poll()).extracting(UpgradeRdsEvent::time)
                .containsExactly(RDS.plusSeconds(600), RDS.plusSeconds(601));
    }

    private UpgradeRun run(FakeRds rds) {
        UpgradeOptions o = new UpgradeOptions("orders", "8.0", false, true, null, Duration.ofHours(1),
                Duration.ofMillis(100), null);
        UpgradeRun run = new UpgradeRun(o, rds, time.clock(), time.sleeper());
        run.findings(new UpgradePrechecks.Findings(cluster("upgrading", FROM), FROM,
                UpgradeTarget.builder().engine("aurora-mysql").engineVersion(TO).isMajorVersionUpgrade(true).build(),
                true, "orders-1", List.of(), List.of()));
        return run;
    }

    private Runbook runbook(UpgradeRun run) {
        if (bus.listenerCount() == 0) {
            bus.subscribe(published::add);
        }
        return Runbook.named("follow orders").resource("orders").step(new FollowUpgradeStep(run)).events(bus)
                .clock(time.clock()).build();
    }

    private static DBCluster cluster(String status, String version) {
        return DBCluster.builder().dbClusterIdentifier("orders").status(status).engineVersion(version)
                .engine("aurora-mysql").build();
    }
}
