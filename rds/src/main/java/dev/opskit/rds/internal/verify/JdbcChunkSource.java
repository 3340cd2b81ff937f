package dev.opskit.rds.internal.verify;

import dev.opskit.rds.internal.jdbc.ConnectionPool;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link ChunkSource} that runs {@link ChecksumSql} on a server. */
public final class JdbcChunkSource implements ChunkSource {
    private final ConnectionPool pool;

    public JdbcChunkSource(ConnectionPool pool) {
        this.pool = pool;
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
