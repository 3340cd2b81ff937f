package dev.opskit.testkit.internal.ssm;

import static dev.opskit.testkit.internal.ssm.SsmErrors.validation;

import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.ssm.SsmModel.Scope;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * SSM's rules for request members, the counterpart of RDS's {@code Inputs}: names, ids and
 * patterns, targets, dates, numbers, paging and client tokens, each failing with the
 * {@code ValidationException} message SSM gives.
 */
final class SsmInputs {
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_\\-.]{3,128}$");
    private static final Pattern INSTANCE_ID = Pattern.compile("^(i-[0-9a-f]{8}|i-[0-9a-f]{17}|mi-[0-9a-f]{17})$");

    private SsmInputs() {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> targets(JsonRequest r, boolean required, Set<String> keys,
            boolean tagsAllowed) {
        List<Object> raw = r.list("Targets");
        if (raw.isEmpty() && required) {
            throw validation("Value null at 'targets' failed to satisfy constraint: Member must not be null");
        }
        if (raw.size() > 5) {
            throw validation("Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 5");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : raw) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("Key") instanceof String key) || !(m.get("Values") instanceof List<?> values)) {
                throw validation("Each target needs a Key and a list of Values, e.g. Key=InstanceIds,Values=i-0123456789abcdef0");
            }
            boolean tag = key.startsWith("tag:") || key.equals("tag-key") || key.startsWith("resource-groups:");
            if (!keys.contains(key) && !(tagsAllowed && tag)) {
                throw validation("Target key '" + key + "' is not supported here; use " + keys
                        + (tagsAllowed ? " or tag:<key>" : ""));
            }
            if (key.equals("InstanceIds")) {
                for (Object v : values) {
                    if (!INSTANCE_ID.matcher(String.valueOf(v)).matches()) {
                        throw validation("Invalid instance id '" + v + "': an instance id is i- and 8 or 17 hex digits");
                    }
                }
            }
            out.add(Map.of("Key", key, "Values", List.copyOf((List<Object>) values)));
        }
        return List.copyOf(out);
    }

    /**
     * Creates something once per client token: a retry with the same token and the same request
     * answers the id the first call created, as SSM does.
     */
    static Map<String, Object> createOnce(Scope s, JsonRequest r, String idMember, Supplier<String> create) {
        String token = r.string("ClientToken");
        if (token == null) {
            return Map.of(idMember, create.get());
        }
        if (s.tokens.containsKey(token)) {
            return Map.of(idMember, replay(s, token, r));
        }
        String id = create.get();
        s.tokens.put(token, Map.entry(id, withoutToken(r.body())));
        return Map.of(idMember, id);
    }

    private static String replay(Scope s, String token, JsonRequest r) {
        Map.Entry<String, Map<String, Object>> prior = s.tokens.get(token);
        if (!prior.getValue().equals(withoutToken(r.body()))) {
            throw SsmErrors.of(SsmErrors.IDEMPOTENT_PARAMETER_MISMATCH, "Error while calling " + r.operation()
                    + ": the client token " + token + " was used before with different parameters");
        }
        return prior.getKey();
    }

    private static Map<String, Object> withoutToken(Map<String, Object> body) {
        Map<String, Object> m = new LinkedHashMap<>(body);
        m.remove("ClientToken");
        return m;
    }

    static String validName(String name, String member) {
        if (!NAME.matcher(name).matches()) {
            throw validation("Value '" + name + "' at '" + member + "' failed to satisfy constraint: Member must satisfy "
                    + "regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$");
        }
        return name;
    }

    static String matching(String value, Pattern p, String member) {
        if (value != null && !p.matcher(value).matches()) {
            throw validation("Value '" + value + "' at '" + member + "' failed to satisfy constraint: Member must "
                    + "satisfy regular expression pattern: " + p.pattern());
        }
        return value;
    }

    static Instant date(String text, String member) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw validation("Invalid " + member + " '" + text + "': use ISO-8601, e.g. 2026-11-26T12:00:00Z");
            }
        }
    }

    static int intRequired(JsonRequest r, String name) {
        Long v = r.number(name);
        if (v == null) {
            throw validation("Value null at '" + Character.toLowerCase(name.charAt(0)) + name.substring(1)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    static Integer intOrNull(JsonRequest r, String name) {
        Long v = r.number(name);
        return v == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    static Object page(JsonRequest r, String member, List<?> all, int min, int max) {
        Long maxResults = r.number("MaxResults");
        if (maxResults != null && (maxResults < min || maxResults > max)) {
            throw validation("Value '" + maxResults + "' at 'maxResults' failed to satisfy constraint: Member must have "
                    + "value less than or equal to " + max + " and greater than or equal to " + min);
        }
        int size = maxResults == null ? max : maxResults.intValue();
        int from = 0;
        String token = r.string("NextToken");
        if (token != null) {
            try {
                from = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                String message = "The NextToken '" + token + "' is not one this service returned";
                // Only DescribeInstanceInformation declares InvalidNextToken; the others validate.
                throw r.operation().equals("DescribeInstanceInformation")
                        ? SsmErrors.of(SsmErrors.INVALID_NEXT_TOKEN, message) : validation(message);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        int to = Math.min(all.size(), from + size);
        m.put(member, from >= all.size() ? List.of() : all.subList(from, to));
        if (to < all.size()) {
            m.put("NextToken", Integer.toString(to));
        }
        return m;
    }
}
