package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opskit.core.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real AWS CLI v2 run against a LocalAws endpoint with one set of credentials, and nothing
 * from the machine's own AWS configuration.
 *
 * <pre>{@code
 * AwsCli cli = AwsCli.against(aws);
 * String identity = cli.ok("sts", "get-caller-identity");
 * }</pre>
 */
final class AwsCli {
    static final Path AWS_CLI = Path.of("/usr/bin/aws");
    private static final long TIMEOUT_SECONDS = 60;

    private final URI endpoint;
    private final String accessKeyId;
    private final Secret secretAccessKey;
    private final String region;

    private AwsCli(URI endpoint, String accessKeyId, Secret secretAccessKey, String region) {
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.region = region;
    }

    /** What one CLI run answered. */
    record Result(int exit, String out, String err) {
    }

    /** Skips the calling test when the CLI is not installed. */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(AWS_CLI), "the AWS CLI is not installed at " + AWS_CLI);
    }

    /**
     * Skips a test class that needs the CLI when it is not installed, before any of its extensions
     * (such as its LocalAws) start: {@code @ExtendWith(AwsCli.Installed.class)}.
     */
    static final class Installed implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return Files.isExecutable(AWS_CLI) ? ConditionEvaluationResult.enabled("the AWS CLI is at " + AWS_CLI)
                    : ConditionEvaluationResult.disabled("the AWS CLI is not installed at " + AWS_CLI);
        }
    }

    /** The CLI signing as LocalAws's default account in its default region. */
    static AwsCli against(LocalAws aws) {
        return against(aws, aws.defaultAccount());
    }

    /** The CLI signing as {@code account} in LocalAws's default region. */
    static AwsCli against(LocalAws aws, LocalAccount account) {
        return of(aws.endpoint(), account.accessKeyId(), account.secretAccessKey(), LocalAws.DEFAULT_REGION);
    }

    /** The CLI signing with any key pair (a wrong secret included) in {@code region}. */
    static AwsCli of(URI endpoint, String accessKeyId, Secret secretAccessKey, String region) {
        return new AwsCli(endpoint, accessKeyId, secretAccessKey, region);
    }

    /** Runs {@code aws --endpoint-url <endpoint> --output json <args>}; fails the test if it hangs. */
    Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(AWS_CLI.toString(), "--endpoint-url", endpoint.toString(),
                "--output", "json"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        // Only these credentials and settings: the machine's profiles and metadata service stay out.
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey.reveal());
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_PAGER", "");
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        // A failing call should fail at once, not after the CLI's retries.
        env.put("AWS_MAX_ATTEMPTS", "1");
        // Files, not pipes: a large stderr cannot block the CLI while stdout is read.
        Path out = Files.createTempFile("aws-cli-out", ".txt");
        Path err = Files.createTempFile("aws-cli-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("aws " + String.join(" ", args) + " did not finish in "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs the CLI, asserts it exits 0 (showing its stderr otherwise) and returns its stdout. */
    String ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.err()).isZero();
        return r.out();
    }
}
