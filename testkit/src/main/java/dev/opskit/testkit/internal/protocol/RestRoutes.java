package dev.opskit.testkit.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Matches a request's method and raw path against restJson1 {@link RestJsonService.Route}s. */
public final class RestRoutes {
    private RestRoutes() {
    }

    /**
     * @param route the route that matched
     * @param params its path variables, decoded
     */
    public record Match(RestJsonService.Route route, Map<String, String> params) {
    }

    /**
     * @param routes the routes to try
     * @param method the request's method
     * @param rawPath the request's path, still percent-encoded
     * @param unsignedOnly whether to consider only unsigned routes
     * @return the best match: of the routes that match, the one with the fewest variables
     */
    public static Optional<Match> match(List<RestJsonService.Route> routes, String method, String rawPath,
            boolean unsignedOnly) {
        String[] segments = split(rawPath);
        Match best = null;
        int bestVariables = Integer.MAX_VALUE;
        for (RestJsonService.Route route : routes) {
            if (!route.method().equalsIgnoreCase(method) || (unsignedOnly && !route.unsigned())) {
                continue;
            }
            Map<String, String> params = bind(split(route.template()), segments);
            if (params != null && params.size() < bestVariables) {
                best = new Match(route, params);
                bestVariables = params.size();
            }
        }
        return Optional.ofNullable(best);
    }

    private static Map<String, String> bind(String[] template, String[] path) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            boolean variable = t.startsWith("{") && t.endsWith("}");
            if (variable && t.endsWith("+}") && i == template.length - 1) {
                if (path.length <= i) {
                    return null;
                }
                StringBuilder rest = new StringBuilder();
                for (int j = i; j < path.length; j++) {
                    rest.append(j == i ? "" : "/").append(decode(path[j]));
                }
                params.put(t.substring(1, t.length() - 2), rest.toString());
                return params;
            }
            if (i >= path.length) {
                return null;
            }
            if (variable) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), decode(path[i]));
            } else if (!t.equals(path[i])) {
                return null;
            }
        }
        return template.length == path.length ? params : null;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    /** Percent-decoding of a path segment ({@code +} stays a plus, unlike in forms). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hex = c == '%' && i + 2 < s.length() ? hex(s.charAt(i + 1), s.charAt(i + 2)) : -1;
            if (hex >= 0) {
                out.write(hex);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char hi, char lo) {
        int h = Character.digit(hi, 16);
        int l = Character.digit(lo, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }
}
