package dev.opskit.rds.internal.replication;

import dev.opskit.core.OpsException;
import dev.opskit.core.Secret;
import dev.opskit.rds.DatabaseEndpoint;
import dev.opskit.rds.DatabaseException;
import dev.opskit.rds.internal.jdbc.ConnectionPool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runbook's view of one server (a cluster's writer endpoint) over a small
 * {@link ConnectionPool}: values as text, secrets bound as parameters, and every failure's
 * message scrubbed of the secrets this run knows. Statements such as
 * {@code CREATE USER ... IDENTIFIED BY ?} carry a password, and a driver message may echo
 * statement text, so a failure is rethrown without the driver's exception as its cause.
 */
public final class Database implements AutoCloseable {
    private final String name;
    private final ConnectionPool pool;
    private final List<Secret> secrets = new ArrayList<>();

    /**
     * @param name what this server is, for messages (e.g. "source cluster 'orders'")
     */
    public Database(String name, String host, int port, String user, Secret password) {
        this.name = name;
        this.pool = ConnectionPool.open(DatabaseEndpoint.of(host, port, user, password), 4, "replication");
        secrets.add(password);
    }

    /** Registers another secret that must never appear in messages from this database. */
    public void scrub(Secret secret) {
        if (secret != null) {
            secrets.add(secret);
        }
    }

    public String name() {
        return name;
    }

    public ConnectionPool pool() {
        return pool;
    }

    /** Rows of a query (or a CALL that returns a result set), each as column label to text. */
    public List<Map<String, String>> rows(String sql, Object... args) {
        try {
            List<Map<String, String>> out = new ArrayList<>();
            for (Map<String, Object> r : pool.rows("run " + firstWords(sql) + " on the " + name, sql, bind(args))) {
                Map<String, String> row = new LinkedHashMap<>();
                r.forEach((k, v) -> row.put(k, v == null ? null : String.valueOf(v)));
                out.add(row);
            }
            return out;
        } catch (DatabaseException e) {
            throw scrubbed(e);
        }
    }

    /** The first column of the first row, or null. */
    public String value(String sql, Object... args) {
        List<Map<String, String>> rows = rows(sql, args);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    /** Executes a statement; a {@link Secret} argument is bound as its plain value. */
    public void execute(String sql, Object... args) {
        try {
            pool.execute("run " + firstWords(sql) + " on the " + name, sql, bind(args));
        } catch (DatabaseException e) {
            throw scrubbed(e);
        }
    }

    private static Object[] bind(Object[] args) {
        Object[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof Secret s) {
                out[i] = s.reveal();
            }
        }
        return out;
    }

    private static String firstWords(String sql) {
        String[] w = sql.trim().split("\\s+");
        return w.length == 1 ? w[0] : w[0] + " " + w[1].replaceAll("\\(.*", "");
    }

    private OpsException scrubbed(DatabaseException e) {
        String message = clean(e.getMessage());
        if (message.equals(e.getMessage()) && (e.getCause() == null || clean(String.valueOf(e.getCause().getMessage()))
                .equals(String.valueOf(e.getCause().getMessage())))) {
            return e;
        }
        return new DatabaseException(e.resourceId().orElse(name), message, null);
    }

    /** Replaces every registered secret's value in a text. */
    public String clean(String text) {
        String out = text == null ? "" : text;
        for (Secret s : secrets) {
            if (s.appearsIn(out)) {
                out = out.replace(s.reveal(), Secret.REDACTED);
            }
        }
        return out;
    }

    @Override
    public void close() {
        pool.close();
    }
}
