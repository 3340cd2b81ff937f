package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.Secret;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Warning;
import dev.opskit.testkit.LocalAws;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/** Bad input fails before any change; a duplicate key stops replication unless skipping is explicit. */
class ReplicationErrorsIT {
    static LocalAws aws;
    static AwsContext ctx;
    static RdsClient rds;

    @BeforeAll
    static void start() {
        aws = LocalAws.start();
        ctx = aws.context();
        rds = ctx.client(RdsClient.class, RdsClient::builder);
    }

    @AfterAll
    static void stop() {
        if (ctx != null) {
            ctx.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void badInputFailsBeforeAnyChange() {
        Secret master = Secret.generate(16);
        DBCluster old = ReplicationFixture.createSource(rds, "legacy", "5.7.mysql_aurora.2.10.2", master);
        ReplicationFixture.createSource(rds, "unrelated", "5.7.mysql_aurora.2.11.2", master);
        int groupsBefore = rds.describeDBClusterParameterGroups().dbClusterParameterGroups().size();

        assertThatThrownBy(() -> Replication.from("nope", ctx).cloneTo("nope-next").masterPassword(master).start())
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> Replication.from("legacy", ctx).cloneTo("legacy-next").masterPassword(master)
                .binlogRetentionHours(169).start())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("169").hasMessageContaining("168");
        assertThatThrownBy(() -> Replication.from("legacy", ctx).cloneTo("unrelated").masterPassword(master).start())
                .isInstanceOf(ConflictException.class).hasMessageContaining("unrelated")
                .hasMessageContaining("not a clone of 'legacy'");
        assertThatThrownBy(() -> Replication.from("legacy", ctx).cloneTo("legacy-next")
                .masterPassword(Secret.of("wrong-password-1")).start())
                .hasMessageContaining("legacy").hasMessageNotContaining("wrong-password-1");

        assertThat(rds.describeDBClusterParameterGroups().dbClusterParameterGroups()).hasSize(groupsBefore);
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier("legacy")).dbClusters().get(0)
                .dbClusterParameterGroup()).isEqualTo(old.dbClusterParameterGroup());
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .doesNotContain("legacy-next", "nope-next");
    }

    @Test
    void duplicateKeyStopsByDefaultAndIsSkippedOnlyWhenAskedThenVerifyFindsTheChunk() throws Exception {
        Secret master = Secret.generate(16);
        DBCluster source = ReplicationFixture.createSource(rds, "shop", "8.0.mysql_aurora.3.04.0", master);
        try (Connection c = ReplicationFixture.connect(source, master)) {
            ReplicationFixture.seed(c, 3);
        }
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Secret repl = Secret.of("repl-password-42xyz");
        try (PrintStream p = new PrintStream(captured, true)) {
            System.setOut(p);
            System.setErr(p);
            try (ReplicationHandle h = Replication.from("shop", ctx).cloneTo("shop-next").masterPassword(master)
                    .replicationPassword(repl).listener(events::add).start()) {
                h.awaitCaughtUp(Duration.ofSeconds(30));
                DBCluster clone = rds.describeDBClusters(r -> r.dbClusterIdentifier("shop-next")).dbClusters().get(0);
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
            try (ReplicationHandle h = Replication.from("shop", ctx).cloneTo("shop-next").masterPassword(master)
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
                try (ReplicationHandle again = Replication.from("shop", ctx).to("shop-next")
                        .startingAt(cut.sourcePosition()).masterPassword(master).replicationPassword(repl).start()) {
                    again.awaitCaughtUp(Duration.ofSeconds(30));
                    DBCluster clone = rds.describeDBClusters(r -> r.dbClusterIdentifier("shop-next")).dbClusters().get(0);
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
        assertThat(events).filteredOn(e -> e instanceof Warning && e.message().contains("skipped")).hasSize(1);
        String everything = captured + events.toString();
        assertThat(repl.appearsIn(everything)).isFalse();
        assertThat(master.appearsIn(everything)).isFalse();
    }
}
