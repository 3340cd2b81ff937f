package dev.opskit.rds.internal.verify;

import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.DatabaseException;
import dev.opskit.rds.EngineDialect;
import dev.opskit.rds.internal.jdbc.ConnectionPool;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** A {@link ChunkSource} that runs {@link ChecksumSql} on a server. */
public final class JdbcChunkSource implements ChunkSource {
    /** The counter {@code SHOW CREATE TABLE} prints, which differs between copies of one table. */
    private static final Pattern AUTO_INCREMENT = Pattern.compile(" AUTO_INCREMENT=\\d+");

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

    @Override
    public OptionalLong tableChecksum(TableSpec table) {
        String purpose = "checksum the table " + table.fullName();
        // CHECKSUM TABLE cannot be prepared on every server version: a plain statement
        try (Connection c = pool.connection(purpose); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("CHECKSUM TABLE " + table.quotedName() + " EXTENDED")) {
            if (!rs.next()) {
                return OptionalLong.empty();
            }
            long sum = rs.getLong(2);
            return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(sum);
        } catch (SQLException e) {
            throw pool.failure(purpose, e);
        }
    }

    @Override
    public long count(TableSpec table) {
        String purpose = "count the rows of " + table.fullName();
        try (Connection c = pool.connection(purpose); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table.quotedName())) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw pool.failure(purpose, e);
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
