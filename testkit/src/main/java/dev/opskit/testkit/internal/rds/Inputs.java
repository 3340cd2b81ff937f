package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.QueryRequest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** RDS's rules for identifiers, paging markers, filters and timestamps, with its error messages. */
final class Inputs {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9-]*");
    /** Tag keys and values, as the model documents them. */
    private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    private Inputs() {
    }

    /** A resource identifier (1-63 characters, RDS rules), stored lower case. */
    static String identifier(String parameter, String value) {
        return name(parameter, value, 63);
    }

    /** A parameter group or snapshot name (1-255 characters, same rules). */
    static String name(String parameter, String value, int maxLength) {
        if (value.length() > maxLength || !IDENTIFIER.matcher(value).matches() || value.endsWith("-")
                || value.contains("--")) {
            throw AwsError.invalidParameterValue("The parameter " + parameter + " is not a valid identifier. "
                    + "Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; "
                    + "and must not end with a hyphen or contain two consecutive hyphens.");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** An identifier used to look a resource up: lower case, and the last part of an ARN. */
    static String lookup(String value) {
        if (value == null) {
            return null;
        }
        if (value.startsWith("arn:")) {
            value = value.substring(value.lastIndexOf(':') + 1);
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /**
     * {@code Tags.Tag.N.Key} / {@code .Value} as key to value (a later duplicate key wins), with
     * RDS's rules: key 1-128 characters, value at most 256, neither starting with {@code aws:} or
     * {@code rds:}, only letters, digits, white space and {@code _ . : / = + - @}; at most 50 tags.
     */
    static Map<String, String> tags(QueryRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, String> t : r.structs("Tags.Tag")) {
            String key = t.get("Key");
            String value = t.getOrDefault("Value", "");
            if (key == null || key.isEmpty() || key.length() > 128 || !TAG_TEXT.matcher(key).matches()) {
                throw AwsError.invalidParameterValue("Invalid tag key: " + key + ". A tag key has 1 to 128 Unicode "
                        + "letters, digits, white space or _ . : / = + - @.");
            }
            if (value.length() > 256 || !TAG_TEXT.matcher(value).matches()) {
                throw AwsError.invalidParameterValue("Invalid tag value for key " + key + ". A tag value has at most "
                        + "256 Unicode letters, digits, white space or _ . : / = + - @.");
            }
            if (reservedTagPrefix(key) || reservedTagPrefix(value)) {
                throw AwsError.invalidParameterValue("Tag keys and values cannot start with aws: or rds: (key "
                        + key + ").");
            }
            out.put(key, value);
        }
        if (out.size() > 50) {
            throw AwsError.invalidParameterValue("A resource can have at most 50 tags; the request has "
                    + out.size() + ".");
        }
        return out;
    }

    private static boolean reservedTagPrefix(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.startsWith("aws:") || lower.startsWith("rds:");
    }

    /**
     * The filters a Describe call accepts, in the order RDS lists them: each names the attribute of
     * a resource it compares with its values (case-insensitively). An attribute that is null (such
     * as {@code domain}, which LocalAws has none of) matches no value.
     */
    static final class Filters<T> {
        private final Map<String, Function<T, String>> attributes = new LinkedHashMap<>();

        static <T> Filters<T> on(String name, Function<T, String> attribute) {
            return new Filters<T>().and(name, attribute);
        }

        Filters<T> and(String name, Function<T, String> attribute) {
            attributes.put(name, attribute);
            return this;
        }
    }

    /**
     * {@code Filters.Filter.N.Name} / {@code .Values.Value.M} of a request, checked against the
     * accepted names, as a test of a resource: it passes every filter the request gives.
     */
    static <T> Predicate<T> filter(QueryRequest r, Filters<T> accepted) {
        List<String> allowed = List.copyOf(accepted.attributes.keySet());
        Map<String, List<String>> given = new LinkedHashMap<>();
        for (Map<String, String> f : r.structs("Filters.Filter")) {
            String name = f.get("Name");
            if (name == null || name.isEmpty()) {
                throw AwsError.missingParameter("Filters.Filter.Name");
            }
            if (!allowed.contains(name)) {
                throw AwsError.invalidParameterValue("Unrecognized filter name: " + name + ". Supported filters: "
                        + String.join(", ", allowed));
            }
            java.util.TreeMap<Integer, String> values = new java.util.TreeMap<>();
            f.forEach((k, v) -> {
                if (k.startsWith("Values.Value.")) {
                    values.put(Integer.valueOf(k.substring("Values.Value.".length())), v);
                }
            });
            if (values.isEmpty()) {
                throw AwsError.invalidParameterValue("Filter " + name + " must have at least one value");
            }
            given.put(name, values.values().stream().map(Inputs::lookup).toList());
        }
        return resource -> given.entrySet().stream().allMatch(e -> {
            String value = accepted.attributes.get(e.getKey()).apply(resource);
            return value != null && e.getValue().contains(value.toLowerCase(Locale.ROOT));
        });
    }

    /** One page of a list, as RDS pages: MaxRecords 20-100 (default 100) and an opaque Marker. */
    record Page<T>(List<T> items, String marker) {
    }

    static <T> Page<T> page(QueryRequest r, List<T> all) {
        Integer max = r.integer("MaxRecords");
        if (max == null) {
            max = 100;
        }
        if (max < 20 || max > 100) {
            throw AwsError.invalidParameterValue("Invalid value " + max + " for MaxRecords. Must be between 20 and 100");
        }
        int start = 0;
        String marker = r.string("Marker");
        if (marker != null && !marker.isEmpty()) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
                if (!decoded.startsWith("offset:")) {
                    throw new IllegalArgumentException(decoded);
                }
                start = Integer.parseInt(decoded.substring("offset:".length()));
            } catch (IllegalArgumentException e) {
                throw AwsError.invalidParameterValue("The marker " + marker
                        + " is not valid; pass the Marker returned by the previous call unchanged");
            }
        }
        int from = Math.min(start, all.size());
        int to = Math.min(from + max, all.size());
        String next = to < all.size()
                ? Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(("offset:" + to).getBytes(StandardCharsets.UTF_8))
                : null;
        return new Page<>(List.copyOf(all.subList(from, to)), next);
    }

    /** An ISO-8601 timestamp parameter, or null. */
    static Instant timestamp(QueryRequest r, String name) {
        String v = r.string(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return Instant.ofEpochMilli(Math.round(Double.parseDouble(v) * 1000));
                } catch (NumberFormatException e3) {
                    throw AwsError.invalidParameterValue("Invalid value for " + name + ": " + v
                            + ". Pass an ISO-8601 timestamp such as 2024-01-31T12:00:00Z");
                }
            }
        }
    }

    /** A whole-number parameter, or null when absent or empty. */
    static Long longValue(QueryRequest r, String name) {
        String v = r.string(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw AwsError.invalidParameterValue("Invalid value for " + name + ": " + v + ". Pass a whole number.");
        }
    }

    static boolean flag(QueryRequest r, String name) {
        Boolean b = r.bool(name);
        return b != null && b;
    }
}
