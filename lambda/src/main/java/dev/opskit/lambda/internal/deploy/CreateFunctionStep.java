package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;

/** Creates the function from the image unless it exists, and waits until it is Active. */
final class CreateFunctionStep implements Step {
    private final DeployRun run;

    CreateFunctionStep(DeployRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "create function";
    }

    @Override
    public Observation observe(RunContext ctx) {
        return run.current()
                .map(f -> Observation.noChange("function " + run.spec.name() + " exists (" + f.configuration().stateAsString()
                        + ", package type " + f.configuration().packageTypeAsString() + ")"))
                .orElseGet(() -> Observation.change("no function " + run.spec.name(), "create " + run.spec.name()
                        + " from " + run.image(ctx) + " (" + run.spec.architecture() + ", " + run.spec.memory() + " MB, "
                        + run.spec.timeout() + " s) and wait until it is Active"));
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        String image = run.image(ctx);
        try {
            run.lambda.createFunction(r -> r.functionName(run.spec.name())
                    .packageType(PackageType.IMAGE)
                    .code(c -> c.imageUri(image))
                    .role(run.spec.role())
                    .memorySize(run.spec.memory())
                    .timeout(run.spec.timeout())
                    .architectures(Architecture.fromValue(run.spec.architecture()))
                    .environment(e -> e.variables(run.spec.env()))
                    .imageConfig(run.imageConfig())
                    .description(run.spec.description()));
        } catch (ResourceConflictException e) {
            // Created by an attempt whose answer was lost: wait for it like for our own.
            ctx.note("the function already exists; waiting for it", "function", run.spec.name());
        }
        run.awaitSettled(ctx);
        run.changed(ctx, "created", "from " + image);
        return "created " + run.spec.name() + " from " + image;
    }
}
