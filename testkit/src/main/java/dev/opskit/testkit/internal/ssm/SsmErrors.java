package dev.opskit.testkit.internal.ssm;

import dev.opskit.testkit.internal.protocol.AwsError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every error code LocalAws's SSM answers with, as the SSM model names them, and the factories
 * that build them. Only this class creates SSM errors, so that the model conformance test can
 * check each code against the operations that may answer it.
 */
public final class SsmErrors {
    /** A request that breaks a member constraint; common to every awsJson operation. */
    public static final String VALIDATION = "ValidationException";
    /** A window, target, task, execution or invocation that does not exist. */
    public static final String DOES_NOT_EXIST = "DoesNotExistException";
    /** A quota reached: windows per region, targets or tasks per window. */
    public static final String RESOURCE_LIMIT_EXCEEDED = "ResourceLimitExceededException";
    /** A client token reused with different parameters. */
    public static final String IDEMPOTENT_PARAMETER_MISMATCH = "IdempotentParameterMismatch";
    /** A target deregistered with Safe while a task still refers to it. */
    public static final String TARGET_IN_USE = "TargetInUseException";
    /** No command invocation for that command id and instance. */
    public static final String INVOCATION_DOES_NOT_EXIST = "InvocationDoesNotExist";
    /** A DescribeInstanceInformation NextToken this service did not return. */
    public static final String INVALID_NEXT_TOKEN = "InvalidNextToken";
    /** LocalAws is shutting down. */
    public static final String INTERNAL_SERVER_ERROR = "InternalServerError";
    /** An operation LocalAws does not implement; common to every awsJson service. */
    public static final String UNKNOWN_OPERATION = "UnknownOperationException";

    private SsmErrors() {
    }

    /** An error of the most common kind: a request that breaks a member constraint. */
    static AwsError validation(String message) {
        return of(VALIDATION, message);
    }

    /** A window, target, task, execution or invocation that does not exist. */
    static AwsError doesNotExist(String message) {
        return of(DOES_NOT_EXIST, message);
    }

    /**
     * @param code one of this class's codes, such as {@link #RESOURCE_LIMIT_EXCEEDED}
     * @param message what happened and what to do
     * @return the error, HTTP 400 but for {@link #INTERNAL_SERVER_ERROR} (500)
     */
    static AwsError of(String code, String message) {
        return code.equals(INTERNAL_SERVER_ERROR) ? new AwsError(code, 500, false, message)
                : AwsError.badRequest(code, message);
    }

    /**
     * Checks that every required member is present, before anything else, and names all the
     * missing ones at once as SSM's front end does.
     */
    static void requireMembers(List<String> required, Map<String, Object> body) {
        List<String> violations = new ArrayList<>();
        for (String member : required) {
            if (body.get(member) == null) {
                violations.add("Value null at '" + Character.toLowerCase(member.charAt(0)) + member.substring(1)
                        + "' failed to satisfy constraint: Member must not be null");
            }
        }
        if (!violations.isEmpty()) {
            throw validation(violations.size() + " validation error" + (violations.size() == 1 ? "" : "s")
                    + " detected: " + String.join("; ", violations));
        }
    }
}
