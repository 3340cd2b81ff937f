package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.lambda.event.VersionPublished;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * Publishes a version of the wanted image and configuration, unless one exists: a re-run with the
 * same digest publishes nothing.
 */
final class PublishVersionStep implements Step {
    private final DeployRun run;

    PublishVersionStep(DeployRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "publish version";
    }

    @Override
    public Observation observe(RunContext ctx) {
        Optional<FunctionConfiguration> v = matching(ctx);
        if (v.isPresent()) {
            run.remember(ctx, DeployRun.VERSION, v.get().version());
            return Observation.noChange("version " + v.get().version() + " runs sha256:" + v.get().codeSha256()
                    + " with this configuration");
        }
        return Observation.change("no version runs " + run.image(ctx) + " with this configuration",
                "publish a version");
    }

    /** The newest published version with the wanted code and configuration. */
    private Optional<FunctionConfiguration> matching(RunContext ctx) {
        String sha = DeployRun.codeSha(run.image(ctx));
        FunctionConfiguration best = null;
        try {
            for (FunctionConfiguration c : run.lambda.listVersionsByFunctionPaginator(r -> r.functionName(run.spec.name()))
                    .versions()) {
                if (c.version().equals("$LATEST") || !sha.equals(c.codeSha256())
                        || !run.configurationDifferences(c).isEmpty()) {
                    continue;
                }
                if (best == null || Long.parseLong(c.version()) > Long.parseLong(best.version())) {
                    best = c;
                }
            }
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(best);
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        run.awaitSettled(ctx);
        String sha = DeployRun.codeSha(run.image(ctx));
        var v = run.lambda.publishVersion(r -> r.functionName(run.spec.name()).codeSha256(sha));
        run.remember(ctx, DeployRun.VERSION, v.version());
        ctx.events().publish(new VersionPublished(ctx.clock().instant(), ctx.runbookId(), ctx.step(), run.spec.name(),
                v.version(), v.codeSha256()));
        return "published version " + v.version();
    }
}
