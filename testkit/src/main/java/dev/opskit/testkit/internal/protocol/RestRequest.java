package dev.opskit.testkit.internal.protocol;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One decoded restJson1 request: the operation its route names, the path variables, the query
 * parameters and headers (by lower-case name), the raw body, and who and where. For an unsigned
 * request {@code accountId}, {@code region} and {@code accessKeyId} are {@code null}: such
 * services find the caller from the request itself (a bearer token).
 */
public record RestRequest(String service, String operation, String method, String path,
        Map<String, String> pathParams, Map<String, List<String>> query, Map<String, List<String>> headers,
        byte[] body, String accountId, String region, String accessKeyId, String requestId, Instant receivedAt) {

    public RestRequest {
        pathParams = Map.copyOf(pathParams);
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    /** A path variable; {@code null} if the route has none of that name. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The body as a JSON request object (an empty body is an empty object), read like an awsJson
     * body: {@link JsonRequest#require}, {@link JsonRequest#number}, ...
     *
     * @throws AwsError {@code SerializationException} if the body is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public JsonRequest json() {
        Map<String, Object> map = Map.of();
        if (body.length > 0) {
            Object parsed;
            try {
                parsed = JSON.std.anyFrom(body);
            } catch (IOException e) {
                throw AwsError.badRequest("SerializationException", "The request body is not valid JSON: "
                        + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> m)) {
                throw AwsError.badRequest("SerializationException", "The request body must be a JSON object");
            }
            map = (Map<String, Object>) m;
        }
        return new JsonRequest(service, operation, map, accountId, region, accessKeyId, requestId, receivedAt);
    }
}
