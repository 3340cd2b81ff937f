package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Backoff;
import dev.opskit.core.RunContext;
import dev.opskit.core.Waiter;
import dev.opskit.lambda.event.FunctionChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.ImageConfig;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.State;

/** What the steps of one deploy share: the wanted function, the clients, and the checks and waits. */
public final class DeployRun {
    /** The image pinned by digest, found by the image check. */
    public static final RunContext.Key<String> IMAGE = RunContext.Key.of("imageUri", String.class);
    /** The published version the alias should point at. */
    public static final RunContext.Key<String> VERSION = RunContext.Key.of("version", String.class);
    /** The smoke test's result. */
    public static final RunContext.Key<SmokeResult> SMOKE = RunContext.Key.of("smokeTest", SmokeResult.class);

    final FunctionSpec spec;
    final AwsContext aws;
    final LambdaClient lambda;

    private final Map<RunContext.Key<?>, Object> results = new java.util.concurrent.ConcurrentHashMap<>();

    public DeployRun(FunctionSpec spec, AwsContext aws) {
        this.spec = spec;
        this.aws = aws;
        this.lambda = aws.client(LambdaClient.class, LambdaClient::builder);
    }

    /**
     * What the smoke test saw.
     *
     * @param executedVersion the version that ran
     * @param functionError null, or Lambda's FunctionError
     * @param payload the response
     * @param logTail the last 4 KB of the log
     * @param took the round trip
     */
    public record SmokeResult(String executedVersion, String functionError, String payload, String logTail, Duration took) {
    }

    /** Puts a fact for later steps and keeps it for the caller. */
    <T> void remember(RunContext ctx, RunContext.Key<T> key, T value) {
        ctx.put(key, value);
        results.put(key, value);
    }

    /** A fact a step of the last run found. */
    public <T> Optional<T> result(RunContext.Key<T> key) {
        return Optional.ofNullable(results.get(key)).map(key.type()::cast);
    }

    /** @return the function's ARN */
    public String functionArn() {
        return configuration().functionArn();
    }

    /** The function's $LATEST configuration. */
    FunctionConfiguration configuration() {
        return lambda.getFunction(r -> r.functionName(spec.name())).configuration();
    }

    Optional<GetFunctionResponse> current() {
        try {
            return Optional.of(lambda.getFunction(r -> r.functionName(spec.name())));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The image's digest as Lambda records it (hex, no prefix). */
    static String codeSha(String pinnedUri) {
        return pinnedUri.substring(pinnedUri.indexOf("@sha256:") + "@sha256:".length());
    }

    /** The differences between the function's configuration and the wanted one, in prose. */
    List<String> configurationDifferences(FunctionConfiguration c) {
        List<String> out = new ArrayList<>();
        if (!spec.role().equals(c.role())) {
            out.add("role " + c.role() + " -> " + spec.role());
        }
        if (c.memorySize() == null || spec.memory() != c.memorySize()) {
            out.add("memory " + c.memorySize() + " MB -> " + spec.memory() + " MB");
        }
        if (c.timeout() == null || spec.timeout() != c.timeout()) {
            out.add("timeout " + c.timeout() + " s -> " + spec.timeout() + " s");
        }
        Map<String, String> env = c.environment() == null || c.environment().variables() == null ? Map.of()
                : c.environment().variables();
        if (!spec.env().equals(env)) {
            out.add("environment " + env.keySet() + " -> " + spec.env().keySet());
        }
        ImageConfig ic = c.imageConfigResponse() == null ? null : c.imageConfigResponse().imageConfig();
        if (spec.entrypoint() != null && (ic == null || !spec.entrypoint().equals(ic.entryPoint()))) {
            out.add("entrypoint -> " + spec.entrypoint());
        }
        if (spec.command() != null && (ic == null || !spec.command().equals(ic.command()))) {
            out.add("command -> " + spec.command());
        }
        if (spec.workdir() != null && (ic == null || !spec.workdir().equals(ic.workingDirectory()))) {
            out.add("working directory -> " + spec.workdir());
        }
        if (spec.description() != null && !Objects.equals(spec.description(), c.description())) {
            out.add("description");
        }
        return out;
    }

    ImageConfig imageConfig() {
        if (spec.entrypoint() == null && spec.command() == null && spec.workdir() == null) {
            return null;
        }
        return ImageConfig.builder().entryPoint(spec.entrypoint()).command(spec.command())
                .workingDirectory(spec.workdir()).build();
    }

    /**
     * Waits until Lambda has finished with the function: State Active and LastUpdateStatus
     * Successful; fails at once on Failed with the reason code.
     */
    FunctionConfiguration awaitSettled(RunContext ctx) {
        return Waiter.forResource("Lambda function " + spec.name())
                .waitingFor("State Active and LastUpdateStatus Successful")
                .poll(this::configuration)
                .state(c -> "State " + c.stateAsString() + ", LastUpdateStatus " + c.lastUpdateStatusAsString())
                // A Failed function being updated stays Failed until the update ends.
                .retryWhen(c -> c.state() == State.PENDING || c.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS)
                .failWhen(c -> c.state() == State.FAILED, c -> "the function failed: " + c.stateReasonCodeAsString()
                        + ": " + c.stateReason() + "; fix the cause and deploy again")
                .failWhen(c -> c.lastUpdateStatus() == LastUpdateStatus.FAILED, c -> "the last update failed: "
                        + c.lastUpdateStatusReasonCodeAsString() + ": " + c.lastUpdateStatusReason()
                        + "; the function still runs its previous code; fix the cause and deploy again")
                .succeedWhen(c -> c.state() == State.ACTIVE && c.lastUpdateStatus() == LastUpdateStatus.SUCCESSFUL)
                .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(5)))
                .deadline(spec.deadline())
                .clock(ctx.clock())
                .events(ctx)
                .await();
    }

    void changed(RunContext ctx, String change, String detail) {
        ctx.events().publish(new FunctionChanged(ctx.clock().instant(), ctx.runbookId(), ctx.step(), spec.name(),
                change, detail));
    }

    /** The pinned image the check found, or (in a plan that could not check) the one given. */
    String image(RunContext ctx) {
        return ctx.get(IMAGE).orElse(spec.image());
    }
}
