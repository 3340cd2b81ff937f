package dev.opskit.testkit.internal.server;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as received: method, raw path and query, headers by lower-case name (each
 * header line kept as one value), and the whole body.
 */
public record IncomingRequest(String method, String rawPath, String rawQuery,
        Map<String, List<String>> headers, byte[] body) {

    public IncomingRequest {
        TreeMap<String, List<String>> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new java.util.ArrayList<>())
                .addAll(v));
        lower.replaceAll((k, v) -> List.copyOf(v));
        headers = java.util.Collections.unmodifiableMap(lower);
        rawPath = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
