package dev.opskit.rds.internal.verify;

import java.util.List;
import java.util.Set;

/**
 * A base table to check: its columns in order, which of them are nullable, and its primary key
 * columns in key order (empty when the table has none).
 */
public record TableSpec(String schema, String name, List<String> columns, Set<String> nullableColumns,
                        List<String> keyColumns) {
    public TableSpec {
        columns = List.copyOf(columns);
        nullableColumns = Set.copyOf(nullableColumns);
        keyColumns = List.copyOf(keyColumns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + schema + "." + name + " has no columns");
        }
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
