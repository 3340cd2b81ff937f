package dev.opskit.rds.internal.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of a chunked checksum. Each row hashes to
 * {@code CRC32(CONCAT_WS('#', c1, c2, ..., CONCAT(ISNULL(n1), ISNULL(n2), ...)))} where the
 * {@code n} are the nullable columns: {@code CONCAT_WS} skips NULLs, so the flags are what tell a
 * NULL from an empty string. Rows combine with {@code BIT_XOR}, which does not depend on order.
 * Key ranges are written as expanded comparisons ({@code a > ? OR (a = ? AND b >= ?)}), which every
 * MySQL and MariaDB version turns into an index range scan.
 */
public final class ChecksumSql {
    private ChecksumSql() {
    }

    /** The per-row hash expression. */
    public static String rowHash(TableSpec t) {
        StringBuilder b = new StringBuilder("CRC32(CONCAT_WS('#'");
        for (String c : t.columns()) {
            b.append(", ").append(TableSpec.quote(c));
        }
        List<String> nullable = t.columns().stream().filter(t.nullableColumns()::contains).toList();
        if (!nullable.isEmpty()) {
            b.append(", CONCAT(");
            for (int i = 0; i < nullable.size(); i++) {
                b.append(i == 0 ? "" : ", ").append("ISNULL(").append(TableSpec.quote(nullable.get(i))).append(')');
            }
            b.append(')');
        }
        return b.append("))").toString();
    }

    /** {@code SELECT COUNT(*), BIT_XOR(hash) FROM t WHERE <bounds>}, parameters from {@link #parameters}. */
    public static String checksum(TableSpec t, ChunkBounds bounds) {
        StringBuilder b = new StringBuilder("SELECT COUNT(*), COALESCE(BIT_XOR(").append(rowHash(t))
                .append("), 0) FROM ").append(t.quotedName());
        if (t.hasPrimaryKey() && !bounds.isWholeTable()) {
            b.append(" FORCE INDEX (PRIMARY)");
        }
        appendWhere(b, t, bounds);
        return b.toString();
    }

    /** The parameters of {@link #checksum}, in order. */
    public static List<Object> parameters(TableSpec t, ChunkBounds bounds) {
        List<Object> p = new ArrayList<>();
        if (!bounds.lower().isEmpty()) {
            addRangeParams(p, bounds.lower());
        }
        if (!bounds.upper().isEmpty()) {
            addRangeParams(p, bounds.upper());
        }
        return p;
    }

    /** {@code SELECT k1, k2 FROM t [WHERE key >= ?] ORDER BY k1, k2 LIMIT 1 OFFSET n}. */
    public static String keyAfter(TableSpec t, boolean hasFrom, int offset) {
        String keys = String.join(", ", t.keyColumns().stream().map(TableSpec::quote).toList());
        StringBuilder b = new StringBuilder("SELECT ").append(keys).append(" FROM ").append(t.quotedName())
                .append(" FORCE INDEX (PRIMARY)");
        if (hasFrom) {
            b.append(" WHERE ").append(range(t.keyColumns(), true));
        }
        return b.append(" ORDER BY ").append(keys).append(" LIMIT 1 OFFSET ").append(offset).toString();
    }

    private static void appendWhere(StringBuilder b, TableSpec t, ChunkBounds bounds) {
        List<String> conditions = new ArrayList<>();
        if (!bounds.lower().isEmpty()) {
            conditions.add(range(t.keyColumns(), true));
        }
        if (!bounds.upper().isEmpty()) {
            conditions.add(range(t.keyColumns(), false));
        }
        if (!conditions.isEmpty()) {
            b.append(" WHERE ").append(String.join(" AND ", conditions));
        }
    }

    /**
     * {@code key >= (?, ...)} (lower) or {@code key < (?, ...)} (upper) for a key of n columns,
     * expanded: {@code (k1 > ? OR (k1 = ? AND k2 >= ?))}.
     */
    static String range(List<String> keys, boolean lower) {
        if (keys.size() == 1) {
            return TableSpec.quote(keys.get(0)) + (lower ? " >= ?" : " < ?");
        }
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            StringBuilder term = new StringBuilder();
            for (int j = 0; j < i; j++) {
                term.append(TableSpec.quote(keys.get(j))).append(" = ? AND ");
            }
            boolean last = i == keys.size() - 1;
            term.append(TableSpec.quote(keys.get(i)))
                    .append(lower ? (last ? " >= ?" : " > ?") : " < ?");
            terms.add(i == 0 ? term.toString() : "(" + term + ")");
        }
        return "(" + String.join(" OR ", terms) + ")";
    }

    /** Parameters matching {@link #range}: for term i, the values k1..ki. */
    static void addRangeParams(List<Object> p, List<Object> values) {
        if (values.size() == 1) {
            p.add(values.get(0));
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            for (int j = 0; j <= i; j++) {
                p.add(values.get(j));
            }
        }
    }
}
