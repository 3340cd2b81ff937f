package dev.opskit.testkit;

import dev.opskit.core.Backoff;
import dev.opskit.core.VirtualTime;
import dev.opskit.core.Waiter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.SourceType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Pending engine version upgrades start in the cluster's maintenance window, on LocalAws's clock:
 * the tests move a virtual clock, the emulated transitions run in real time.
 */
class RdsMaintenanceWindowIT {
    private static final String PASSWORD = "Wind0wPassw0rd";
    private static final String FROM = "5.7.mysql_aurora.2.11.2";
    private static final String MAJOR = "8.0.mysql_aurora.3.08.0";
    private static final String MINOR = "5.7.mysql_aurora.2.12.1";
    private static final String STARTED = "Database cluster engine version upgrade started.";
    /** A Wednesday, 12:00 UTC. */
    private static final Instant WEDNESDAY_NOON = Instant.parse("2026-01-07T12:00:00Z");

    private final VirtualTime time = VirtualTime.startingAt(WEDNESDAY_NOON);
    @RegisterExtension
    final LocalAwsExtension local = LocalAwsExtension.builder().clock(time.clock()).timings(Timings.defaults())
            .perTest();
    private RdsClient rds;

    @BeforeEach
    void client() {
        rds = local.client(RdsClient.class, RdsClient::builder);
    }

    @Test
    void aPendingMajorUpgradeWaitsForTheWindowThenRunsLikeAnImmediateOne() throws Exception {
        // Thursday 03:00 UTC is 15 hours after the start of the clock.
        clusterWithWriter("weekly", "Thu:03:00-thu:03:30");
        assertThat(describe("weekly").preferredMaintenanceWindow()).isEqualTo("thu:03:00-thu:03:30");
        assertThat(instance("weekly-1").preferredMaintenanceWindow()).isEqualTo("thu:03:00-thu:03:30");

        DBCluster answer = rds.modifyDBCluster(b -> b.dbClusterIdentifier("weekly").engineVersion(MAJOR)
                .allowMajorVersionUpgrade(true).applyImmediately(false)).dbCluster();

        assertThat(answer.status()).isEqualTo("available");
        assertThat(answer.pendingModifiedValues().engineVersion()).isEqualTo(MAJOR);
        time.advance(Duration.ofHours(15).minusMinutes(1));
        assertUnchangedFor(Duration.ofMillis(400), "weekly", FROM, MAJOR);
        assertThat(events("weekly")).doesNotContain(STARTED);

        time.advance(Duration.ofMinutes(2));
        awaitCluster("weekly", "upgrading", c -> c.status().equals("upgrading"));
        DBCluster after = awaitCluster("weekly", "available on " + MAJOR,
                c -> c.status().equals("available") && c.engineVersion().equals(MAJOR));

        assertThat(after.pendingModifiedValues() == null ? null : after.pendingModifiedValues().engineVersion())
                .isNull();
        assertThat(after.dbClusterParameterGroup()).isEqualTo("default.aurora-mysql8.0");
        assertThat(instance("weekly-1").engineVersion()).isEqualTo(MAJOR);
        List<Event> upgradeEvents = rds.describeEvents(b -> b.sourceType(SourceType.DB_CLUSTER)
                .sourceIdentifier("weekly").startTime(WEDNESDAY_NOON)).events();
        List<String> messages = upgradeEvents.stream().map(Event::message).toList();
        assertThat(messages).containsSubsequence("DB cluster created", STARTED,
                "Upgrade in progress: Performing online pre-upgrade checks.",
                "Upgrade in progress: Upgrading database objects.", "Database cluster major version has been upgraded");
        assertThat(messages).filteredOn(STARTED::equals).hasSize(1);
        Instant windowStart = Instant.parse("2026-01-08T03:00:00Z");
        assertThat(upgradeEvents.stream().filter(e -> e.message().equals(STARTED)).findFirst().orElseThrow().date())
                .isAfterOrEqualTo(windowStart).isBefore(windowStart.plus(Duration.ofMinutes(30)));
        try (Connection c = connect("weekly")) {
            assertThat(query(c, "SELECT VERSION()")).startsWith("8.0");
        }
    }

    @Test
    void aWindowChangedByModifyDbClusterMovesThePendingUpgrade() {
        clusterWithWriter("moved", null);
        assertThat(describe("moved").preferredMaintenanceWindow()).isEqualTo("sun:05:00-sun:05:30");
        rds.modifyDBCluster(b -> b.dbClusterIdentifier("moved").engineVersion(MINOR).applyImmediately(false));

        DBCluster answer = rds.modifyDBCluster(b -> b.dbClusterIdentifier("moved")
                .preferredMaintenanceWindow("wed:14:00-wed:14:30")).dbCluster();

        assertThat(answer.preferredMaintenanceWindow()).isEqualTo("wed:14:00-wed:14:30");
        assertThat(answer.pendingModifiedValues().engineVersion()).isEqualTo(MINOR);
        assertThat(instance("moved-1").preferredMaintenanceWindow()).isEqualTo("wed:14:00-wed:14:30");
        time.advance(Duration.ofHours(2).minusMinutes(1));
        assertUnchangedFor(Duration.ofMillis(300), "moved", FROM, MINOR);

        time.advance(Duration.ofMinutes(1));
        DBCluster after = awaitCluster("moved", "available on " + MINOR,
                c -> c.status().equals("available") && c.engineVersion().equals(MINOR));

        assertThat(after.pendingModifiedValues() == null ? null : after.pendingModifiedValues().engineVersion())
                .isNull();
        assertThat(events("moved")).containsSubsequence(STARTED, "Database cluster engine version has been upgraded.");
    }

    @Test
    void applyingThePendingVersionImmediatelyStartsItAtOnceAndOnlyOnce() {
        clusterWithWriter("urgent", "wed:13:00-wed:13:30");
        rds.modifyDBCluster(b -> b.dbClusterIdentifier("urgent").engineVersion(MINOR).applyImmediately(false));

        DBCluster answer = rds.modifyDBCluster(b -> b.dbClusterIdentifier("urgent").engineVersion(MINOR)
                .applyImmediately(true)).dbCluster();

        assertThat(answer.status()).isEqualTo("upgrading");
        assertThat(answer.pendingModifiedValues() == null ? null : answer.pendingModifiedValues().engineVersion())
                .isNull();
        awaitCluster("urgent", "available on " + MINOR,
                c -> c.status().equals("available") && c.engineVersion().equals(MINOR));
        // The window that would have applied it passes without a second upgrade.
        time.advance(Duration.ofHours(1).plusMinutes(5));
        assertUnchangedFor(Duration.ofMillis(300), "urgent", MINOR, null);
        assertThat(events("urgent")).filteredOn(STARTED::equals).hasSize(1);
    }

    @Test
    void anyModificationAppliedImmediatelyAppliesThePendingUpgradeToo() {
        clusterWithWriter("swept", "wed:13:00-wed:13:30");
        rds.modifyDBCluster(b -> b.dbClusterIdentifier("swept").engineVersion(MINOR).applyImmediately(false));

        // nothing of its own to change, but ApplyImmediately takes what is pending along
        DBCluster answer = rds.modifyDBCluster(b -> b.dbClusterIdentifier("swept").applyImmediately(true)).dbCluster();

        assertThat(answer.status()).isEqualTo("upgrading");
        awaitCluster("swept", "available on " + MINOR,
                c -> c.status().equals("available") && c.engineVersion().equals(MINOR));
        time.advance(Duration.ofHours(1).plusMinutes(5));
        assertUnchangedFor(Duration.ofMillis(300), "swept", MINOR, null);
        assertThat(events("swept")).filteredOn(STARTED::equals).hasSize(1);
    }

    @Test
    void invalidWindowsAreRejectedAsRdsDoesBeforeAnyChange() {
        assertInvalid(() -> create("short", "mon:03:00-mon:03:10"), "The maintenance window must be at least 30 minutes.");
        assertInvalid(() -> create("badly", "mon03:00-mon:03:30"), "Invalid maintenance window format: mon03:00-mon:03:30."
                + " Should be specified as a range ddd:hh24:mi-ddd:hh24:mi (24H Clock UTC). Example: Sun:23:45-Mon:00:15");
        assertInvalid(() -> create("noday", "xyz:03:00-xyz:03:30"), "Invalid day:hour:minute value: xyz:03:00-xyz:03:30");
        assertInvalid(() -> create("nohour", "mon:25:00-mon:25:30"), "Invalid day:hour:minute value: mon:25:00-mon:25:30");
        assertInvalid(() -> create("long", "mon:03:00-tue:04:00"), "Maintenance window must be less than 24 hours.");
        for (String id : List.of("short", "badly", "noday", "nohour", "long")) {
            assertThat(catchThrowableOfType(DbClusterNotFoundException.class, () -> describe(id))).as(id).isNotNull();
        }

        clusterWithWriter("kept", "fri:22:00-fri:22:30");
        rds.modifyDBCluster(b -> b.dbClusterIdentifier("kept").engineVersion(MINOR).applyImmediately(false));
        // LocalAws's backup window is 07:00-07:30 every day.
        assertInvalid(() -> rds.modifyDBCluster(b -> b.dbClusterIdentifier("kept")
                .preferredMaintenanceWindow("sat:06:45-sat:07:15")), "The backup window and maintenance window must not overlap.");
        assertInvalid(() -> rds.modifyDBCluster(b -> b.dbClusterIdentifier("kept").engineVersion(MAJOR)
                .allowMajorVersionUpgrade(true).preferredMaintenanceWindow("sat:06:00-sat:06:10")),
                "The maintenance window must be at least 30 minutes.");

        DBCluster kept = describe("kept");
        assertThat(kept.preferredMaintenanceWindow()).isEqualTo("fri:22:00-fri:22:30");
        assertThat(kept.pendingModifiedValues().engineVersion()).isEqualTo(MINOR);
    }

    // ------------------------------------------------------------------ helpers

    private void create(String id, String window) {
        rds.createDBCluster(b -> b.dbClusterIdentifier(id).engine("aurora-mysql").engineVersion(FROM)
                .masterUsername("admin").masterUserPassword(PASSWORD).preferredMaintenanceWindow(window));
    }

    private void clusterWithWriter(String id, String window) {
        rds.createDBCluster(b -> {
            b.dbClusterIdentifier(id).engine("aurora-mysql").engineVersion(FROM).masterUsername("admin")
                    .masterUserPassword(PASSWORD);
            if (window != null) {
                b.preferredMaintenanceWindow(window);
            }
        });
        rds.createDBInstance(b -> b.dbInstanceIdentifier(id + "-1").dbClusterIdentifier(id)
                .dbInstanceClass("db.r6g.large").engine("aurora-mysql"));
        Waiter.forResource("DB instance " + id + "-1").waitingFor("available")
                .poll(() -> instance(id + "-1")).state(DBInstance::dbInstanceStatus)
                .succeedWhen(i -> "available".equals(i.dbInstanceStatus()))
                .backoff(Backoff.fixed(Duration.ofMillis(50))).deadline(Duration.ofMinutes(1)).await();
        awaitCluster(id, "available", c -> c.status().equals("available"));
    }

    private static void assertInvalid(Runnable call, String message) {
        RdsException e = catchThrowableOfType(RdsException.class, call::run);
        assertThat(e).as(message).isNotNull();
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        assertThat(e.statusCode()).isEqualTo(400);
    }

    /** Polls for a while (the service checks its windows every 50 ms) and sees nothing move. */
    private void assertUnchangedFor(Duration d, String id, String version, String pending) {
        long end = System.nanoTime() + d.toNanos();
        do {
            DBCluster c = describe(id);
            assertThat(c.status()).isEqualTo("available");
            assertThat(c.engineVersion()).isEqualTo(version);
            assertThat(c.pendingModifiedValues() == null ? null : c.pendingModifiedValues().engineVersion())
                    .isEqualTo(pending);
            sleep(50);
        } while (System.nanoTime() < end);
    }

    private DBCluster awaitCluster(String id, String what, Predicate<DBCluster> done) {
        return Waiter.forResource("DB cluster " + id).waitingFor(what)
                .poll(() -> describe(id)).state(c -> c.status() + " " + c.engineVersion())
                .succeedWhen(done).backoff(Backoff.fixed(Duration.ofMillis(20))).deadline(Duration.ofMinutes(1))
                .await();
    }

    private DBCluster describe(String id) {
        return rds.describeDBClusters(b -> b.dbClusterIdentifier(id)).dbClusters().get(0);
    }

    private DBInstance instance(String id) {
        return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().get(0);
    }

    private List<String> events(String id) {
        return rds.describeEvents(b -> b.sourceType(SourceType.DB_CLUSTER).sourceIdentifier(id)
                .startTime(WEDNESDAY_NOON)).events().stream().map(Event::message).toList();
    }

    private Connection connect(String clusterId) throws Exception {
        DBCluster c = describe(clusterId);
        return DriverManager.getConnection("jdbc:mysql://" + c.endpoint() + ":" + c.port()
                + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true", c.masterUsername(), PASSWORD);
    }

    private static String query(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
