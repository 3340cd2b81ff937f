package dev.opskit.rds.internal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.DatabaseEndpoint;
import dev.opskit.rds.DatabaseException;
import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.ReplicationStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections to one server, with the few queries opskit needs: a small HikariCP pool for
 * long-lived work ({@link #open}), or a fixed set opened all at once for a short burst
 * ({@link #openAll}). The password goes to HikariCP only through
 * {@link HikariConfig#setPassword}, which HikariCP masks when it logs its configuration, and to
 * the driver as a property; it is never part of the JDBC URL. Closing twice is fine.
 */
public final class ConnectionPool implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** Where connections come from. */
    interface Connections extends AutoCloseable {
        /** @return a connection; closing it gives it back */
        Connection get() throws SQLException;

        @Override
        void close();
    }

    private final DatabaseEndpoint endpoint;
    private final Connections connections;

    private ConnectionPool(DatabaseEndpoint endpoint, Connections connections) {
        this.endpoint = endpoint;
        this.connections = connections;
    }

    /**
     * Opens a fixed set of {@code size} connections at once, each on its own thread, and returns
     * without waiting for them; a borrower waits for the first one ready. For a job that uses them
     * all right away and then closes the set: nothing waits for a pool to grow or shut down.
     *
     * @param endpoint the server and user
     * @param size 1 to 32
     * @param purpose a short word for the threads' names, such as {@code verify-source}
     * @return the set
     */
    public static ConnectionPool openAll(DatabaseEndpoint endpoint, int size, String purpose) {
        Properties p = new Properties();
        p.setProperty("user", endpoint.user());
        p.setProperty("password", endpoint.password().reveal());
        return new ConnectionPool(endpoint, new ConnectionSet(url(endpoint), p, Math.max(1, Math.min(32, size)),
                Duration.ofSeconds(10), "opskit-" + purpose + "-" + COUNTER.incrementAndGet()));
    }

    /**
     * Opens a pool; connections are made on first use.
     *
     * @param endpoint the server and user
     * @param maxConnections 1 to 32
     * @param purpose a short word for the pool's name in logs, such as {@code verify-source}
     * @return the pool
     */
    public static ConnectionPool open(DatabaseEndpoint endpoint, int maxConnections, String purpose) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("opskit-" + purpose + "-" + COUNTER.incrementAndGet());
        c.setJdbcUrl(url(endpoint));
        c.setUsername(endpoint.user());
        c.setPassword(endpoint.password().reveal());
        c.setMaximumPoolSize(Math.max(1, Math.min(32, maxConnections)));
        c.setMinimumIdle(0);
        c.setConnectionTimeout(10_000);
        c.setValidationTimeout(3_000);
        c.setIdleTimeout(60_000);
        c.setMaxLifetime(600_000);
        // Fail at first use with the driver's message rather than at construction.
        c.setInitializationFailTimeout(-1);
        c.setAutoCommit(true);
        HikariDataSource hikari = new HikariDataSource(c);
        return new ConnectionPool(endpoint, new Connections() {
            @Override
            public Connection get() throws SQLException {
                return hikari.getConnection();
            }

            @Override
            public void close() {
                hikari.close();
            }
        });
    }

    private static String url(DatabaseEndpoint endpoint) {
        return MysqlUrl.of(endpoint.host(), endpoint.port(), "connectTimeout=5000&tcpKeepAlive=true&useCursorFetch=false"
                + "&cachePrepStmts=true&prepStmtCacheSize=64&useServerPrepStmts=false"
                + "&characterEncoding=UTF-8&zeroDateTimeBehavior=CONVERT_TO_NULL");
    }

    /** @return the endpoint, for messages */
    public DatabaseEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Borrows a connection.
     *
     * @param purpose what it is for, for the error message
     * @return an open connection; close it to give it back
     */
    public Connection connection(String purpose) {
        try {
            return connections.get();
        } catch (SQLException e) {
            throw failure(purpose, e);
        }
    }

    /**
     * Runs a query and returns its rows as ordered maps of column label to value.
     *
     * @param purpose what the query is for, for the error message
     * @param sql the statement
     * @param params bound parameters
     * @return the rows
     */
    public List<Map<String, Object>> rows(String purpose, String sql, Object... params) {
        try (Connection c = connection(purpose); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw failure(purpose, e);
        }
    }

    /**
     * Runs a statement that returns no rows (or whose rows are ignored).
     *
     * @param purpose what it is for, for the error message
     * @param sql the statement
     * @param params bound parameters; bind passwords here, never in the text
     */
    public void execute(String purpose, String sql, Object... params) {
        try (Connection c = connection(purpose); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.execute();
        } catch (SQLException e) {
            throw failure(purpose, e);
        }
    }

    /** @return what {@code SELECT VERSION()} says, parsed */
    public EngineVersion version() {
        return EngineVersion.parse(String.valueOf(rows("read the server version", "SELECT VERSION() AS v")
                .get(0).get("v")));
    }

    /**
     * Reads the replica's status.
     *
     * @param dialect the server's dialect
     * @return the status, empty if the server is not a replica
     */
    public Optional<ReplicationStatus> replicaStatus(EngineDialect dialect) {
        List<Map<String, Object>> rows = rows("read the replication status", dialect.replicaStatusStatement());
        return rows.isEmpty() ? Optional.empty() : Optional.of(ReplicationStatus.fromRow(rows.get(0)));
    }

    /**
     * Reads the server's current binlog position.
     *
     * @param dialect the server's dialect
     * @return the position, empty if binary logging is off
     */
    public Optional<BinlogPosition> binlogPosition(EngineDialect dialect) {
        try (Connection c = connection("read the binlog position")) {
            return binlogPosition(c, dialect);
        } catch (SQLException e) {
            throw failure("read the binlog position", e);
        }
    }

    /**
     * Reads the server's current binlog position on a given connection, such as one inside a
     * transaction.
     *
     * @param c the connection
     * @param dialect the server's dialect
     * @return the position, empty if binary logging is off
     * @throws SQLException if the statement fails
     */
    public static Optional<BinlogPosition> binlogPosition(Connection c, EngineDialect dialect) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(dialect.sourceStatusStatement())) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(BinlogPosition.of(rs.getString("File"), rs.getLong("Position")));
        }
    }

    /**
     * Wraps a driver failure; the message carries the purpose, endpoint and the server's error.
     *
     * @param purpose what was attempted
     * @param e the driver's exception
     * @return the exception to throw
     */
    public DatabaseException failure(String purpose, SQLException e) {
        return new DatabaseException(endpoint.toString(), "Could not " + purpose + " on " + endpoint
                + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ", error " + e.getErrorCode()
                + "); check that the server is reachable and the user has the needed privileges", e);
    }

    @Override
    public void close() {
        connections.close();
    }

    @Override
    public String toString() {
        return "pool to " + endpoint;
    }
}
