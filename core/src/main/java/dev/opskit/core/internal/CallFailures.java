package dev.opskit.core.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * Why AWS calls finally failed, by the exception the SDK threw: which service and operation,
 * after how many attempts and how long, and why retries ended. SDK exceptions say none of that;
 * runbook failures look it up here to name the operation. Entries go when their exception does.
 */
public final class CallFailures {
    private static final Map<Throwable, Failure> FAILURES = Collections.synchronizedMap(new WeakHashMap<>());

    private CallFailures() {
    }

    /**
     * @param service the SDK's service name, e.g. {@code RDS}
     * @param operation e.g. {@code DescribeDBClusters}
     * @param attempts attempts made, the failed one included
     * @param elapsed from the first attempt to the end
     * @param why why no further attempt was made
     */
    public record Failure(String service, String operation, int attempts, Duration elapsed, String why) {
        /** @return e.g. "RDS DescribeDBClusters failed after 12 attempts in 30 s: its next attempt would ..." */
        public String describe() {
            return service + " " + operation + " failed after " + attempts + (attempts == 1 ? " attempt" : " attempts")
                    + " in " + Durations.human(elapsed) + "; not retried because " + why;
        }
    }

    static void record(Throwable failure, Failure why) {
        if (failure != null) {
            FAILURES.put(failure, why);
        }
    }

    /** @return why the call behind this exception (or one of its causes) failed, if recorded */
    public static Optional<Failure> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Failure f = FAILURES.get(t);
            if (f != null) {
                return Optional.of(f);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
