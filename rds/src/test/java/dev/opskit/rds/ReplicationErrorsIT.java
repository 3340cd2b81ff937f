package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.Secret;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Warning;
import dev.opskit.rds.event.ReplicationErrorSkipped;
import dev.opskit.testkit.LocalAwsExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * Bad input fails before any change; a duplicate key stops replication unless skipping is explicit;
 * a refused replication user or a purged binlog ends a wait at once, and start() again repairs the
 * former.
 */
class ReplicationErrorsIT {
    @RegisterExtension
    static final LocalAwsExtension cloud = LocalAwsExtension.perClass();

    private static RdsClient rds() {
        return cloud.client(RdsClient.class, RdsClient::builder);
    }

    @Test
    void badInputFailsBeforeAnyChange() {
        Secret master = Secret.generate(16);
        DBCluster old = ReplicationFixture.createSource(rds(), "legacy", "5.7.mysql_aurora.2.10.2", master);
        ReplicationFixture.createSource(rds(), "unrelated", "5.7.mysql_aurora.2.11.2", master);
        int groupsBefore = rds().describeDBClusterParameterGroups().dbClusterParameterGroups().size();

        assertThatThrownBy(() -> Replication.from("nope", cloud.context()).cloneTo("nope-next").masterPassword(master).start())
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> Replication.from("legacy", cloud.context()).cloneTo("legacy-next").masterPassword(master)
                .binlogRetentionHours(169).start())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("169").hasMessageContaining("168");
        assertThatThrownBy(() -> Replication.from("legacy", cloud.context()).cloneTo("unrelated").masterPassword(master).start())
                .isInstanceOf(ConflictException.class).hasMessageContaining("unrelated")
                .hasMessageContaining("not a clone of 'legacy'");
        assertThatThrownBy(() -> Replication.from("legacy", cloud.context()).cloneTo("legacy-next")
                .masterPassword(Secret.of("wrong-password-1")).start())
                .hasMessageContaining("legacy").hasMessageNotContaining("wrong-password-1");

        assertThat(rds().describeDBClusterParameterGroups().dbClusterParameterGroups()).hasSize(groupsBefore);
        assertThat(rds().describeDBClusters(r -> r.dbClusterIdentifier("legacy")).dbClusters().get(0)
                .dbClusterParameterGroup()).isEqualTo(old.dbClusterParameterGroup());
        assertThat(rds().describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .doesNotContain("legacy-next", "nope-next");
    }

    @Test
    void duplicateKeyStopsByDefaultAndIsSkippedOnlyWhenAskedThenVerifyFindsTheChunk() throws Exception {
        Secret master = Secret.generate(16);
        DBCluster source = ReplicationFixture.seededSource(rds(), "shop", "8.0.mysql_aurora.3.04.0", master, 3);
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Secret repl = Secret.of("repl-password-42xyz");
        try (PrintStream p = new PrintStream(captured, true)) {
            System.setOut(p);
            System.setErr(p);
            try (ReplicationHandle h = Replication.from("shop", cloud.context()).cloneTo("shop-next").masterPassword(master)
                    .replicationPassword(repl).listener(events::add).start()) {
                h.awaitCaughtUp(Duration.ofSeconds(30));
                DBCluster clone = rds().describeDBClusters(r -> r.dbClusterIdentifier("shop-next")).dbClusters().get(0);
                try (Connection t = ReplicationFixture.connect(clone, master);
                        Connection s = ReplicationFixture.connect(source, master);
                        Statement ts = t.createStatement(); Statement ss = s.createStatement()) {
                    ts.execute("INSERT INTO shop.settings (name, value) VALUES ('conflict', 'on the clone')");
                    ss.execute("INSERT INTO shop.settings (name, value) VALUES ('conflict', 'on the source')");
                }
                assertThatThrownBy(() -> h.awaitCaughtUp(Duration.ofSeconds(30)))
                        .isInstanceOf(ReplicationException.class)
                        .hasMessageContaining("1062").hasMessageContaining("shop.settings")
                        .hasMessageContaining("conflict");
                assertThat(h.status().isRunning()).isFalse();
                assertThat(h.verificationOwed()).isFalse();
            }
            try (ReplicationHandle h = Replication.from("shop", cloud.context()).cloneTo("shop-next").masterPassword(master)
                    .replicationPassword(repl).errorPolicy(ErrorPolicy.skip(ReplicationError.DUPLICATE_KEY))
                    .listener(events::add).start()) {
                h.awaitCaughtUp(Duration.ofSeconds(30));
                assertThat(h.skippedEvents()).isEqualTo(1);
                assertThat(h.verificationOwed()).isTrue();
                VerificationReport report = h.verify();
                assertThat(report.identical()).isFalse();
                assertThat(report.differences()).extracting(TableResult::table).containsExactly("shop.settings");
                assertThat(h.verificationOwed()).isTrue();
                ReplicationCutover cut = h.cutover();
                assertThat(cut.executedPosition()).isEqualTo(cut.sourcePosition());
                assertThatThrownBy(h::status).hasMessageContaining("no replication configured");

                // The same clone as an existing target, resumed at the position where it was cut over.
                try (Connection s = ReplicationFixture.connect(source, master); Statement ss = s.createStatement()) {
                    ss.execute("INSERT INTO shop.settings (name, value) VALUES ('after-cutover', NULL)");
                }
                try (ReplicationHandle again = Replication.from("shop", cloud.context()).to("shop-next")
                        .startingAt(cut.sourcePosition()).masterPassword(master).replicationPassword(repl).start()) {
                    again.awaitCaughtUp(Duration.ofSeconds(30));
                    DBCluster clone = rds().describeDBClusters(r -> r.dbClusterIdentifier("shop-next")).dbClusters().get(0);
                    try (Connection t = ReplicationFixture.connect(clone, master)) {
                        assertThat(ReplicationFixture.count(t,
                                "SELECT COUNT(*) FROM shop.settings WHERE name = 'after-cutover' AND value IS NULL"))
                                .isEqualTo(1);
                    }
                }
            }
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertThat(events).filteredOn(e -> e instanceof ReplicationErrorSkipped && e.message().contains("skipped"))
                .hasSize(1);
        String everything = captured + events.toString();
        assertThat(repl.appearsIn(everything)).isFalse();
        assertThat(master.appearsIn(everything)).isFalse();
    }

    @Test
    void aRefusedReplicationUserEndsTheWaitAtOnceAndStartAgainRepairsItThenAPurgedBinlogToo() throws Exception {
        Secret master = Secret.generate(16);
        DBCluster source = ReplicationFixture.seededSource(rds(), "till", "5.7.mysql_aurora.2.11.2", master, 5);
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        try (ReplicationHandle h = Replication.from("till", cloud.context()).cloneTo("till-next").masterPassword(master)
                .listener(events::add).start()) {
            h.awaitCaughtUp(Duration.ofSeconds(30));
            // Someone changes the user's password on the source; the IO thread finds out when it reconnects.
            sourceExecutes(source, master, "ALTER USER '" + ReplicationSetup.DEFAULT_USER
                    + "'@'%' IDENTIFIED BY 'changed-by-hand-1'");
            ReplicationFixture.restartReplication(rds(), "till-next", master);
            long started = System.nanoTime();
            assertThatThrownBy(() -> h.awaitCaughtUp(Duration.ofSeconds(60)))
                    .isInstanceOf(ReplicationException.class)
                    .hasMessageContaining("1045")
                    .hasMessageContaining("refuses replication user '" + ReplicationSetup.DEFAULT_USER + "'")
                    .hasMessageContaining("password the target holds no longer matches")
                    .hasMessageContaining("replicationPassword(")
                    .hasMessageNotContaining("changed-by-hand-1");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("failed fast, not at the timeout")
                    .isLessThan(Duration.ofSeconds(10));
        }

        // start() again, generating a password: set on the source's user, and the target re-pointed with it.
        sourceExecutes(source, master, "INSERT INTO shop.settings (name, value) VALUES ('while-refused', 'x')");
        List<String> acted = new CopyOnWriteArrayList<>();
        try (ReplicationHandle h = Replication.from("till", cloud.context()).cloneTo("till-next").masterPassword(master)
                .listener(events::add).afterStep(acted::add).start()) {
            assertThat(acted).containsExactly("replication-user", "external-source", "start-replication");
            h.awaitCaughtUp(Duration.ofSeconds(30));
            // Reconnecting proves the target now holds the user's password.
            ReplicationFixture.restartReplication(rds(), "till-next", master);
            assertThat(h.awaitCaughtUp(Duration.ofSeconds(30)).isRunning()).isTrue();
            assertThat(h.verify().identical()).isTrue();

            // The source purges the binlog the stopped target has not read yet.
            DBCluster clone = rds().describeDBClusters(r -> r.dbClusterIdentifier("till-next")).dbClusters().get(0);
            try (Connection t = ReplicationFixture.connect(clone, master); Statement ts = t.createStatement()) {
                ts.execute("CALL mysql.rds_stop_replication");
                sourceExecutes(source, master, "INSERT INTO shop.settings (name, value) VALUES ('unread', 'y')",
                        "FLUSH BINARY LOGS");
                try (Connection s = ReplicationFixture.connect(source, master); Statement ss = s.createStatement()) {
                    // A binlog a dump thread still reads is not purged: wait for the stopped target's to end.
                    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (ReplicationFixture.count(s, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                            + " WHERE COMMAND LIKE 'Binlog Dump%'") > 0 && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                    String current;
                    try (var rs = ss.executeQuery("SHOW MASTER STATUS")) {
                        rs.next();
                        current = rs.getString("File");
                    }
                    // MariaDB keeps a binlog until its checkpoint has passed, which follows FLUSH a moment later.
                    String oldest = null;
                    List<String> warnings = new java.util.ArrayList<>();
                    while (!current.equals(oldest) && System.nanoTime() < until) {
                        ss.execute("PURGE BINARY LOGS TO '" + current + "'");
                        for (var w = ss.getWarnings(); w != null; w = w.getNextWarning()) {
                            warnings.add(w.getMessage());
                        }
                        try (var rs = ss.executeQuery("SHOW BINARY LOGS")) {
                            rs.next();
                            oldest = rs.getString(1);
                        }
                        if (!current.equals(oldest)) {
                            Thread.sleep(20);
                        }
                    }
                    assertThat(oldest).as("the oldest binlog left (warnings %s)", warnings).isEqualTo(current);
                }
                ts.execute("CALL mysql.rds_start_replication");
            }
            long started = System.nanoTime();
            assertThatThrownBy(() -> h.awaitCaughtUp(Duration.ofSeconds(60)))
                    .isInstanceOf(ReplicationException.class)
                    .hasMessageContaining("1236")
                    .hasMessageContaining("no longer has the binlog the target needs")
                    .hasMessageContaining("binlogRetentionHours(");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
        assertThat(events).filteredOn(e -> e instanceof Warning).extracting(OpsEvent::message)
                .anySatisfy(m -> assertThat(m).contains("retries in vain", "1045"))
                .anySatisfy(m -> assertThat(m).contains("stopped", "1236"));
    }

    private static void sourceExecutes(DBCluster source, Secret master, String... statements) throws Exception {
        try (Connection s = ReplicationFixture.connect(source, master); Statement ss = s.createStatement()) {
            for (String sql : statements) {
                ss.execute(sql);
            }
        }
    }
}
