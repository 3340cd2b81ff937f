package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.lambda.SmokeTestException;
import dev.opskit.lambda.event.SmokeTested;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;

/**
 * Invokes the alias (or the version) once with the smoke test's event; a function error fails
 * the deploy with the error document and the log tail. Nothing is changed by it, so it runs on
 * every run.
 */
final class SmokeTestStep implements Step {
    private final DeployRun run;

    SmokeTestStep(DeployRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "smoke test";
    }

    private String qualifier(RunContext ctx) {
        return run.spec.alias() != null ? run.spec.alias() : ctx.get(DeployRun.VERSION).orElse("the new version");
    }

    @Override
    public Observation observe(RunContext ctx) {
        return Observation.change("a smoke test runs on every deploy", "invoke " + run.spec.name() + ":"
                + qualifier(ctx) + " with " + run.spec.smokePayload() + " and expect no function error");
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        String qualifier = qualifier(ctx);
        Instant t0 = ctx.clock().instant();
        InvokeResponse r = run.lambda.invoke(i -> i.functionName(run.spec.name()).qualifier(qualifier)
                .logType(LogType.TAIL).payload(SdkBytes.fromUtf8String(run.spec.smokePayload())));
        Duration took = Duration.between(t0, ctx.clock().instant());
        String tail = r.logResult() == null ? "" : new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
        String payload = r.payload() == null ? "" : r.payload().asUtf8String();
        DeployRun.SmokeResult result = new DeployRun.SmokeResult(r.executedVersion(), r.functionError(), payload, tail, took);
        run.remember(ctx, DeployRun.SMOKE, result);
        ctx.events().publish(new SmokeTested(ctx.clock().instant(), ctx.runbookId(), ctx.step(), run.spec.name(),
                qualifier, r.executedVersion(), r.functionError(), took));
        if (r.functionError() != null) {
            throw new SmokeTestException(run.spec.name(), qualifier, r.executedVersion(), r.functionError(), payload, tail);
        }
        return "invoked " + run.spec.name() + ":" + qualifier + " (version " + r.executedVersion() + ") in "
                + took.toMillis() + " ms";
    }
}
