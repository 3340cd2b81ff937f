package dev.opskit.lambda;

import dev.opskit.core.OpsException;

/**
 * The deploy's smoke test invoked the function and it answered with a function error: the new
 * version is published and the alias moved, but the function does not work. Deploy a fixed image
 * (the alias then moves on), or move the alias back by hand.
 */
public class SmokeTestException extends OpsException {
    private static final long serialVersionUID = 1L;

    private final String functionError;
    private final String payload;
    private final String logTail;
    private final String executedVersion;

    /**
     * @param function the function name
     * @param qualifier the alias or version invoked
     * @param executedVersion the version that ran
     * @param functionError Lambda's FunctionError, e.g. {@code Unhandled}
     * @param payload the error document
     * @param logTail the last 4 KB of the invocation's log
     */
    public SmokeTestException(String function, String qualifier, String executedVersion, String functionError,
            String payload, String logTail) {
        super("The smoke test of " + function + ":" + qualifier + " (version " + executedVersion + ") failed with "
                + functionError + ": " + (payload.length() > 500 ? payload.substring(0, 500) + "..." : payload)
                + "; see logTail() for the function's log", function, "FunctionError " + functionError, null);
        this.functionError = functionError;
        this.payload = payload;
        this.logTail = logTail;
        this.executedVersion = executedVersion;
    }

    /** @return Lambda's FunctionError, e.g. {@code Unhandled} */
    public String functionError() {
        return functionError;
    }

    /** @return the error document the function answered */
    public String payload() {
        return payload;
    }

    /** @return the last 4 KB of the invocation's log */
    public String logTail() {
        return logTail;
    }

    /** @return the version that ran */
    public String executedVersion() {
        return executedVersion;
    }
}
