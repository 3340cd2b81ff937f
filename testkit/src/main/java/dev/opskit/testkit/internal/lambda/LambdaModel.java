package dev.opskit.testkit.internal.lambda;

import dev.opskit.testkit.internal.ecr.EcrService.ResolvedImage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The state of LocalAws's Lambda: functions per account and region, each with its unpublished
 * {@code $LATEST}, its published versions and its aliases. Mutated only under the
 * {@link LambdaService}'s lock.
 */
final class LambdaModel {
    private LambdaModel() {
    }

    /**
     * What a version runs: the image (pinned by digest when it was set, as Lambda does) and the
     * configuration. Immutable; an update makes a new one.
     */
    record Code(ResolvedImage image, String role, int memory, int timeout, Map<String, String> environment,
            List<String> entryPoint, List<String> command, String workingDirectory, String architecture,
            String description, int ephemeralStorage) {
        Code {
            environment = Map.copyOf(environment);
            entryPoint = entryPoint == null ? null : List.copyOf(entryPoint);
            command = command == null ? null : List.copyOf(command);
        }

        String codeSha256() {
            return image.image().digest().substring("sha256:".length());
        }

        /** Whether publishing this after {@code other} would make no new version. */
        boolean sameAs(Code other) {
            return other != null && codeSha256().equals(other.codeSha256()) && role.equals(other.role)
                    && memory == other.memory && timeout == other.timeout && environment.equals(other.environment)
                    && Objects.equals(entryPoint, other.entryPoint) && Objects.equals(command, other.command)
                    && Objects.equals(workingDirectory, other.workingDirectory)
                    && architecture.equals(other.architecture) && Objects.equals(description, other.description)
                    && ephemeralStorage == other.ephemeralStorage;
        }
    }

    /** One function of an account in a region. */
    static final class Function {
        final String accountId;
        final String region;
        final String name;
        final String arn;
        /** $LATEST as described: the last requested code and configuration. */
        Code latest;
        /** What invocations of $LATEST run: the previous code until an update succeeds. */
        Code running;
        String state = "Pending";
        String stateReason = "The function is being created.";
        String stateReasonCode = "Creating";
        String lastUpdateStatus = "InProgress";
        String lastUpdateStatusReason = "The function is being created.";
        String lastUpdateStatusReasonCode = "Creating";
        Instant lastModified;
        String revisionId;
        final Map<String, Version> versions = new TreeMap<>((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        long lastVersion;
        final Map<String, Alias> aliases = new TreeMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        /** Bumped by every change of $LATEST, so that a late transition of an old one does nothing. */
        long generation;

        Function(String accountId, String region, String name) {
            this.accountId = accountId;
            this.region = region;
            this.name = name;
            this.arn = "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
        }
    }

    /** A published version: a snapshot of $LATEST. */
    record Version(String number, Code code, Instant lastModified, String revisionId) {
    }

    /** An alias pointing at a version. */
    static final class Alias {
        final String name;
        String version;
        String description;
        String revisionId;

        Alias(String name) {
            this.name = name;
        }
    }
}
