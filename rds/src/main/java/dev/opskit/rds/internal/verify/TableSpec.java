package dev.opskit.rds.internal.verify;

import java.util.List;
import java.util.Set;

/**
 * A base table to check: its columns in order, which of them are nullable, its primary key
 * columns in key order (empty when the table has none), whether the key's first column is an
 * integer, and the server's estimate of the row count (0 if unknown).
 */
public record TableSpec(String schema, String name, List<String> columns, Set<String> nullableColumns,
                        List<String> keyColumns, boolean integerKey, long estimatedRows) {
    public TableSpec {
        columns = List.copyOf(columns);
        nullableColumns = Set.copyOf(nullableColumns);
        keyColumns = List.copyOf(keyColumns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + schema + "." + name + " has no columns");
        }
        if (integerKey && keyColumns.isEmpty()) {
            throw new IllegalArgumentException("table " + schema + "." + name + " has no key");
        }
    }

    /** A table whose key's first column is not known to be an integer, without a row estimate. */
    public TableSpec(String schema, String name, List<String> columns, Set<String> nullableColumns,
                     List<String> keyColumns) {
        this(schema, name, columns, nullableColumns, keyColumns, false, 0);
    }

    /** @return {@code schema.name}, unquoted, for reports */
    public String fullName() {
        return schema + "." + name;
    }

    /** @return {@code `schema`.`name`} */
    public String quotedName() {
        return quote(schema) + "." + quote(name);
    }

    public boolean hasPrimaryKey() {
        return !keyColumns.isEmpty();
    }

    /** Quotes an identifier with backquotes, doubling any backquote inside. */
    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
