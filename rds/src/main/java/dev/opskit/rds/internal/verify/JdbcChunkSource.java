package dev.opskit.rds.internal.verify;

import dev.opskit.rds.internal.jdbc.ConnectionPool;
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
    public Optional<List<Object>> keyAfter(TableSpec table, List<Object> from, int offset) {
        String sql = ChecksumSql.keyAfter(table, !from.isEmpty(), offset);
        try (Connection c = pool.connection("find chunk boundaries of " + table.fullName());
             PreparedStatement s = c.prepareStatement(sql)) {
            List<Object> params = new ArrayList<>();
            if (!from.isEmpty()) {
                ChecksumSql.addRangeParams(params, from);
            }
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<Object> key = new ArrayList<>();
                for (int i = 1; i <= table.keyColumns().size(); i++) {
                    key.add(rs.getObject(i));
                }
                return Optional.of(key);
            }
        } catch (SQLException e) {
            throw pool.failure("find chunk boundaries of " + table.fullName(), e);
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
