package dev.opskit.testkit.internal.protocol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One decoded awsQuery request (RDS, STS): the action, its flattened parameters exactly as sent
 * (e.g. {@code Filters.Filter.1.Name}), and who and where: the caller's account (from the
 * verified access key), the region (from the signature's credential scope) and a request id.
 */
public record QueryRequest(String service, String action, Map<String, String> params,
        String accountId, String region, String accessKeyId, String requestId, Instant receivedAt) {

    public QueryRequest {
        params = Map.copyOf(params);
    }

    /** The value, or null when absent. */
    public String string(String name) {
        return params.get(name);
    }

    /** The value; a {@code MissingParameter} error when absent or empty. */
    public String require(String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            throw AwsError.missingParameter(name);
        }
        return v;
    }

    /** An integer value or null; {@code InvalidParameterValue} if not a number. */
    public Integer integer(String name) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            throw AwsError.invalidParameterValue("Invalid value for " + name + ": " + v);
        }
    }

    /** A boolean value or null ("true"/"false", any case). */
    public Boolean bool(String name) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        if (v.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (v.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw AwsError.invalidParameterValue("Invalid boolean value for " + name + ": " + v);
    }

    /**
     * A list of scalars sent as {@code prefix.1}, {@code prefix.2}, ... in index order. The
     * prefix includes the member name, e.g. {@code VpcSecurityGroupIds.VpcSecurityGroupId}.
     * An empty list may be sent as just {@code prefix=""}; that yields an empty list.
     */
    public List<String> list(String prefix) {
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        String p = prefix + ".";
        params.forEach((k, v) -> {
            if (k.startsWith(p)) {
                String rest = k.substring(p.length());
                if (rest.matches("\\d+")) {
                    byIndex.put(Integer.valueOf(rest), v);
                }
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    /**
     * A list of structures sent as {@code prefix.N.Field}, in index order, each as a map of its
     * (possibly nested, dotted) field names to values, e.g. prefix
     * {@code Parameters.Parameter} gives maps with {@code ParameterName}, {@code ParameterValue}.
     */
    public List<Map<String, String>> structs(String prefix) {
        TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
        String p = prefix + ".";
        params.forEach((k, v) -> {
            if (k.startsWith(p)) {
                String rest = k.substring(p.length());
                int dot = rest.indexOf('.');
                if (dot > 0 && rest.substring(0, dot).matches("\\d+")) {
                    byIndex.computeIfAbsent(Integer.valueOf(rest.substring(0, dot)), i -> new LinkedHashMap<>())
                            .put(rest.substring(dot + 1), v);
                }
            }
        });
        return new ArrayList<>(byIndex.values());
    }
}
