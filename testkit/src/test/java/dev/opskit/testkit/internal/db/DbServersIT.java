package dev.opskit.testkit.internal.db;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real MariaDB servers: start, restart, clone under writes, replication with the rds_* procedures. */
class DbServersIT {
    private static final String USER = "admin";
    private static final String PASSWORD = "Adm1n-pass";
    private static final String V209 = "5.7.mysql_aurora.2.09.1";
    private static final String V211 = "5.7.mysql_aurora.2.11.2";
    private static final String V304 = "8.0.mysql_aurora.3.04.0";

    private static DbServers servers;

    @BeforeAll
    static void setUp() {
        servers = new DbServers(Path.of(System.getProperty("opskit.it.dir", "target"), "db-it"));
    }

    @AfterAll
    static void tearDown() {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void startsQuicklyAndReportsTheEmulatedVersionToTheMasterUser() throws Exception {
        servers.start("warm-up", settings("aurora", "5.6.mysql_aurora.1.22.2", null), USER, PASSWORD).destroy();

        long began = System.nanoTime();
        DbServer db = servers.start("version-3", settings("aurora-mysql", V304, null), USER, PASSWORD);
        long millis = (System.nanoTime() - began) / 1_000_000;
        System.out.println("DbServers.start took " + millis + " ms");
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT VERSION()")).isEqualTo("8.0.28");
            assertThat(one(s, "SELECT CURRENT_USER()")).isEqualTo(USER + "@%");
            assertThat(one(s, "SELECT @@log_bin")).isEqualTo("0");
            assertThat(one(s, "SELECT @@server_id")).isEqualTo(Integer.toString(db.settings().serverId()));
            // Temporary tables live in the server's own directory, not in the shared /tmp that others clean.
            Path tmpdir = Path.of(one(s, "SELECT @@tmpdir"));
            assertThat(tmpdir).isEqualTo(((DbProcess) db).tmpDir()).isDirectory();
            s.execute("CREATE DATABASE scratch");
            s.execute("CREATE TEMPORARY TABLE scratch.t (id INT) ENGINE=MyISAM");
            try (var files = java.nio.file.Files.list(tmpdir)) {
                assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.startsWith("#sql"));
            }
        }
        assertThat(db.host()).isEqualTo("127.0.0.1");
        assertThat(db.isRunning()).isTrue();
        assertThat(db.binlogPosition()).isEmpty();
        assertThat(millis).isLessThan(5000);
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), USER, "wrong"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        db.destroy();
        assertThat(db.isRunning()).isFalse();
        assertThat(servers.server("version-3")).isEmpty();
    }

    @Test
    void restartTurnsBinlogOnKeepingDataUsersAndPort() throws Exception {
        DbServer db = servers.start("restart", settings("aurora", "5.6.mysql_aurora.1.22.2", null), USER, PASSWORD);
        int port = db.port();
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT VERSION()")).isEqualTo("5.6.10");
            s.execute("CREATE DATABASE shop");
            s.execute("CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute("INSERT INTO shop.items VALUES (1, 'kept')");
        }
        db.restart(db.settings().withEngineVersion(V211).withBinlogFormat("MIXED"));
        assertThat(db.port()).isEqualTo(port);
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            assertThat(variable(s, "log_bin")).isEqualTo("ON");
            assertThat(variable(s, "binlog_format")).isEqualTo("MIXED");
            assertThat(one(s, "SELECT VERSION()")).isEqualTo("5.7.12");
            assertThat(one(s, "SELECT name FROM shop.items WHERE id = 1")).isEqualTo("kept");
        }
        assertThat(db.binlogPosition()).hasValueSatisfying(p -> assertThat(p.file()).isEqualTo("mysql-bin-changelog.000001"));

        db.stop();
        db.stop();
        assertThat(db.isRunning()).isFalse();
        db.start();
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT COUNT(*) FROM shop.items")).isEqualTo("1");
        }
        db.destroy();
        db.destroy();
    }

    @ParameterizedTest
    @ValueSource(strings = {V211, V304})
    void cloneTakenUnderWritesReplicatesToAnIdenticalCopy(String version) throws Exception {
        boolean v3 = version.startsWith("8.0");
        String suffix = v3 ? "3" : "2";
        DbServer source = servers.start("src" + suffix, settings("aurora-mysql", version, "ROW"), USER, PASSWORD);
        try (Connection c = connect(source); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE app");
            s.execute("CREATE TABLE app.orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL)");
            s.execute("CREATE TABLE app.order_lines (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT NOT NULL,"
                    + " qty INT NOT NULL, FOREIGN KEY (order_id) REFERENCES app.orders(id))");
            s.execute("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-pass'");
            s.execute("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'");
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = connect(source); Statement s = c.createStatement()) {
                for (int id = 1; writing.get(); id++) {
                    c.setAutoCommit(false);
                    s.execute("INSERT INTO app.orders VALUES (" + id + ", 'customer-" + id + "')");
                    s.execute("INSERT INTO app.order_lines (order_id, qty) VALUES (" + id + ", 1), (" + id + ", 2)");
                    c.commit();
                    written.set(id);
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        writer.start();
        while (written.get() < 200) {
            Thread.sleep(10);
        }
        long began = System.nanoTime();
        DbServer clone = servers.cloneOf(source, "clone" + suffix, settings("aurora-mysql", version, "ROW"));
        System.out.println("DbServers.cloneOf took " + (System.nanoTime() - began) / 1_000_000 + " ms at "
                + written.get() + " orders");
        int writtenAtClone = written.get();
        assertThat(clone.clonedAt()).isPresent();
        BinlogCoordinates at = clone.clonedAt().orElseThrow();
        assertThat(at.file()).startsWith("mysql-bin-changelog.");

        try (Connection c = connect(clone); Statement s = c.createStatement()) {
            int copied = Integer.parseInt(one(s, "SELECT COUNT(*) FROM app.orders"));
            assertThat(copied).isBetween(200, writtenAtClone + 1);
            // Every copied order has both its lines: the copy is transactionally consistent.
            assertThat(one(s, "SELECT COUNT(*) FROM app.order_lines")).isEqualTo(Integer.toString(2 * copied));
            assertThat(one(s, "SELECT MAX(id) FROM app.orders")).isEqualTo(Integer.toString(copied));
            assertThat(one(s, "SELECT @@log_bin")).isEqualTo("1");
            assertThat(hasReplication(s)).isFalse();

            String setExternal = v3 ? "mysql.rds_set_external_source" : "mysql.rds_set_external_master";
            try (CallableStatement call = c.prepareCall("CALL " + setExternal + "(?, ?, ?, ?, ?, ?, ?)")) {
                call.setString(1, source.host());
                call.setInt(2, source.port());
                call.setString(3, "repl");
                call.setString(4, "repl-pass");
                call.setString(5, at.file());
                call.setLong(6, at.position());
                call.setInt(7, 0);
                call.execute();
            }
            s.execute("CALL mysql.rds_start_replication()");
            Thread.sleep(300);
            writing.set(false);
            writer.join(10_000);
            assertThat(writerFailure.get()).isNull();
            BinlogCoordinates end = source.binlogPosition().orElseThrow();
            Map<String, String> status = waitForCatchUp(s, end, v3);
            assertThat(status.get("Seconds_Behind_Master")).isEqualTo("0");
            assertThat(status.get("Slave_IO_Running")).isEqualTo("Yes");
        }
        try (Connection src = connect(source); Statement a = src.createStatement();
             Connection cl = connect(clone); Statement b = cl.createStatement()) {
            for (String table : new String[] {"app.orders", "app.order_lines"}) {
                assertThat(one(b, "SELECT COUNT(*) FROM " + table)).isEqualTo(one(a, "SELECT COUNT(*) FROM " + table));
                assertThat(checksum(b, table)).isEqualTo(checksum(a, table));
            }
            assertThat(one(b, "SELECT COUNT(*) FROM app.orders")).isEqualTo(Integer.toString(written.get()));

            // A row the copy already has stops the SQL thread with 1062; rds_skip_repl_error moves past it.
            b.execute("INSERT INTO app.orders VALUES (1000000, 'local')");
            a.execute("INSERT INTO app.orders VALUES (1000000, 'from source')");
            Map<String, String> stopped = waitFor(b, v3, st -> "No".equals(st.get("Slave_SQL_Running")));
            assertThat(stopped.get("Last_SQL_Errno")).isEqualTo("1062");
            assertThat(stopped.get("Last_SQL_Error")).contains("Duplicate entry '1000000'");
            try (ResultSet rs = b.executeQuery("CALL mysql.rds_skip_repl_error()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Statement in error has been skipped");
            }
            a.execute("INSERT INTO app.orders VALUES (1000001, 'after skip')");
            waitForCatchUp(b, source.binlogPosition().orElseThrow(), v3);
            assertThat(one(b, "SELECT customer FROM app.orders WHERE id = 1000000")).isEqualTo("local");
            assertThat(one(b, "SELECT customer FROM app.orders WHERE id = 1000001")).isEqualTo("after skip");
            try (ResultSet rs = b.executeQuery("CALL mysql.rds_skip_repl_error()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith("Slave is running normally");
            }

            if (v3) {
                assertThatThrownBy(() -> b.execute("CALL mysql.rds_set_external_master('127.0.0.1', 1, 'u', 'p', 'f', 4, 0)"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("PROCEDURE mysql.rds_set_external_master does not exist");
            }
            b.execute("CALL mysql.rds_stop_replication()");
            b.execute("CALL mysql." + (v3 ? "rds_reset_external_source" : "rds_reset_external_master") + "()");
            assertThat(hasReplication(b)).isFalse();
        }
        clone.destroy();
        source.destroy();
    }

    @Test
    void cloneOfServerWithoutBinlogIsConsistentButHasNoCoordinates() throws Exception {
        DbServer source = servers.start("plain", settings("aurora-mysql", V211, null), USER, PASSWORD);
        try (Connection c = connect(source); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE kv");
            s.execute("CREATE TABLE kv.t (k INT PRIMARY KEY, v BLOB)");
            s.execute("INSERT INTO kv.t VALUES (1, X'00FF0A0D27'), (2, NULL)");
            s.execute("CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-pass'");
            s.execute("GRANT SELECT ON kv.* TO 'reader'@'%'");
        }
        DbServer clone = servers.cloneOf(source, "plain-copy", settings("aurora-mysql", V211, null));
        assertThat(clone.clonedAt()).isEmpty();
        assertThat(clone.masterUsername()).isEqualTo(USER);
        try (Connection c = DriverManager.getConnection(clone.jdbcUrl(), "reader", "reader-pass");
             Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT HEX(v) FROM kv.t WHERE k = 1")).isEqualTo("00FF0A0D27");
            assertThatThrownBy(() -> s.execute("CREATE DATABASE nope")).isInstanceOf(SQLException.class);
        }
        try (Connection c = connect(clone); Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT COUNT(*) FROM kv.t")).isEqualTo("2");
        }
        clone.destroy();
        source.destroy();
    }

    @Test
    void binlogRetentionHoursIsValidatedAgainstTheEngineVersion() throws Exception {
        DbServer db = servers.start("retention", settings("aurora-mysql", V209, "MIXED"), USER, PASSWORD);
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("CALL mysql.rds_set_configuration('binlog retention hours', 200)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("between 1 and 168");
            s.execute("CALL mysql.rds_set_configuration('binlog retention hours', 168)");
            assertThat(retention(s)).isEqualTo("168");
            assertThatThrownBy(() -> s.execute("CALL mysql.rds_set_configuration('binlog retention hours', 0)"))
                    .isInstanceOf(SQLException.class);
        }
        db.restart(db.settings().withEngineVersion(V211));
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            assertThat(retention(s)).isEqualTo("168");
            s.execute("CALL mysql.rds_set_configuration('binlog retention hours', 2160)");
            assertThat(retention(s)).isEqualTo("2160");
            assertThatThrownBy(() -> s.execute("CALL mysql.rds_set_configuration('binlog retention hours', 2161)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("between 1 and 2160");
            s.execute("CALL mysql.rds_set_configuration('binlog retention hours', NULL)");
            assertThat(retention(s)).isNull();
            assertThatThrownBy(() -> s.execute("CALL mysql.rds_set_configuration('binlog retention days', 1)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Unknown configuration name");
        }
        db.destroy();
    }

    private static String retention(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("CALL mysql.rds_show_configuration()")) {
            while (rs.next()) {
                if (rs.getString("name").equals("binlog retention hours")) {
                    return rs.getString("value");
                }
            }
        }
        throw new AssertionError("rds_show_configuration has no 'binlog retention hours'");
    }

    private static DbSettings settings(String engine, String version, String binlogFormat) {
        return new DbSettings(engine, version, binlogFormat, servers.unusedServerId());
    }

    private static Connection connect(DbServer db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), USER, PASSWORD);
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    private static String variable(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW VARIABLES LIKE '" + name + "'")) {
            assertThat(rs.next()).as(name).isTrue();
            return rs.getString(2);
        }
    }

    private static String checksum(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("CHECKSUM TABLE " + table)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(2);
        }
    }

    private static boolean hasReplication(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next();
        }
    }

    private static Map<String, String> replicaStatus(Statement s, boolean v3) throws SQLException {
        Map<String, String> status = new HashMap<>();
        try (ResultSet rs = s.executeQuery(v3 ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS")) {
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    status.put(rs.getMetaData().getColumnLabel(i), String.valueOf(rs.getString(i)));
                }
            }
        }
        return status;
    }

    // MariaDB's SHOW REPLICA STATUS keeps the *_Master column names; MySQL 8.0.22+ renames them to *_Source.
    private static Map<String, String> waitForCatchUp(Statement s, BinlogCoordinates end, boolean v3) throws Exception {
        return waitFor(s, v3, st -> st.get("Relay_Master_Log_File").equals(end.file())
                && Long.parseLong(st.get("Exec_Master_Log_Pos")) >= end.position()
                && "0".equals(st.get("Seconds_Behind_Master")));
    }

    private static Map<String, String> waitFor(Statement s, boolean v3,
                                               java.util.function.Predicate<Map<String, String>> done) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        Map<String, String> status = replicaStatus(s, v3);
        while (!done.test(status)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("replication did not reach the expected state; last status: " + status);
            }
            Thread.sleep(50);
            status = replicaStatus(s, v3);
        }
        return status;
    }
}
