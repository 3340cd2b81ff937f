package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.List;

/**
 * A range of a table's rows whose checksums differ between source and target, and still differed
 * after the target caught up with the source. Key values are printed as text; binary values as
 * {@code 0x...} hex. A bound may hold fewer values than the key has columns (a table whose key
 * starts with an integer column is cut into ranges of that column): it then bounds those first
 * columns only.
 *
 * <pre>{@code
 * for (ChunkDifference d : table.differences()) {
 *     System.out.println(d);   // rows with [id] after [10000] up to [20000]: source 10000 rows, target 10000 rows;
 *                              // 1 row differs: [10042]
 * }
 * }</pre>
 *
 * <p>For a table with a primary key, the rows of a differing range are compared one by one, so
 * the difference also says how many rows differ (changed, or present on one side only) and
 * their keys, the first {@value #MAX_KEYS} in key order.
 *
 * @param keyColumns the primary key's columns, empty for a table without one
 * @param afterKey the key value the range starts after (exclusive): the last key of the chunk before;
 *     empty if the range starts at the table's start
 * @param upToKey the last key value of the range (inclusive), empty if the range goes to the table's end
 * @param sourceRows rows in the range on the source
 * @param targetRows rows in the range on the target
 * @param differingRows how many rows of the range differ, -1 if rows were not compared one by one
 *     (a table without a primary key)
 * @param differingKeys the keys of the first {@value #MAX_KEYS} of those rows, in key order
 */
public record ChunkDifference(List<String> keyColumns, List<String> afterKey, List<String> upToKey,
                              long sourceRows, long targetRows, long differingRows,
                              List<List<String>> differingKeys) {
    /** How many differing rows' keys a difference lists at most. */
    public static final int MAX_KEYS = 100;

    /** @throws InvalidInputException if a list is null or a bound does not match the key */
    public ChunkDifference {
        if (keyColumns == null || afterKey == null || upToKey == null || differingKeys == null) {
            throw new InvalidInputException("chunk difference", null, "use empty lists for open bounds and no keys");
        }
        keyColumns = List.copyOf(keyColumns);
        afterKey = List.copyOf(afterKey);
        upToKey = List.copyOf(upToKey);
        differingKeys = differingKeys.stream().map(List::copyOf).toList();
        if (afterKey.size() > keyColumns.size() || upToKey.size() > keyColumns.size()) {
            throw new InvalidInputException("chunk bounds", afterKey + ".." + upToKey,
                    "each bound has at most one value per key column " + keyColumns);
        }
    }

    /**
     * A difference found by checksums only, without rows compared one by one.
     *
     * @param keyColumns the primary key's columns, empty for a table without one
     * @param afterKey where the range starts (exclusive), empty from the table's start
     * @param upToKey where it ends (inclusive), empty to the table's end
     * @param sourceRows rows in the range on the source
     * @param targetRows rows in the range on the target
     */
    public ChunkDifference(List<String> keyColumns, List<String> afterKey, List<String> upToKey,
                           long sourceRows, long targetRows) {
        this(keyColumns, afterKey, upToKey, sourceRows, targetRows, -1, List.of());
    }

    /** @return whether the difference covers the whole table (no primary key, or one chunk) */
    public boolean isWholeTable() {
        return afterKey.isEmpty() && upToKey.isEmpty();
    }

    /**
     * A {@code WHERE} condition that selects the range, for looking at the rows by hand, such as
     * {@code `id` > '10000' AND `id` <= '20000'} (composite keys as row comparisons).
     *
     * @return the condition, {@code TRUE} for the whole table
     */
    public String whereClause() {
        if (isWholeTable()) {
            return "TRUE";
        }
        StringBuilder b = new StringBuilder();
        if (!afterKey.isEmpty()) {
            b.append(columns(afterKey.size())).append(" > ").append(literal(afterKey));
        }
        if (!upToKey.isEmpty()) {
            b.append(b.length() > 0 ? " AND " : "").append(columns(upToKey.size())).append(" <= ").append(literal(upToKey));
        }
        return b.toString();
    }

    private String columns(int n) {
        List<String> quoted = keyColumns.subList(0, n).stream().map(c -> "`" + c + "`").toList();
        return n == 1 ? quoted.get(0) : "(" + String.join(", ", quoted) + ")";
    }

    private static String literal(List<String> values) {
        List<String> quoted = values.stream()
                .map(v -> v.startsWith("0x") ? v : "'" + v.replace("\\", "\\\\").replace("'", "''") + "'")
                .toList();
        return quoted.size() == 1 ? quoted.get(0) : "(" + String.join(", ", quoted) + ")";
    }

    /**
     * @return such as {@code rows with [id] after [10000] up to [20000]: source 10000 rows, target
     *     9999 rows; 2 rows differ: [10042], [10077]}, the first 10 keys at most
     */
    @Override
    public String toString() {
        String range = isWholeTable() ? "all rows"
                : "rows with " + keyColumns.subList(0, Math.max(afterKey.size(), upToKey.size()))
                        + (afterKey.isEmpty() ? " from the start" : " after " + afterKey)
                        + (upToKey.isEmpty() ? " to the end" : " up to " + upToKey);
        String text = range + ": source " + sourceRows + " rows, target " + targetRows + " rows";
        if (differingRows < 0) {
            return text;
        }
        List<String> shown = differingKeys.stream().limit(10).map(List::toString).toList();
        long more = differingRows - shown.size();
        return text + "; " + differingRows + (differingRows == 1 ? " row differs" : " rows differ")
                + (shown.isEmpty() ? "" : ": " + String.join(", ", shown)) + (more > 0 ? " and " + more + " more" : "");
    }
}
