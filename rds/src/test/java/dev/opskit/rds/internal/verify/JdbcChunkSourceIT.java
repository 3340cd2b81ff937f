package dev.opskit.rds.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.Secret;
import dev.opskit.rds.DatabaseEndpoint;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import dev.opskit.rds.internal.jdbc.ConnectionPool;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbServers;
import dev.opskit.testkit.internal.db.DbSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link JdbcChunkSource#lockRow} on a real server: what the lock holds off, and what it leaves as it was. */
class JdbcChunkSourceIT {
    private static final Secret PASSWORD = Secret.generate(20);
    private static final TableSpec COUNTERS = new TableSpec("hot", "counters", List.of("id", "n"), Set.of(),
            List.of("id"), true, 2);
    private static final List<Object> ONE = List.of(1);

    private static DbServers servers;
    private static DbServer server;
    private static ConnectionPool pool;
    private static EngineDialect dialect;
    private static JdbcChunkSource source;

    @BeforeAll
    static void start() throws SQLException {
        servers = new DbServers(Path.of("/tmp/opskit-rds-it"));
        server = servers.start("chunk-source", new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "ROW", 1),
                "admin", PASSWORD.reveal());
        try (Connection c = writer(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE hot");
            s.execute("CREATE TABLE hot.counters (id INT PRIMARY KEY, n BIGINT NOT NULL)");
            s.execute("INSERT INTO hot.counters VALUES (1, 0), (2, 0), (10, 0)");
            s.execute("CREATE TABLE hot.events (k VARBINARY(8) NOT NULL, at DATETIME(3) NOT NULL, code VARCHAR(10) NOT NULL,"
                    + " amount DECIMAL(10,2) NOT NULL, v INT NULL, PRIMARY KEY (k, at, code, amount))");
            s.execute("INSERT INTO hot.events VALUES (0x00ff, '2024-01-01 00:00:00.001', 'a ', 1.50, 1),"
                    + " (0x00ff, '2024-01-01 00:00:00.002', 'a', 1.50, NULL), (0x01, '2024-02-29 23:59:59.999', 'Zz', -3, 3)");
        }
        pool = ConnectionPool.openAll(DatabaseEndpoint.of(server.host(), server.port(), "admin", PASSWORD), 2, "test");
        dialect = EngineDialect.of(pool.version());
        source = new JdbcChunkSource(pool, dialect);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    /** A connection of its own that gives up on a lock after a second. */
    private static Connection writer() throws SQLException {
        Connection c = DriverManager.getConnection(server.jdbcUrl(), "admin", PASSWORD.reveal());
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION innodb_lock_wait_timeout = 1");
        }
        return c;
    }

    private static void assertBlocked(Connection writer, String sql) {
        assertThatThrownBy(() -> writer.createStatement().execute(sql)).as(sql)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1205));
    }

    /** Every pooled session's auto-commit and lock wait timeout, borrowing them all at once. */
    private static List<String> sessions() throws SQLException {
        List<Connection> borrowed = new ArrayList<>();
        List<String> state = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Connection c = pool.connection("test");
                borrowed.add(c);
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT @@autocommit, @@SESSION.innodb_lock_wait_timeout,"
                             + " @@SESSION.transaction_isolation, @@in_transaction")) {
                    rs.next();
                    state.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
                }
            }
        } finally {
            for (Connection c : borrowed) {
                c.close();
            }
        }
        return state;
    }

    @Test
    void aLockedRowHoldsOffItsWritersOnlyUntilClosedAndTheSessionIsLeftAsItWas() throws SQLException {
        List<String> before = sessions();
        try (Connection writer = writer()) {
            ChunkSource.LockedRow row = source.lockRow(COUNTERS, ONE, Duration.ofSeconds(1)).orElseThrow();
            try {
                assertThat(row.hash()).isEqualTo(source.rowHash(COUNTERS, ONE)).isPresent();
                assertThat(row.position()).isEqualTo(pool.binlogPosition(dialect)).isPresent();
                assertBlocked(writer, "UPDATE hot.counters SET n = n + 1 WHERE id = 1");
                assertBlocked(writer, "DELETE FROM hot.counters WHERE id = 1");
                // only that row
                writer.createStatement().execute("UPDATE hot.counters SET n = n + 1 WHERE id = 2");
            } finally {
                row.close();
            }
            row.close(); // twice is fine
            writer.createStatement().execute("UPDATE hot.counters SET n = n + 1 WHERE id = 1");
            assertThat(source.rowHash(COUNTERS, ONE)).isNotEqualTo(row.hash());
        }
        assertThat(sessions()).isEqualTo(before).allSatisfy(s -> assertThat(s).startsWith("1 50 ").endsWith(" 0"));
    }

    @Test
    void keysOfEveryKindReadByRowHashesFindTheirRowAgainLockedOrNot() {
        TableSpec events = new TableSpec("hot", "events", List.of("k", "at", "code", "amount", "v"), Set.of("v"),
                List.of("k", "at", "code", "amount"));
        Map<List<String>, ChunkSource.RowHash> rows = source.rowHashes(events, ChunkBounds.WHOLE_TABLE);
        assertThat(rows).hasSize(3);
        for (ChunkSource.RowHash row : rows.values()) {
            assertThat(source.rowHash(events, row.key())).as("%s", row.key()).hasValue(row.hash());
            try (ChunkSource.LockedRow locked = source.lockRow(events, row.key(), Duration.ofSeconds(1)).orElseThrow()) {
                assertThat(locked.hash()).as("%s", row.key()).hasValue(row.hash());
            }
        }
    }

    @Test
    void aMissingRowLocksTheGapWhereItWouldBe() throws SQLException {
        try (Connection writer = writer()) {
            ChunkSource.LockedRow row = source.lockRow(COUNTERS, List.of(5), Duration.ofSeconds(1)).orElseThrow();
            try {
                assertThat(row.hash()).isEmpty();
                assertBlocked(writer, "INSERT INTO hot.counters VALUES (5, 0)");
            } finally {
                row.close();
            }
            writer.createStatement().execute("INSERT INTO hot.counters VALUES (5, 0)");
            assertThat(source.rowHash(COUNTERS, List.of(5))).isPresent();
            writer.createStatement().execute("DELETE FROM hot.counters WHERE id = 5");
        }
    }

    @Test
    void aRowHeldByAnotherTransactionIsNotGrantedWithinTheWait() throws SQLException {
        List<String> before = sessions();
        try (Connection writer = writer()) {
            writer.setAutoCommit(false);
            writer.createStatement().execute("UPDATE hot.counters SET n = n + 1 WHERE id = 10");
            assertThat(source.lockRow(COUNTERS, List.of(10), Duration.ofMillis(100))).isEmpty();
            writer.rollback();
        }
        assertThat(sessions()).isEqualTo(before);
        assertThat(source.lockRow(COUNTERS, List.of(10), Duration.ofSeconds(1))).hasValueSatisfying(ChunkSource.LockedRow::close);
    }
}
