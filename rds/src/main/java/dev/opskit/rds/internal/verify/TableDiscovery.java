package dev.opskit.rds.internal.verify;

import dev.opskit.rds.internal.jdbc.ConnectionPool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/** Finds the base tables of the user schemas with their columns and primary keys. */
public final class TableDiscovery {
    /** Schemas of the server itself, never checked. */
    public static final Set<String> SYSTEM_SCHEMAS =
            Set.of("mysql", "sys", "information_schema", "performance_schema");

    /**
     * The system schemas as an SQL list. Filtering them in the query, not only here, spares the
     * server opening their tables: it cuts discovery from about 45 ms to 7 ms on a local server.
     */
    private static final String SYSTEM_SCHEMA_LIST =
            "('mysql', 'sys', 'information_schema', 'performance_schema')";

    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "bigint");

    /** Threads for the second discovery query; daemons, so an idle one never holds the JVM open. */
    private static final Executor DISCOVERY = r -> {
        Thread t = new Thread(r, "opskit-verify-discovery");
        t.setDaemon(true);
        t.start();
    };

    private TableDiscovery() {
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * @param excluded further schemas to skip, compared without regard to case
     * @return the tables, ordered by schema and name
     */
    public static List<TableSpec> discover(ConnectionPool pool, Set<String> excluded) {
        Set<String> skip = new HashSet<>();
        SYSTEM_SCHEMAS.forEach(s -> skip.add(s.toLowerCase(Locale.ROOT)));
        excluded.forEach(s -> skip.add(s.toLowerCase(Locale.ROOT)));

        // On a second connection at once: the two reads cost a round trip and the server's opening
        // of the tables' definitions each, on the critical path before the first checksum.
        CompletableFuture<Map<String, List<String>>> primaryKeys = CompletableFuture.supplyAsync(() -> {
            Map<String, List<String>> keys = new LinkedHashMap<>();
            for (Map<String, Object> r : pool.rows("list the primary keys of the user tables",
                    "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.STATISTICS"
                            + " WHERE INDEX_NAME = 'PRIMARY' AND TABLE_SCHEMA NOT IN " + SYSTEM_SCHEMA_LIST
                            + " ORDER BY TABLE_SCHEMA, TABLE_NAME, SEQ_IN_INDEX")) {
                keys.computeIfAbsent(r.get("s") + "\u0000" + r.get("t"), k -> new ArrayList<>()).add((String) r.get("c"));
            }
            return keys;
        }, DISCOVERY);
        Map<String, List<String>> columns = new LinkedHashMap<>();
        Map<String, Set<String>> nullable = new LinkedHashMap<>();
        Map<String, Set<String>> integers = new LinkedHashMap<>();
        Map<String, Long> estimates = new LinkedHashMap<>();
        for (Map<String, Object> r : pool.rows("list the columns of the user tables",
                "SELECT c.TABLE_SCHEMA AS s, c.TABLE_NAME AS t, c.COLUMN_NAME AS c, c.IS_NULLABLE AS n,"
                        + " c.DATA_TYPE AS dt, t.TABLE_ROWS AS r"
                        + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
                        + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
                        + " WHERE t.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_SCHEMA NOT IN " + SYSTEM_SCHEMA_LIST
                        + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION")) {
            String schema = (String) r.get("s");
            if (skip.contains(schema.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String key = schema + "\u0000" + r.get("t");
            columns.computeIfAbsent(key, k -> new ArrayList<>()).add((String) r.get("c"));
            Set<String> n = nullable.computeIfAbsent(key, k -> new TreeSet<>());
            if ("YES".equalsIgnoreCase(String.valueOf(r.get("n")))) {
                n.add((String) r.get("c"));
            }
            if (INTEGER_TYPES.contains(String.valueOf(r.get("dt")).toLowerCase(Locale.ROOT))) {
                integers.computeIfAbsent(key, k -> new TreeSet<>()).add((String) r.get("c"));
            }
            if (r.get("r") instanceof Number rows) {
                estimates.put(key, rows.longValue());
            }
        }
        Map<String, List<String>> keys = join(primaryKeys);
        List<TableSpec> tables = new ArrayList<>();
        columns.forEach((key, cols) -> {
            String[] parts = key.split("\u0000", 2);
            List<String> keyColumns = keys.getOrDefault(key, List.of());
            boolean integerKey = !keyColumns.isEmpty() && integers.getOrDefault(key, Set.of()).contains(keyColumns.get(0));
            tables.add(new TableSpec(parts[0], parts[1], cols, nullable.get(key), keyColumns, integerKey,
                    estimates.getOrDefault(key, 0L)));
        });
        return tables;
    }
}
