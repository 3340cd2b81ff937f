package dev.opskit.ssm.internal;

import dev.opskit.core.CallRetries;
import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.OpsException;
import dev.opskit.core.ResourceNotFoundException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ssm.model.DoesNotExistException;
import software.amazon.awssdk.services.ssm.model.ResourceLimitExceededException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** Turns SSM's errors into opskit's exceptions that say what to do. */
public final class SsmErrors {
    private SsmErrors() {
    }

    /**
     * Runs one SSM call outside a runbook: every SSM error becomes an {@link OpsException}
     * saying what the call was for.
     *
     * @param what what the call does, for messages, e.g. "update window mw-..."
     * @param resource the resource it is about
     * @param call the call
     * @param <T> its result
     * @return its result
     */
    public static <T> T call(String what, String resource, Supplier<T> call) {
        try {
            return call.get();
        } catch (SsmException e) {
            throw translate(what, resource, e);
        }
    }

    /**
     * Runs one SSM call of a runbook step. Throttling, server errors and connection problems
     * that the call's own retries could not get past are thrown unchanged, so that the runbook
     * retries the step from a fresh observation and, if it still fails, names the operation;
     * every other SSM error becomes an {@link OpsException} as in {@link #call}.
     *
     * @param what what the call does, for messages
     * @param resource the resource it is about
     * @param call the call
     * @param <T> its result
     * @return its result
     */
    public static <T> T inStep(String what, String resource, Supplier<T> call) {
        try {
            return call.get();
        } catch (SsmException e) {
            if (CallRetries.isTransient(e)) {
                throw e;
            }
            throw translate(what, resource, e);
        }
    }

    private static OpsException translate(String what, String resource, SsmException e) {
        if (e instanceof DoesNotExistException) {
            return new ResourceNotFoundException("maintenance window resource", resource,
                    "SSM says: " + message(e) + " (while trying to " + what + "); check the name and the AwsContext's "
                            + "account and region", e);
        }
        if (e instanceof ResourceLimitExceededException) {
            return new ConflictException(resource, "SSM refused to " + what + ": " + message(e)
                    + "; delete unused windows, targets or tasks, or ask AWS for a higher quota");
        }
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        if ("ValidationException".equals(code)) {
            return new InvalidInputException(what, resource, "SSM rejected it: " + message(e));
        }
        return new OpsException("SSM failed to " + what + " (" + code + "): " + message(e)
                + "; check the credentials' permissions and retry", resource, null, e);
    }

    private static String message(SsmException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
    }
}
