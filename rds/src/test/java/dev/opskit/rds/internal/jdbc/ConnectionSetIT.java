package dev.opskit.rds.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.Secret;
import dev.opskit.rds.DatabaseEndpoint;
import dev.opskit.rds.DatabaseException;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbServers;
import dev.opskit.testkit.internal.db.DbSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ConnectionPool#openAll}: a fixed set of connections to a real MariaDB server. */
class ConnectionSetIT {
    private static final Secret PASSWORD = Secret.generate(20);
    private static DbServers servers;
    private static DbServer server;
    private static ConnectionPool admin;

    @BeforeAll
    static void start() {
        servers = new DbServers(Path.of("/tmp/opskit-rds-it"));
        server = servers.start("connection-set", new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "ROW", 1),
                "admin", PASSWORD.reveal());
        admin = ConnectionPool.open(endpoint(PASSWORD), 1, "test-admin");
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    private static DatabaseEndpoint endpoint(Secret password) {
        return DatabaseEndpoint.of(server.host(), server.port(), "admin", password);
    }

    /** Sessions of the admin user other than the test's own admin pool. */
    private static Set<Long> sessions(Set<Long> before) {
        return admin.rows("list sessions", "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = 'admin'")
                .stream().map(r -> ((Number) r.get("id")).longValue()).filter(id -> !before.contains(id))
                .collect(Collectors.toSet());
    }

    private static long id(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until %s", what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void opensEveryConnectionAtOnceLendsEachOnceAndClosesThemAll() throws Exception {
        Set<Long> before = sessions(Set.of());
        ConnectionPool set = ConnectionPool.openAll(endpoint(PASSWORD), 3, "test-set");
        // All three are opened without anyone borrowing.
        await("3 sessions are open", () -> sessions(before).size() == 3);

        List<Connection> lent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lent.add(set.connection("borrow"));
        }
        Set<Long> ids = new java.util.HashSet<>();
        for (Connection c : lent) {
            ids.add(id(c));
        }
        assertThat(ids).hasSize(3).isEqualTo(sessions(before));

        // Given back, a connection is lent again; the returned view refuses further use.
        Connection first = lent.get(0);
        long firstId = id(first);
        first.close();
        assertThat(first.isClosed()).isTrue();
        assertThatThrownBy(first::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("given back");
        try (Connection again = set.connection("borrow again")) {
            assertThat(id(again)).isEqualTo(firstId);
        }
        lent.get(1).close();
        lent.get(2).close();

        set.close();
        set.close();
        await("the set's sessions are gone", () -> sessions(before).isEmpty());
        assertThatThrownBy(() -> set.connection("after close")).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aConnectionTheServerDroppedWhileIdleIsReplaced() throws Exception {
        Set<Long> before = sessions(Set.of());
        try (ConnectionPool set = ConnectionPool.openAll(endpoint(PASSWORD), 1, "test-dropped")) {
            long killed;
            try (Connection c = set.connection("first")) {
                killed = id(c);
            }
            admin.execute("kill the session", "KILL CONNECTION " + killed);
            await("the session is gone", () -> !sessions(before).contains(killed));
            Thread.sleep(600); // idle long enough to be checked before it is lent again

            try (Connection c = set.connection("after the kill")) {
                assertThat(id(c)).isNotEqualTo(killed);
            }
        }
    }

    @Test
    void aConnectionGivenBackInATransactionIsNotLentAgain() throws Exception {
        try (ConnectionPool set = ConnectionPool.openAll(endpoint(PASSWORD), 1, "test-transaction")) {
            long inTransaction;
            try (Connection c = set.connection("first")) {
                inTransaction = id(c);
                c.setAutoCommit(false);
            }
            try (Connection c = set.connection("second")) {
                assertThat(id(c)).isNotEqualTo(inTransaction);
                assertThat(c.getAutoCommit()).isTrue();
            }
        }
    }

    @Test
    void aWrongPasswordFailsTheBorrowerWithTheServersErrorButNeverThePassword() {
        Secret wrong = Secret.of("not-the-password-" + PASSWORD.reveal().substring(0, 4));
        try (ConnectionPool set = ConnectionPool.openAll(endpoint(wrong), 2, "test-denied")) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> set.connection("log in"))
                        .isInstanceOf(DatabaseException.class)
                        .hasMessageContaining("Could not log in on admin@127.0.0.1:" + server.port())
                        .hasMessageContaining("Access denied")
                        .hasMessageContaining("error 1045")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong.reveal(), PASSWORD.reveal()));
            }
        }
    }
}
