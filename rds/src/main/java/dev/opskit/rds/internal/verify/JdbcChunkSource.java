package dev.opskit.rds.internal.verify;

import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.DatabaseException;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import dev.opskit.rds.internal.jdbc.ConnectionPool;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** A {@link ChunkSource} that runs {@link ChecksumSql} on a server. */
public final class JdbcChunkSource implements ChunkSource {
    /** The counter {@code SHOW CREATE TABLE} prints, which differs between copies of one table. */
    private static final Pattern AUTO_INCREMENT = Pattern.compile(" AUTO_INCREMENT=\\d+");
    private static final Pattern INNODB = Pattern.compile("\\) ENGINE=InnoDB\\b");

    private final ConnectionPool pool;
    private final EngineDialect dialect;

    public JdbcChunkSource(ConnectionPool pool, EngineDialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
    }

    @Override
    public ChunkScan scan(TableSpec table, List<Object> after, int rows) {
        String sql = ChecksumSql.scan(table, !after.isEmpty(), rows);
        try (Connection c = pool.connection("checksum " + table.fullName());
             PreparedStatement s = c.prepareStatement(sql)) {
            List<Object> params = new ArrayList<>();
            if (!after.isEmpty()) {
                ChecksumSql.addRangeParams(params, after);
            }
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Checksum sum = new Checksum(rs.getLong(1), rs.getLong(2));
                List<Object> last = new ArrayList<>();
                if (sum.rows() > 0) {
                    for (int i = 0; i < table.keyColumns().size(); i++) {
                        last.add(rs.getObject(3 + i));
                    }
                }
                return new ChunkScan(sum, last);
            }
        } catch (SQLException e) {
            throw pool.failure("checksum " + table.fullName(), e);
        }
    }

    @Override
    public Checksum checksum(TableSpec table, ChunkBounds bounds) {
        try (Connection c = pool.connection("checksum " + table.fullName());
             PreparedStatement s = c.prepareStatement(ChecksumSql.checksum(table, bounds))) {
            bind(s, ChecksumSql.parameters(table, bounds));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Checksum(rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw pool.failure("checksum " + table.fullName(), e);
        }
    }

    @Override
    public Map<List<String>, RowHash> rowHashes(TableSpec table, ChunkBounds bounds) {
        String purpose = "read the row hashes of " + table.fullName();
        int keys = table.keyColumns().size();
        try (Connection c = pool.connection(purpose);
             PreparedStatement s = c.prepareStatement(ChecksumSql.rowHashes(table, bounds))) {
            bind(s, ChecksumSql.parameters(table, bounds));
            Map<List<String>, RowHash> rows = new HashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<Object> key = new ArrayList<>(keys);
                    for (int i = 1; i <= keys; i++) {
                        key.add(rs.getObject(i));
                    }
                    rows.put(KeyText.of(key), new RowHash(key, rs.getLong(keys + 1)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw pool.failure(purpose, e);
        }
    }

    @Override
    public OptionalLong rowHash(TableSpec table, List<Object> key) {
        String purpose = "read a row of " + table.fullName();
        try (Connection c = pool.connection(purpose);
             PreparedStatement s = c.prepareStatement(ChecksumSql.rowHashByKey(table, false))) {
            return readHash(s, key);
        } catch (SQLException e) {
            throw pool.failure(purpose, e);
        }
    }

    private static OptionalLong readHash(PreparedStatement s, List<Object> key) throws SQLException {
        bind(s, key);
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
    }

    /**
     * Runs the locked read in a transaction of its own at {@code REPEATABLE READ} (so a missing
     * row's gap is locked too), with the session's {@code innodb_lock_wait_timeout} set to the wait;
     * the connection's isolation, auto-commit and timeout are restored when the row is closed. A
     * lock wait timeout (1205), a deadlock (1213, which a single lock should never meet) or a
     * missing privilege (1142, as on MySQL 8.0 before 8.0.22) means the lock was not granted.
     */
    @Override
    public Optional<LockedRow> lockRow(TableSpec table, List<Object> key, Duration wait) {
        String purpose = "read a row of " + table.fullName() + " under a shared lock";
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        Lock lock = new Lock(pool.connection(purpose), purpose);
        try {
            lock.begin(seconds);
            try (PreparedStatement s = lock.connection.prepareStatement(ChecksumSql.rowHashByKey(table, true))) {
                lock.hash = readHash(s, key);
            } catch (SQLException e) {
                if (e.getErrorCode() == 1205 || e.getErrorCode() == 1213 || e.getErrorCode() == 1142) {
                    lock.close();
                    return Optional.empty();
                }
                throw e;
            }
            lock.position = ConnectionPool.binlogPosition(lock.connection, dialect);
            return Optional.of(lock);
        } catch (SQLException | RuntimeException e) {
            try {
                lock.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof SQLException sql ? pool.failure(purpose, sql) : (RuntimeException) e;
        }
    }

    /** A transaction holding one row lock on a borrowed connection, whose session it restores on close. */
    private final class Lock implements LockedRow {
        final Connection connection;
        final String purpose;
        OptionalLong hash = OptionalLong.empty();
        Optional<BinlogPosition> position = Optional.empty();
        private long previousWait = -1;
        private int previousIsolation = -1;
        private boolean closed;

        Lock(Connection connection, String purpose) {
            this.connection = connection;
            this.purpose = purpose;
        }

        void begin(long waitSeconds) throws SQLException {
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT @@SESSION.innodb_lock_wait_timeout")) {
                rs.next();
                previousWait = rs.getLong(1);
                st.execute("SET SESSION innodb_lock_wait_timeout = " + waitSeconds);
            }
            previousIsolation = connection.getTransactionIsolation();
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
        }

        @Override
        public OptionalLong hash() {
            return hash;
        }

        @Override
        public Optional<BinlogPosition> position() {
            return position;
        }

        /** Ends the transaction (nothing was written: a rollback), restores the session, gives the connection back. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (Connection c = connection) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                if (previousIsolation >= 0) {
                    c.setTransactionIsolation(previousIsolation);
                }
                if (previousWait >= 0) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET SESSION innodb_lock_wait_timeout = " + previousWait);
                    }
                }
            } catch (SQLException e) {
                throw pool.failure("release the lock taken to " + purpose, e);
            }
        }
    }

    @Override
    public Optional<KeyRange> keyRange(TableSpec table) {
        String k = TableSpec.quote(table.keyColumns().get(0));
        String sql = "SELECT MIN(" + k + "), MAX(" + k + ") FROM " + table.quotedName();
        try (Connection c = pool.connection("read the key range of " + table.fullName());
             PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            // BIGINT UNSIGNED beyond a long comes as BigInteger: not split by arithmetic
            if (rs.getObject(1) instanceof Number min && rs.getObject(2) instanceof Number max
                    && !(min instanceof BigInteger) && !(max instanceof BigInteger)) {
                return Optional.of(new KeyRange(min.longValue(), max.longValue()));
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw pool.failure("read the key range of " + table.fullName(), e);
        }
    }

    @Override
    public String serverVersion() {
        Map<String, Object> r = pool.rows("read the server version",
                "SELECT VERSION() AS v, @@version_comment AS c").get(0);
        return r.get("v") + " (" + r.get("c") + ")";
    }

    @Override
    public Optional<String> definition(TableSpec table) {
        String purpose = "read the definition of " + table.fullName();
        try (Connection c = pool.connection(purpose); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + table.quotedName())) {
            return rs.next() ? Optional.of(AUTO_INCREMENT.matcher(rs.getString(2)).replaceAll("")) : Optional.empty();
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) { // ER_NO_SUCH_TABLE: dropped since discovery
                return Optional.empty();
            }
            throw pool.failure(purpose, e);
        }
    }

    /**
     * Checksums the table and counts its rows. The count comes from the same scan: CHECKSUM TABLE
     * reads each row through the handler's {@code rnd_next}, which the session's
     * {@code Handler_read_rnd_next} counts, once per row and once for the end. A separate
     * {@code COUNT(*)} would read the table again: about 45% on top of the checksum on InnoDB,
     * which made the whole-table path cost the servers as much CPU as the chunks. What a
     * {@code SHOW STATUS} adds itself (nothing on MariaDB; its own reads of the status table on
     * some MySQL versions) is measured first on the same connection. Only InnoDB: MyISAM and Aria
     * scans also visit deleted slots, which some servers count. Anything implausible, and any
     * other engine, is counted with {@code COUNT(*)}.
     */
    @Override
    public Optional<Checksum> tableChecksum(TableSpec table, String definition) {
        String purpose = "checksum the table " + table.fullName();
        // CHECKSUM TABLE cannot be prepared on every server version: plain statements
        try (Connection c = pool.connection(purpose); Statement s = c.createStatement()) {
            boolean counted = INNODB.matcher(definition).find();
            long r1 = counted ? handlerReads(s) : 0;
            long r2 = counted ? handlerReads(s) : 0;
            long sum;
            try (ResultSet rs = s.executeQuery("CHECKSUM TABLE " + table.quotedName() + " EXTENDED")) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                sum = rs.getLong(2);
                if (rs.wasNull()) {
                    return Optional.empty();
                }
            }
            long rows = counted ? handlerReads(s) - r2 - (r2 - r1) - 1 : -1;
            if (rows < 0 || r2 < r1) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table.quotedName())) {
                    rs.next();
                    rows = rs.getLong(1);
                }
            }
            return Optional.of(new Checksum(rows, sum));
        } catch (SQLException e) {
            throw pool.failure(purpose, e);
        }
    }

    private static long handlerReads(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Handler_read_rnd_next'")) {
            return rs.next() ? rs.getLong(2) : -1;
        }
    }

    @Override
    public Optional<BinlogPosition> binlogPosition() {
        try {
            return pool.binlogPosition(dialect);
        } catch (DatabaseException e) {
            // Without REPLICATION CLIENT the position is unknown; the fast path then cannot tell a
            // moving source, which costs time on a failed table checksum, never a wrong result.
            return Optional.empty();
        }
    }

    private static void bind(PreparedStatement s, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            s.setObject(i + 1, params.get(i));
        }
    }

    @Override
    public String toString() {
        return pool.endpoint().toString();
    }
}
