package dev.opskit.rds.internal.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of a chunked checksum. Each row hashes to
 * {@code CRC32(CONCAT_WS('#', c1, c2, ..., ISNULL(n1) | ISNULL(n2) << 1 | ...))} where the
 * {@code n} are the nullable columns: {@code CONCAT_WS} skips NULLs, so the one integer of null
 * flags is what tells a NULL from an empty string. It is a single term, as every function call is
 * paid once per row. Rows combine with {@code BIT_XOR}, which does not depend on order.
 *
 * <p>Chunks are key ranges {@code (after, upTo]}. On the source, {@link #scan} checksums the next
 * {@code n} rows and returns the last key in the same pass, so finding boundaries costs no extra
 * walk over the index; the target then checksums the same range with {@link #checksum}. Key ranges
 * are written as expanded comparisons ({@code a > ? OR (a = ? AND b > ?)}), which every MySQL and
 * MariaDB version turns into an index range scan.
 */
public final class ChecksumSql {
    /** Null flags per integer term: bits of a BIGINT. */
    static final int FLAGS_PER_TERM = 64;

    private ChecksumSql() {
    }

    /** The string each row hashes: the columns joined with {@code '#'}, then the null flags. */
    public static String rowHashInput(TableSpec t) {
        StringBuilder b = new StringBuilder("CONCAT_WS('#'");
        for (String c : t.columns()) {
            b.append(", ").append(TableSpec.quote(c));
        }
        List<String> nullable = t.columns().stream().filter(t.nullableColumns()::contains).toList();
        for (int from = 0; from < nullable.size(); from += FLAGS_PER_TERM) {
            b.append(", ");
            List<String> term = nullable.subList(from, Math.min(nullable.size(), from + FLAGS_PER_TERM));
            for (int i = 0; i < term.size(); i++) {
                b.append(i == 0 ? "" : " | ").append("ISNULL(").append(TableSpec.quote(term.get(i))).append(')');
                if (i > 0) {
                    b.append(" << ").append(i);
                }
            }
        }
        return b.append(')').toString();
    }

    /** The per-row hash expression. */
    public static String rowHash(TableSpec t) {
        return "CRC32(" + rowHashInput(t) + ")";
    }

    /** {@code SELECT COUNT(*), BIT_XOR(hash) FROM t WHERE <bounds>}, parameters from {@link #parameters}. */
    public static String checksum(TableSpec t, ChunkBounds bounds) {
        StringBuilder b = new StringBuilder("SELECT COUNT(*), COALESCE(BIT_XOR(").append(rowHash(t))
                .append("), 0) FROM ").append(t.quotedName());
        if (t.hasPrimaryKey() && !bounds.isWholeTable()) {
            b.append(" FORCE INDEX (PRIMARY)");
        }
        List<String> conditions = new ArrayList<>();
        if (!bounds.after().isEmpty()) {
            conditions.add(range(t.keyColumns().subList(0, bounds.after().size()), true));
        }
        if (!bounds.upTo().isEmpty()) {
            conditions.add(range(t.keyColumns().subList(0, bounds.upTo().size()), false));
        }
        if (!conditions.isEmpty()) {
            b.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        return b.toString();
    }

    /**
     * {@code SELECT k1[, k2...], hash FROM t WHERE <bounds>}: each row's key and hash, for telling
     * which rows of a chunk differ. Parameters from {@link #parameters}.
     */
    public static String rowHashes(TableSpec t, ChunkBounds bounds) {
        String select = "SELECT " + String.join(", ", t.keyColumns().stream().map(TableSpec::quote).toList())
                + ", " + rowHash(t) + " FROM ";
        String sum = checksum(t, bounds);
        return select + sum.substring(sum.indexOf(" FROM ") + " FROM ".length());
    }

    /**
     * {@code SELECT hash FROM t WHERE k1 = ? AND k2 = ? ...}: one row's hash by its primary key,
     * with {@code LOCK IN SHARE MODE} when {@code locked} (a shared lock on the row, or on the gap
     * where it would be; understood by MySQL 5.7, 8.0 and MariaDB). Parameters: the key's values.
     */
    public static String rowHashByKey(TableSpec t, boolean locked) {
        String where = String.join(" AND ", t.keyColumns().stream().map(k -> TableSpec.quote(k) + " = ?").toList());
        return "SELECT " + rowHash(t) + " FROM " + t.quotedName() + " WHERE " + where
                + (locked ? " LOCK IN SHARE MODE" : "");
    }

    /** The parameters of {@link #checksum}, in order. */
    public static List<Object> parameters(TableSpec t, ChunkBounds bounds) {
        List<Object> p = new ArrayList<>();
        if (!bounds.after().isEmpty()) {
            addRangeParams(p, bounds.after());
        }
        if (!bounds.upTo().isEmpty()) {
            addRangeParams(p, bounds.upTo());
        }
        return p;
    }

    /**
     * The count, checksum and last key of the first {@code rows} rows in key order [after a key].
     * Only the key and the hash of each row are kept in the derived table. A single-column key's
     * last value is its {@code MAX}; a composite key's last tuple is read from session variables
     * assigned row by row in key order (the derived table is filled in index order and read after
     * it is complete), which MySQL 5.7, 8 and MariaDB all do.
     *
     * @return {@code SELECT COUNT(*), BIT_XOR(h), k1[, k2...] FROM (... LIMIT rows) x}
     */
    public static String scan(TableSpec t, boolean hasAfter, int rows) {
        List<String> keys = t.keyColumns().stream().map(TableSpec::quote).toList();
        boolean single = keys.size() == 1;
        StringBuilder inner = new StringBuilder("SELECT ").append(rowHash(t)).append(" AS h");
        for (int i = 0; i < keys.size(); i++) {
            inner.append(", ").append(single ? "" : "@opskit_k" + (i + 1) + " := ").append(keys.get(i))
                    .append(" AS k").append(i + 1);
        }
        inner.append(" FROM ").append(t.quotedName()).append(" FORCE INDEX (PRIMARY)");
        if (hasAfter) {
            inner.append(" WHERE ").append(range(t.keyColumns(), true));
        }
        inner.append(" ORDER BY ").append(String.join(", ", keys)).append(" LIMIT ").append(rows);
        StringBuilder b = new StringBuilder("SELECT COUNT(*), COALESCE(BIT_XOR(h), 0)");
        for (int i = 0; i < keys.size(); i++) {
            b.append(", ").append(single ? "MAX(k1)" : "@opskit_k" + (i + 1));
        }
        return b.append(" FROM (").append(inner).append(") x").toString();
    }

    /**
     * {@code key > (?, ...)} (lower, exclusive) or {@code key <= (?, ...)} (upper, inclusive) for a
     * key of n columns, expanded: {@code (k1 > ? OR (k1 = ? AND k2 > ?))}.
     */
    static String range(List<String> keys, boolean lower) {
        String strict = lower ? " > ?" : " < ?";
        if (keys.size() == 1) {
            return TableSpec.quote(keys.get(0)) + (lower ? " > ?" : " <= ?");
        }
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            StringBuilder term = new StringBuilder();
            for (int j = 0; j < i; j++) {
                term.append(TableSpec.quote(keys.get(j))).append(" = ? AND ");
            }
            boolean last = i == keys.size() - 1;
            term.append(TableSpec.quote(keys.get(i))).append(last && !lower ? " <= ?" : strict);
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
