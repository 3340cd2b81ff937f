package dev.opskit.testkit.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What LocalAws's {@code mysql.rds_*} procedures answer, over JDBC and in the {@code mariadb}
 * client, compared with what RDS's own answer: the one-row {@code Message} result sets, RDS's
 * errors for a replica without a source, and no result set where RDS has none.
 */
class RdsProceduresIT {
    private static final String USER = "admin";
    private static final String PASSWORD = "Adm1n-pass";
    private static final Path MARIADB = Path.of("/usr/bin/mariadb");

    private static DbServers servers;

    @BeforeAll
    static void setUp() {
        servers = new DbServers(Path.of(System.getProperty("opskit.it.dir", "target"), "procedures-it"));
    }

    @AfterAll
    static void tearDown() {
        if (servers != null) {
            servers.close();
        }
    }

    /** Every result set a call answers, in order: each a list of rows, each row column label to value. */
    private record Answer(List<List<Map<String, String>>> resultSets) {
        /** The single value of the single row of result set {@code n}, with the column it must have. */
        String only(int n, String column) {
            assertThat(resultSets).as("result sets").hasSizeGreaterThan(n);
            List<Map<String, String>> rows = resultSets.get(n);
            assertThat(rows).as("rows of result set %d", n).hasSize(1);
            assertThat(rows.get(0).keySet()).as("columns of result set %d", n).containsExactly(column);
            return rows.get(0).get(column);
        }
    }

    private static Answer call(Connection c, String sql) throws SQLException {
        List<List<Map<String, String>>> sets = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            boolean isResultSet = s.execute(sql);
            while (isResultSet || s.getUpdateCount() != -1) {
                if (isResultSet) {
                    try (ResultSet rs = s.getResultSet()) {
                        sets.add(rows(rs));
                    }
                }
                isResultSet = s.getMoreResults();
            }
        }
        return new Answer(sets);
    }

    private static List<Map<String, String>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<Map<String, String>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                row.put(md.getColumnLabel(i), rs.getString(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The error a call must fail with. */
    private static SQLException failure(Connection c, String sql) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> call(c, sql));
        if (e == null) {
            throw new AssertionError(sql + " did not fail");
        }
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.04.0"})
    void replicationProceduresAnswerAsRdsDoes(String version) throws Exception {
        boolean v3 = version.startsWith("8.0");
        String setExternal = v3 ? "mysql.rds_set_external_source" : "mysql.rds_set_external_master";
        String resetExternal = v3 ? "mysql.rds_reset_external_source" : "mysql.rds_reset_external_master";
        String suffix = v3 ? "3" : "2";
        DbServer source = servers.start("proc-src" + suffix, settings(version, "ROW"), USER, PASSWORD);
        DbServer replica = servers.start("proc-rep" + suffix, settings(version, "ROW"), USER, PASSWORD);
        try (Connection src = connect(source); Statement ss = src.createStatement();
                Connection rep = connect(replica); Statement rs = rep.createStatement()) {
            ss.execute("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-pass'");
            ss.execute("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'");
            ss.execute("CREATE DATABASE app");
            ss.execute("CREATE TABLE app.t (id INT PRIMARY KEY)");
            rs.execute("CREATE DATABASE app");
            rs.execute("CREATE TABLE app.t (id INT PRIMARY KEY)");

            // Without a source, RDS refuses and names the procedure that sets one.
            for (String[] c : new String[][] {{"rds_start_replication", "start replication"},
                    {"rds_stop_replication", "stop replication"}, {"rds_skip_repl_error", "skip a replication error"}}) {
                SQLException e = failure(rep, "CALL mysql." + c[0]);
                assertThat(e.getSQLState()).isEqualTo("45000");
                assertThat(e.getMessage()).isEqualTo("You can't " + c[1] + " because the replica isn't configured."
                        + " First call " + setExternal + ".");
            }

            BinlogCoordinates at = source.binlogPosition().orElseThrow();
            try (CallableStatement set = rep.prepareCall("CALL " + setExternal + "(?, ?, ?, ?, ?, ?, ?)")) {
                set.setString(1, source.host());
                set.setInt(2, source.port());
                set.setString(3, "repl");
                set.setString(4, "repl-pass");
                set.setString(5, at.file());
                set.setLong(6, at.position());
                set.setInt(7, 0);
                assertThat(set.execute()).as("a result set from " + setExternal).isFalse();
            }
            assertThat(call(rep, "CALL mysql.rds_start_replication").only(0, "Message"))
                    .isEqualTo("Slave running normally.");
            assertThat(call(rep, "CALL mysql.rds_start_replication").only(0, "Message")).as("again, while it runs")
                    .isEqualTo("Slave running normally.");

            ss.execute("INSERT INTO app.t VALUES (1)");
            awaitRow(rs, 1);
            assertThat(call(rep, "CALL mysql.rds_skip_repl_error").only(0, "Message"))
                    .isEqualTo("Slave is running normally.  No errors detected to skip.");

            // A row the replica has already stops the SQL thread with 1062: skipped, and it runs again.
            rs.execute("INSERT INTO app.t VALUES (2)");
            ss.execute("INSERT INTO app.t VALUES (2)");
            awaitSqlError(rs, 1062);
            Answer skipped = call(rep, "CALL mysql.rds_skip_repl_error");
            assertThat(skipped.resultSets()).hasSize(2);
            assertThat(skipped.only(0, "Message")).isEqualTo("Statement in error has been skipped");
            assertThat(skipped.only(1, "Message")).isEqualTo("Slave is now running normally");
            ss.execute("INSERT INTO app.t VALUES (3)");
            awaitRow(rs, 3);

            assertThat(call(rep, "CALL mysql.rds_stop_replication").only(0, "Message"))
                    .isEqualTo("Slave is down or disabled");
            assertThat(failure(rep, "CALL mysql.rds_skip_repl_error").getMessage()).isEqualTo("Slave is down or disabled.");

            // The mariadb client prints what the seed's transcript of RDS shows.
            if (Files.isExecutable(MARIADB)) {
                String printed = mariadb(replica, "CALL mysql.rds_start_replication");
                assertThat(printed).contains("| Message                 |").contains("| Slave running normally. |");
                printed = mariadb(replica, "CALL mysql.rds_stop_replication; CALL " + resetExternal);
                assertThat(printed).contains("| Slave is down or disabled |").contains("| message              |")
                        .contains("| Slave has been reset |");
            } else {
                assertThat(call(rep, "CALL " + resetExternal).only(0, "message")).isEqualTo("Slave has been reset");
            }
            assertThat(rows(rs.executeQuery("SHOW SLAVE STATUS"))).as("no source after the reset").isEmpty();
            assertThat(failure(rep, "CALL mysql.rds_start_replication").getMessage())
                    .startsWith("You can't start replication because the replica isn't configured.");
        } finally {
            replica.destroy();
            source.destroy();
        }
    }

    @Test
    void configurationProceduresAnswerAsRdsDoes() throws Exception {
        DbServer db = servers.start("proc-conf", settings("5.7.mysql_aurora.2.11.2", "MIXED"), USER, PASSWORD);
        try (Connection c = connect(db)) {
            assertThat(call(c, "CALL mysql.rds_set_configuration('binlog retention hours', 24)").resultSets())
                    .as("rds_set_configuration prints no rows").isEmpty();
            List<Map<String, String>> shown = call(c, "CALL mysql.rds_show_configuration").resultSets().get(0);
            assertThat(shown).extracting(r -> List.copyOf(r.keySet()))
                    .containsOnly(List.of("name", "value", "description"));
            assertThat(shown).filteredOn(r -> r.get("name").equals("binlog retention hours"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.get("value")).isEqualTo("24");
                        assertThat(r.get("description")).isEqualTo("binlog retention hours specifies the duration in"
                                + " hours before binary logs are automatically deleted.");
                    });
        } finally {
            db.destroy();
        }
    }

    @Test
    void killEndsAnotherSessionAndKillQueryItsStatement() throws Exception {
        DbServer db = servers.start("proc-kill", settings("8.0.mysql_aurora.3.04.0", null), USER, PASSWORD);
        try (Connection c = connect(db); Connection victim = connect(db); Connection busy = connect(db)) {
            long victimId = connectionId(victim);
            assertThat(call(c, "CALL mysql.rds_kill(" + victimId + ")").resultSets()).as("rds_kill prints no rows")
                    .isEmpty();
            assertThatThrownBy(() -> connectionId(victim)).as("the killed session").isInstanceOf(SQLException.class);

            long busyId = connectionId(busy);
            CompletableFuture<String> sleeping = CompletableFuture.supplyAsync(() -> {
                try (Statement s = busy.createStatement(); ResultSet rs = s.executeQuery("SELECT SLEEP(60)")) {
                    rs.next();
                    return rs.getString(1);
                } catch (SQLException e) {
                    return "failed: " + e.getMessage();
                }
            });
            awaitQuery(c, busyId);
            assertThat(call(c, "CALL mysql.rds_kill_query(" + busyId + ")").resultSets()).isEmpty();
            // The SLEEP ends at once (MySQL answers 1, MariaDB "interrupted"); the session lives on.
            assertThat(sleeping.get(30, TimeUnit.SECONDS)).isIn("1", "failed: Query execution was interrupted");
            assertThat(connectionId(busy)).isEqualTo(busyId);

            SQLException unknown = failure(c, "CALL mysql.rds_kill(987654)");
            assertThat(unknown.getErrorCode()).isEqualTo(1094);
            assertThat(unknown.getMessage()).contains("Unknown thread id: 987654");
        } finally {
            db.destroy();
        }
    }

    private static DbSettings settings(String version, String binlogFormat) {
        return new DbSettings("aurora-mysql", version, binlogFormat, servers.unusedServerId());
    }

    private static Connection connect(DbServer db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), USER, PASSWORD);
    }

    private static long connectionId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitQuery(Connection c, long id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id + " AND INFO LIKE 'SELECT SLEEP%'")) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("session " + id + " never ran its SLEEP");
    }

    private static void awaitRow(Statement s, int id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM app.t WHERE id = " + id)) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("row " + id + " never replicated; " + rows(s.executeQuery("SHOW SLAVE STATUS")));
    }

    private static void awaitSqlError(Statement s, int errno) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, String> status = Map.of();
        while (System.nanoTime() < deadline) {
            status = rows(s.executeQuery("SHOW SLAVE STATUS")).get(0);
            if ("No".equals(status.get("Slave_SQL_Running")) && String.valueOf(errno).equals(status.get("Last_SQL_Errno"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no SQL error " + errno + "; " + status);
    }

    /** Runs statements with the {@code mariadb} client, printing tables as its interactive mode does. */
    private static String mariadb(DbServer db, String statements) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(MARIADB.toString(), "-h", "127.0.0.1", "-P", Integer.toString(db.port()),
                "-u", USER, "--skip-ssl", "-t", "-e", statements);
        pb.environment().put("MYSQL_PWD", PASSWORD);
        Path out = Files.createTempFile("mariadb-out", ".txt");
        Path err = Files.createTempFile("mariadb-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("mariadb finished: " + statements).isTrue();
            assertThat(p.exitValue()).as(Files.readString(err, StandardCharsets.UTF_8)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
