package dev.opskit.multiaccount;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every target's result of a {@link Fleet} run, in account-then-region order, as a table for a
 * terminal or as JSON for a file or another tool.
 *
 * <pre>{@code
 * System.out.println(results.table());
 * Files.writeString(Path.of("plan.json"), results.toJson());
 * results.failed().forEach(r -> System.err.println(r));
 * }</pre>
 *
 * @param fleetId the run's id ({@code fl-} and 8 hex digits)
 * @param results one per account and region
 * @param took the run's wall time
 * @param cancelled whether the run was cancelled (Ctrl-C) before every target finished
 * @param <T> the work's value type
 */
public record FleetResults<T>(String fleetId, List<FleetResult<T>> results, Duration took, boolean cancelled) {
    private static final int CELL = 90;

    /** Copies the list. */
    public FleetResults {
        Objects.requireNonNull(fleetId, "fleetId");
        results = List.copyOf(results);
        Objects.requireNonNull(took, "took");
    }

    /** @return the targets that succeeded */
    public List<FleetResult<T>> succeeded() {
        return results.stream().filter(FleetResult::succeeded).toList();
    }

    /** @return the targets that failed */
    public List<FleetResult<T>> failed() {
        return results.stream().filter(r -> r.status() == FleetResult.Status.FAILED).toList();
    }

    /** @return true if every target succeeded */
    public boolean allSucceeded() {
        return results.stream().allMatch(FleetResult::succeeded);
    }

    /** @return the values of the targets that succeeded, in order */
    public List<T> values() {
        return succeeded().stream().map(FleetResult::value).toList();
    }

    /**
     * One row per target: account, name, region, status, time, and the first line of the value
     * (or of the error), cut to 90 characters.
     *
     * @return the table, with a summary line
     */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ACCOUNT", "NAME", "REGION", "STATUS", "TIME", "RESULT"});
        for (FleetResult<T> r : results) {
            String result = r.error() != null ? r.errorMessage() : r.value() == null ? "" : FleetResult.firstLine(r.value());
            rows.add(new String[] {r.accountId(), r.accountName(), r.region(), r.status().name(),
                    r.took().toMillis() + " ms", cut(result)});
        }
        int[] width = new int[6];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                b.append(i == row.length - 1 ? row[i] : pad(row[i], width[i] + 2));
            }
            b.append('\n');
        }
        b.append(succeeded().size()).append(" succeeded, ").append(failed().size()).append(" failed");
        long cancelledTargets = results.stream().filter(r -> r.status() == FleetResult.Status.CANCELLED).count();
        if (cancelledTargets > 0) {
            b.append(", ").append(cancelledTargets).append(" cancelled");
        }
        return b.append(" in ").append(took.toMillis()).append(" ms").toString();
    }

    /**
     * The results as JSON: {@code {"fleet", "cancelled", "tookMs", "results": [{"account", "name",
     * "role", "region", "status", "tookMs", "value", "error"}]}}; a value that is not a string,
     * number or boolean is written as its {@code toString()}.
     *
     * @return the JSON text
     */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("fleet", fleetId);
        root.put("cancelled", cancelled);
        root.put("tookMs", took.toMillis());
        List<Map<String, Object>> list = new ArrayList<>();
        for (FleetResult<T> r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("account", r.accountId());
            m.put("name", r.accountName());
            m.put("role", r.role());
            m.put("region", r.region());
            m.put("status", r.status().name());
            m.put("tookMs", r.took().toMillis());
            Object v = r.value();
            m.put("value", v == null || v instanceof String || v instanceof Number || v instanceof Boolean ? v
                    : String.valueOf(v));
            m.put("error", r.errorMessage());
            list.add(m);
        }
        root.put("results", list);
        try {
            return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return table();
    }

    private static String cut(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= CELL ? one : one.substring(0, CELL - 3) + "...";
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }
}
