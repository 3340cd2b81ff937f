package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.opskit.rds.UpgradeFixture.addWriter;
import static dev.opskit.rds.UpgradeFixture.describe;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Backoff;
import dev.opskit.core.Secret;
import dev.opskit.core.StepResult;
import dev.opskit.core.VirtualTime;
import dev.opskit.core.Waiter;
import dev.opskit.testkit.LocalAwsExtension;
import dev.opskit.testkit.Timings;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.SourceType;

/**
 * An upgrade scheduled for the next maintenance window runs when LocalAws's clock reaches the
 * window, and a later run of the runbook picks it up instead of starting another.
 */
class AuroraUpgradeWindowIT {
    private static final Secret PASSWORD = Secret.of("Wind0w-Upgr4de");
    private static final String FROM = "5.7.mysql_aurora.2.11.2";
    private static final String TARGET = "8.0.mysql_aurora.3.08.0";
    private static final String STARTED = "Database cluster engine version upgrade started.";
    private static final String UPGRADED = "Database cluster major version has been upgraded";
    private static final DateTimeFormatter WINDOW_END = DateTimeFormatter.ofPattern("EEE:HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    // Years away from the real time: the runbook must read events by LocalAws's clock, not its own.
    // (LocalAws's backup window is 07:00-07:30 UTC: the maintenance window, 12:00, may not overlap it.)
    private static final Instant START = Instant.parse("2024-03-05T10:00:00Z");

    private final VirtualTime time = VirtualTime.startingAt(START);
    /** Two hours after the clock's start: the window of the clusters under test. */
    private final Instant windowStart = START.plus(Duration.ofHours(2));
    /** Slow enough for a poller to see the cluster upgrading. */
    @RegisterExtension
    final LocalAwsExtension local = LocalAwsExtension.builder().clock(time.clock())
            .timings(Timings.defaults().scaled(4)).perTest();
    private AwsContext ctx;
    private RdsClient rds;

    @BeforeEach
    void clients() {
        ctx = local.context();
        rds = local.client(RdsClient.class, RdsClient::builder);
    }

    @Test
    void aScheduledUpgradeRunsInTheWindowAndALaterRunReportsItWithoutStartingAnother() {
        cluster("nightly");

        UpgradeResult scheduled = AuroraUpgrades.inPlace("nightly", ctx).to("8.0").masterPassword(PASSWORD)
                .nextMaintenanceWindow().run();

        assertThat(scheduled.scheduled()).isTrue();
        assertThat(scheduled.toVersion()).isEqualTo(TARGET);
        assertThat(scheduled.connection()).isEmpty();
        DBCluster pending = describe(rds, "nightly");
        assertThat(pending.status()).isEqualTo("available");
        assertThat(pending.engineVersion()).isEqualTo(FROM);
        assertThat(pending.pendingModifiedValues().engineVersion()).isEqualTo(TARGET);
        assertThat(events("nightly")).doesNotContain(STARTED);

        time.advance(Duration.ofHours(2).plusMinutes(1));
        await("nightly", "available on " + TARGET, c -> c.status().equals("available")
                && c.engineVersion().equals(TARGET));

        UpgradeResult result = AuroraUpgrades.inPlace("nightly", ctx).to("8.0").masterPassword(PASSWORD).run();

        assertThat(result.scheduled()).isFalse();
        assertThat(result.toVersion()).isEqualTo(TARGET);
        assertThat(result.outcome().step("start upgrade").status()).isEqualTo(StepResult.Status.SKIPPED);
        assertThat(result.outcome().step("start upgrade").text()).contains("runs " + TARGET + " already");
        assertThat(result.rdsEvents()).extracting(UpgradeRdsEvent::message).startsWith(STARTED).endsWith(UPGRADED);
        assertThat(result.rdsEvents().get(0).time()).isAfterOrEqualTo(windowStart);
        assertThat(result.connection().orElseThrow().versionAfter()).startsWith("8.0");
        assertThat(events("nightly")).filteredOn(STARTED::equals).hasSize(1);
    }

    @Test
    void aRunDuringTheWindowFollowsTheUpgradeInProgress() {
        cluster("inflight");
        AuroraUpgrades.inPlace("inflight", ctx).to(TARGET).nextMaintenanceWindow().run();
        time.advance(Duration.ofHours(2).minusMinutes(1));
        assertThat(describe(rds, "inflight").status()).isEqualTo("available");

        time.advance(Duration.ofMinutes(2));
        await("inflight", "upgrading", c -> c.status().equals("upgrading"));
        UpgradeResult result = AuroraUpgrades.inPlace("inflight", ctx).to(TARGET).masterPassword(PASSWORD).run();

        assertThat(result.scheduled()).isFalse();
        assertThat(result.toVersion()).isEqualTo(TARGET);
        assertThat(result.outcome().step("start upgrade").status()).isEqualTo(StepResult.Status.SKIPPED);
        assertThat(result.outcome().step("start upgrade").text()).contains("following it");
        assertThat(result.rdsEvents()).extracting(UpgradeRdsEvent::message).startsWith(STARTED).endsWith(UPGRADED);
        assertThat(result.connection().orElseThrow().versionAfter()).startsWith("8.0");
        assertThat(describe(rds, "inflight").engineVersion()).isEqualTo(TARGET);
        assertThat(events("inflight")).filteredOn(STARTED::equals).hasSize(1);
    }

    @Test
    void anImmediateUpgradeIsFollowedByRdsTimeNotThisMachines() {
        cluster("now");
        // scheduled first, then applied at once: this run's ModifyDBCluster starts it
        AuroraUpgrades.inPlace("now", ctx).to(TARGET).nextMaintenanceWindow().run();
        assertThat(events("now")).doesNotContain(STARTED);

        UpgradeResult result = AuroraUpgrades.inPlace("now", ctx).to(TARGET).masterPassword(PASSWORD).run();

        assertThat(result.scheduled()).isFalse();
        assertThat(result.outcome().step("start upgrade").status()).isEqualTo(StepResult.Status.ACTED);
        assertThat(result.rdsEvents()).extracting(UpgradeRdsEvent::message).startsWith(STARTED).endsWith(UPGRADED);
        // stamped by LocalAws's clock, years before this machine's
        assertThat(result.rdsEvents().get(0).time()).isBefore(windowStart);
        assertThat(result.connection().orElseThrow().versionAfter()).startsWith("8.0");
        assertThat(events("now")).filteredOn(STARTED::equals).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private void cluster(String id) {
        String window = WINDOW_END.format(windowStart) + "-" + WINDOW_END.format(windowStart.plus(Duration.ofMinutes(30)));
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-mysql").engineVersion(FROM)
                .masterUsername("admin").masterUserPassword(PASSWORD.reveal())
                .preferredMaintenanceWindow(window.toLowerCase(Locale.ROOT)));
        addWriter(rds, id, "aurora-mysql", null);
        assertThat(describe(rds, id).preferredMaintenanceWindow()).isEqualTo(window.toLowerCase(Locale.ROOT));
    }

    private DBCluster await(String id, String what, Predicate<DBCluster> done) {
        return Waiter.forResource("DB cluster " + id).waitingFor(what).poll(() -> describe(rds, id))
                .state(c -> c.status() + " " + c.engineVersion()).succeedWhen(done)
                .backoff(Backoff.fixed(Duration.ofMillis(20))).deadline(Duration.ofMinutes(1)).await();
    }

    private List<String> events(String id) {
        return rds.describeEvents(r -> r.sourceType(SourceType.DB_CLUSTER).sourceIdentifier(id)
                .startTime(windowStart.minus(Duration.ofHours(3)))).events().stream().map(Event::message).toList();
    }
}
