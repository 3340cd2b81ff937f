package dev.opskit.testkit;

import dev.opskit.core.AwsContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DbClusterAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.SourceType;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The RDS emulator through the real SDK client and its waiters, on real database servers. */
class RdsClusterIT {
    private static final String PASSWORD = "Sup3rSecretPw";

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.perClass();
    private static RdsClient rds;
    private static RdsWaiter waiter;

    @BeforeAll
    static void clients() {
        rds = AWS.client(RdsClient.class, RdsClient::builder);
        // The model's waiters poll every 30 s; LocalAws transitions take well under a second.
        waiter = RdsWaiter.builder().client(rds).overrideConfiguration(WaiterOverrideConfiguration.builder()
                .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(100)))
                .maxAttempts(300).build()).build();
    }

    @AfterAll
    static void closeWaiter() {
        if (waiter != null) {
            waiter.close();
        }
    }

    private static void clusterWithWriter(String id) {
        rds.createDBCluster(b -> b.dbClusterIdentifier(id).engine("aurora-mysql")
                .engineVersion("5.7.mysql_aurora.2.11.2").masterUsername("admin").masterUserPassword(PASSWORD));
        rds.createDBInstance(b -> b.dbInstanceIdentifier(id + "-1").dbClusterIdentifier(id)
                .dbInstanceClass("db.r6g.large").engine("aurora-mysql"));
        waiter.waitUntilDBClusterAvailable(b -> b.dbClusterIdentifier(id));
        waiter.waitUntilDBInstanceAvailable(b -> b.dbInstanceIdentifier(id + "-1"));
    }

    private static Connection connect(String clusterId) throws SQLException {
        DBCluster c = rds.describeDBClusters(b -> b.dbClusterIdentifier(clusterId)).dbClusters().get(0);
        return DriverManager.getConnection("jdbc:mysql://" + c.endpoint() + ":" + c.port()
                + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true", c.masterUsername(), PASSWORD);
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void clusterBinlogCloneAndReplicationThroughTheSdk() throws Exception {
        long t0 = System.nanoTime();
        clusterWithWriter("orders");
        System.out.printf("RdsClusterIT: CreateDBCluster + CreateDBInstance to both available: %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);

        rds.createDBClusterParameterGroup(b -> b.dbClusterParameterGroupName("orders-binlog")
                .dbParameterGroupFamily("aurora-mysql5.7").description("binlog on"));
        rds.modifyDBClusterParameterGroup(b -> b.dbClusterParameterGroupName("orders-binlog")
                .parameters(p -> p.parameterName("binlog_format").parameterValue("MIXED")
                        .applyMethod("pending-reboot")));
        rds.modifyDBCluster(b -> b.dbClusterIdentifier("orders").dbClusterParameterGroupName("orders-binlog")
                .applyImmediately(true));
        waiter.waitUntilDBClusterAvailable(b -> b.dbClusterIdentifier("orders"));
        rds.rebootDBInstance(b -> b.dbInstanceIdentifier("orders-1"));
        waiter.waitUntilDBInstanceAvailable(b -> b.dbInstanceIdentifier("orders-1"));

        try (Connection c = connect("orders"); Statement s = c.createStatement()) {
            assertThat(query(c, "SELECT @@log_bin")).isEqualTo("1");
            assertThat(query(c, "SELECT @@binlog_format")).isEqualTo("MIXED");
            s.execute("CREATE DATABASE shop");
            s.execute("CREATE TABLE shop.items (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            s.execute("CREATE USER 'repl'@'%' IDENTIFIED BY 'ReplPassw0rd'");
            s.execute("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'repl'@'%'");
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (Connection c = connect("orders"); Statement s = c.createStatement()) {
                for (int i = 0; writing.get(); i++) {
                    s.execute("INSERT INTO shop.items (v) VALUES (" + i + ")");
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            rds.restoreDBClusterToPointInTime(b -> b.dbClusterIdentifier("orders-clone")
                    .sourceDBClusterIdentifier("orders").restoreType("copy-on-write").useLatestRestorableTime(true));
            rds.createDBInstance(b -> b.dbInstanceIdentifier("orders-clone-1").dbClusterIdentifier("orders-clone")
                    .dbInstanceClass("db.r6g.large").engine("aurora-mysql"));
            waiter.waitUntilDBInstanceAvailable(b -> b.dbInstanceIdentifier("orders-clone-1"));
        } finally {
            writing.set(false);
            writer.join();
        }
        Event position = rds.describeEvents(b -> b.sourceType(SourceType.DB_INSTANCE)
                .sourceIdentifier("orders-clone-1").duration(60)).events().stream()
                .filter(e -> e.message().startsWith("Binlog position from crash recovery is ")).findFirst()
                .orElseThrow();
        assertThat(position.sourceArn()).endsWith(":db:orders-clone-1");
        Matcher m = Pattern.compile("Binlog position from crash recovery is (\\S+) (\\d+)")
                .matcher(position.message());
        assertThat(m.matches()).isTrue();
        int sourcePort = rds.describeDBClusters(b -> b.dbClusterIdentifier("orders")).dbClusters().get(0).port();
        try (Connection clone = connect("orders-clone"); Connection src = connect("orders");
                Statement s = clone.createStatement()) {
            s.execute("CALL mysql.rds_set_external_master('127.0.0.1', " + sourcePort
                    + ", 'repl', 'ReplPassw0rd', '" + m.group(1) + "', " + m.group(2) + ", 0)");
            s.execute("CALL mysql.rds_start_replication");
            String expected = query(src, "SELECT CONCAT(COUNT(*), ':', SUM(v)) FROM shop.items");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!expected.equals(query(clone, "SELECT CONCAT(COUNT(*), ':', SUM(v)) FROM shop.items"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(query(clone, "SELECT CONCAT(COUNT(*), ':', SUM(v)) FROM shop.items")).isEqualTo(expected);
        }
    }

    @Test
    void errorsArriveAsTheSdksTypedExceptions() {
        clusterWithWriter("typed");
        DbClusterNotFoundException notFound = catchThrowableOfType(DbClusterNotFoundException.class,
                () -> rds.describeDBClusters(b -> b.dbClusterIdentifier("missing")));
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.awsErrorDetails().errorMessage()).contains("missing");
        assertThat(catchThrowableOfType(DbInstanceNotFoundException.class,
                () -> rds.rebootDBInstance(b -> b.dbInstanceIdentifier("missing")))).isNotNull();
        assertThat(catchThrowableOfType(DbClusterAlreadyExistsException.class,
                () -> rds.createDBCluster(b -> b.dbClusterIdentifier("typed").engine("aurora-mysql")
                        .masterUsername("admin").masterUserPassword(PASSWORD)))).isNotNull();
        assertThat(catchThrowableOfType(InvalidDbClusterStateException.class,
                () -> rds.deleteDBCluster(b -> b.dbClusterIdentifier("typed").skipFinalSnapshot(true))))
                .isNotNull();
        RdsException major = catchThrowableOfType(RdsException.class,
                () -> rds.modifyDBCluster(b -> b.dbClusterIdentifier("typed")
                        .engineVersion("8.0.mysql_aurora.3.04.0").applyImmediately(true)));
        assertThat(major.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");

        LocalAccount other = AWS.aws().createAccount();
        try (AwsContext otherCtx = AWS.aws().context(other, LocalAws.DEFAULT_REGION)) {
            RdsClient otherRds = otherCtx.client(RdsClient.class, RdsClient::builder);
            assertThat(otherRds.describeDBClusters().dbClusters()).isEmpty();
            assertThat(catchThrowableOfType(DbClusterNotFoundException.class,
                    () -> otherRds.describeDBClusters(b -> b.dbClusterIdentifier("typed")))).isNotNull();
        }
    }
}
