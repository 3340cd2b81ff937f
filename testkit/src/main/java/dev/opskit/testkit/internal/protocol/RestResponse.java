package dev.opskit.testkit.internal.protocol;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A restJson1 answer: status, headers (members bound to headers, e.g. Lambda's
 * {@code X-Amz-Function-Error}) and body bytes with their content type.
 *
 * @param status the HTTP status, e.g. 200, 201 or 204
 * @param headers response headers
 * @param contentType the body's content type, or {@code null} for none
 * @param body the body (empty for none)
 */
public record RestResponse(int status, Map<String, String> headers, String contentType, byte[] body) {
    private static final String JSON_TYPE = "application/json";

    public RestResponse {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** A JSON body (maps, lists, strings, numbers, booleans, as jackson-jr writes them). */
    public static RestResponse json(int status, Object body) {
        try {
            return new RestResponse(status, Map.of(), JSON_TYPE,
                    JSON.std.asString(body == null ? Map.of() : body).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a response body as JSON", e);
        }
    }

    /** 200 with a JSON body. */
    public static RestResponse ok(Object body) {
        return json(200, body);
    }

    /** A response without a body, e.g. 204. */
    public static RestResponse empty(int status) {
        return new RestResponse(status, Map.of(), null, new byte[0]);
    }

    /** Raw bytes, e.g. an invocation's payload. */
    public static RestResponse bytes(int status, String contentType, byte[] body) {
        return new RestResponse(status, Map.of(), contentType, body);
    }

    /** A copy with one more header. */
    public RestResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new RestResponse(status, h, contentType, body);
    }
}
