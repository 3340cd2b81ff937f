package dev.opskit.testkit.internal.protocol;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One decoded awsJson request (SSM, ECR): the operation from {@code X-Amz-Target}, the JSON body
 * as maps and lists, and who and where, as in {@link QueryRequest}.
 */
public record JsonRequest(String service, String operation, Map<String, Object> body,
        String accountId, String region, String accessKeyId, String requestId, Instant receivedAt) {

    public JsonRequest {
        body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    /** A string member or null; {@code SerializationException} if it is not a string. */
    public String string(String name) {
        Object v = body.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw AwsError.badRequest("SerializationException",
                "Member " + name + " must be a string, got " + v.getClass().getSimpleName());
    }

    /** A string member; {@code ValidationException} when absent. */
    public String require(String name) {
        String v = string(name);
        if (v == null) {
            throw AwsError.badRequest("ValidationException", "1 validation error detected: Value null at '"
                    + Character.toLowerCase(name.charAt(0)) + name.substring(1)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return v;
    }

    /** A number member as a long, or null. */
    public Long number(String name) {
        Object v = body.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw AwsError.badRequest("SerializationException", "Member " + name + " must be a number, got " + v);
    }

    /** A list member, or an empty list. */
    @SuppressWarnings("unchecked")
    public List<Object> list(String name) {
        Object v = body.get(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw AwsError.badRequest("SerializationException", "Member " + name + " must be a list, got " + v);
    }
}
