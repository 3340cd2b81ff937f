package dev.opskit.testkit.internal.server;

import dev.opskit.testkit.internal.protocol.AwsError;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body or a query string, decoded: {@code +} and
 * {@code %20} are spaces, every value of a repeated key is kept in order.
 */
public record FormData(Map<String, List<String>> values) {

    public FormData {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        values = Collections.unmodifiableMap(copy);
    }

    /**
     * @param encoded the raw text, may be null or empty
     * @throws AwsError {@code MalformedQueryString} (400) on a broken percent-escape
     */
    public static FormData parse(String encoded) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String pair : encoded.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return new FormData(values);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw AwsError.badRequest("MalformedQueryString",
                    "The form body or query string has a broken percent-escape near '" + s + "'");
        }
    }

    /**
     * One value per name, as awsQuery expects. The same value sent twice collapses; two
     * different values for one name are rejected, since AWS would act on only one of them.
     *
     * @throws AwsError {@code InvalidParameterValue} for a name with differing values
     */
    public Map<String, String> singleValues() {
        Map<String, String> single = new LinkedHashMap<>();
        values.forEach((name, list) -> {
            if (list.stream().distinct().count() > 1) {
                throw AwsError.invalidParameterValue("Parameter " + name + " was sent " + list.size()
                        + " times with different values " + list + "; send it once");
            }
            single.put(name, list.get(0));
        });
        return single;
    }

    /** Both forms merged, this one's values first. */
    public FormData merge(FormData other) {
        Map<String, List<String>> merged = new LinkedHashMap<>();
        values.forEach((k, v) -> merged.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        other.values.forEach((k, v) -> merged.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        return new FormData(merged);
    }
}
