package dev.opskit.ssm.internal;

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
     * Runs one SSM call.
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
        } catch (DoesNotExistException e) {
            throw new ResourceNotFoundException("maintenance window resource", resource,
                    "SSM says: " + message(e) + " (while trying to " + what + "); check the name and the AwsContext's "
                            + "account and region", e);
        } catch (ResourceLimitExceededException e) {
            throw new ConflictException(resource, "SSM refused to " + what + ": " + message(e)
                    + "; delete unused windows, targets or tasks, or ask AWS for a higher quota");
        } catch (SsmException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            if ("ValidationException".equals(code)) {
                throw new InvalidInputException(what, resource, "SSM rejected it: " + message(e));
            }
            throw new OpsException("SSM failed to " + what + " (" + code + "): " + message(e)
                    + "; check the credentials' permissions and retry", resource, null, e);
        }
    }

    private static String message(SsmException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
    }
}
