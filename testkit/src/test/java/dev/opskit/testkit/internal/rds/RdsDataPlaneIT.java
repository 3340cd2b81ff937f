package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.db.DbServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RDS control plane on real database servers, without HTTP: binlog on through a parameter
 * group and a writer reboot, a copy-on-write clone taken under writes, and replication from the
 * binlog position the clone's writer reports.
 */
class RdsDataPlaneIT {
    private static final String PASSWORD = "Sup3rSecretPw";

    @TempDir
    Path dir;
    private DbServers servers;
    private RdsCalls rds;

    @BeforeEach
    void start() {
        servers = new DbServers(dir.resolve("db"));
        rds = RdsCalls.start(Timings.defaults(), Databases.of(servers));
    }

    @AfterEach
    void stop() {
        rds.close();
        servers.close();
    }

    private Connection connect(String cluster) throws SQLException {
        var c = rds.call("DescribeDBClusters", "DBClusterIdentifier", cluster);
        String url = "jdbc:mysql://" + c.text("//DBCluster/Endpoint") + ":" + c.text("//DBCluster/Port")
                + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true";
        return DriverManager.getConnection(url, c.text("//DBCluster/MasterUsername"), PASSWORD);
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String checksum(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("CHECKSUM TABLE shop.orders")) {
            rs.next();
            return rs.getString(2);
        }
    }

    @Test
    void binlogCloneAndReplicationFromTheReportedPosition() throws Exception {
        long t0 = System.nanoTime();
        rds.call("CreateDBCluster", "DBClusterIdentifier", "src", "Engine", "aurora-mysql", "EngineVersion",
                "5.7.mysql_aurora.2.11.2", "MasterUsername", "admin", "MasterUserPassword", PASSWORD);
        rds.call("CreateDBInstance", "DBInstanceIdentifier", "src-1", "DBClusterIdentifier", "src",
                "DBInstanceClass", "db.r6g.large", "Engine", "aurora-mysql");
        rds.settle();
        System.out.printf("cluster + writer available after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        try (Connection c = connect("src")) {
            assertThat(query(c, "SELECT VERSION()")).startsWith("5.7.12");
            assertThat(query(c, "SELECT @@log_bin")).isEqualTo("0");
        }
        rds.call("CreateDBClusterParameterGroup", "DBClusterParameterGroupName", "binlog",
                "DBParameterGroupFamily", "aurora-mysql5.7", "Description", "binlog on");
        rds.call("ModifyDBClusterParameterGroup", "DBClusterParameterGroupName", "binlog",
                "Parameters.Parameter.1.ParameterName", "binlog_format", "Parameters.Parameter.1.ParameterValue",
                "ROW", "Parameters.Parameter.1.ApplyMethod", "pending-reboot");
        rds.call("ModifyDBCluster", "DBClusterIdentifier", "src", "DBClusterParameterGroupName", "binlog",
                "ApplyImmediately", "true");
        rds.settle();
        rds.call("RebootDBInstance", "DBInstanceIdentifier", "src-1");
        rds.settle();

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer;
        try (Connection c = connect("src"); Statement s = c.createStatement()) {
            assertThat(query(c, "SELECT @@log_bin")).isEqualTo("1");
            assertThat(query(c, "SELECT @@binlog_format")).isEqualTo("ROW");
            s.execute("CREATE DATABASE shop");
            s.execute("CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40))");
            s.execute("CREATE USER 'repl'@'%' IDENTIFIED BY 'ReplPassw0rd'");
            s.execute("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'repl'@'%'");
        }
        writer = new Thread(() -> {
            try (Connection c = connect("src"); Statement s = c.createStatement()) {
                while (writing.get()) {
                    s.execute("INSERT INTO shop.orders (note) VALUES ('n" + written.incrementAndGet() + "')");
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            Thread.sleep(200);
            rds.call("RestoreDBClusterToPointInTime", "DBClusterIdentifier", "copy", "SourceDBClusterIdentifier",
                    "src", "RestoreType", "copy-on-write", "UseLatestRestorableTime", "true");
            rds.call("CreateDBInstance", "DBInstanceIdentifier", "copy-1", "DBClusterIdentifier", "copy",
                    "DBInstanceClass", "db.r6g.large", "Engine", "aurora-mysql");
            rds.settle();
            Thread.sleep(200);
        } finally {
            writing.set(false);
            writer.join();
        }

        var events = rds.call("DescribeEvents", "SourceIdentifier", "copy-1", "SourceType", "db-instance");
        String message = events.texts("//Event/Message").stream()
                .filter(m -> m.startsWith("Binlog position from crash recovery is ")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("Binlog position from crash recovery is (\\S+) (\\d+)").matcher(message);
        assertThat(m.matches()).as(message).isTrue();
        int srcPort = Integer.parseInt(rds.call("DescribeDBClusters", "DBClusterIdentifier", "src")
                .text("//DBCluster/Port"));
        try (Connection copy = connect("copy"); Statement s = copy.createStatement()) {
            s.execute("CALL mysql.rds_set_external_master('127.0.0.1', " + srcPort + ", 'repl', 'ReplPassw0rd', '"
                    + m.group(1) + "', " + m.group(2) + ", 0)");
            s.execute("CALL mysql.rds_start_replication");
            String srcCount;
            String srcSum;
            try (Connection src = connect("src")) {
                srcCount = query(src, "SELECT COUNT(*) FROM shop.orders");
                srcSum = checksum(src);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!srcCount.equals(query(copy, "SELECT COUNT(*) FROM shop.orders"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(query(copy, "SELECT COUNT(*) FROM shop.orders")).isEqualTo(srcCount);
            assertThat(checksum(copy)).isEqualTo(srcSum);
            assertThat(Integer.parseInt(srcCount)).isEqualTo(written.get()).isGreaterThan(0);
        }
    }
}
