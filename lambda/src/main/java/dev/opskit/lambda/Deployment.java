package dev.opskit.lambda;

import dev.opskit.core.RunbookOutcome;
import java.time.Duration;
import java.util.Objects;

/**
 * What a deploy did and left.
 *
 * @param function the function name
 * @param functionArn its ARN
 * @param imageUri the image it runs, pinned by digest
 * @param version the published version with that image and configuration
 * @param alias the alias pointing at it, or null
 * @param smokeTest the smoke test's invocation, or null if none was asked for
 * @param outcome what each step did
 */
public record Deployment(String function, String functionArn, String imageUri, String version, String alias,
        SmokeTest smokeTest, RunbookOutcome outcome) {
    /** Checks the parts. */
    public Deployment {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(version, "version");
    }

    /**
     * The smoke test's invocation.
     *
     * @param executedVersion the version that ran
     * @param response what the function answered
     * @param logTail the last 4 KB of the invocation's log (START, the function's output, END, REPORT)
     * @param took the invocation's round trip
     */
    public record SmokeTest(String executedVersion, String response, String logTail, Duration took) {
    }
}
