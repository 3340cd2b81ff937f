package dev.opskit.testkit.internal.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered to the client in the service's wire format, with the real error code and
 * HTTP status (e.g. {@code DBClusterNotFoundFault}, 404). Thrown by service handlers.
 */
public final class AwsError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final int httpStatus;
    private final boolean senderFault;
    private final Map<String, Object> fields;

    public AwsError(String code, int httpStatus, boolean senderFault, String message) {
        this(code, httpStatus, senderFault, message, Map.of());
    }

    private AwsError(String code, int httpStatus, boolean senderFault, String message, Map<String, Object> fields) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
        this.senderFault = senderFault;
        this.fields = Map.copyOf(fields);
    }

    /**
     * A copy whose JSON error body carries one more member (modelled error members such as
     * Lambda's {@code Type} or SSO-OIDC's {@code error} and {@code error_description}).
     */
    public AwsError withField(String name, Object value) {
        Map<String, Object> f = new LinkedHashMap<>(fields);
        f.put(name, value);
        return new AwsError(code, httpStatus, senderFault, getMessage(), f);
    }

    /** Further members of a JSON error body. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** A 400 sender fault, the most common kind. */
    public static AwsError badRequest(String code, String message) {
        return new AwsError(code, 400, true, message);
    }

    /** A 404 sender fault (RDS uses it for *NotFound faults). */
    public static AwsError notFound(String code, String message) {
        return new AwsError(code, 404, true, message);
    }

    /** {@code InvalidParameterValue}, 400. */
    public static AwsError invalidParameterValue(String message) {
        return badRequest("InvalidParameterValue", message);
    }

    /** {@code InvalidParameterCombination}, 400. */
    public static AwsError invalidParameterCombination(String message) {
        return badRequest("InvalidParameterCombination", message);
    }

    /** {@code MissingParameter}, 400. */
    public static AwsError missingParameter(String name) {
        return badRequest("MissingParameter",
                "The request must contain the parameter " + name);
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean senderFault() {
        return senderFault;
    }
}
