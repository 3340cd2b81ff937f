package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/** Brings role, memory, timeout, environment and image configuration to the wanted values. */
final class UpdateConfigurationStep implements Step {
    private final DeployRun run;

    UpdateConfigurationStep(DeployRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "update configuration";
    }

    @Override
    public Observation observe(RunContext ctx) {
        Optional<GetFunctionResponse> f = run.current();
        if (f.isEmpty()) {
            return Observation.noChange("the function is created with this configuration");
        }
        List<String> diff = run.configurationDifferences(f.get().configuration());
        return diff.isEmpty() ? Observation.noChange("the configuration is as wanted")
                : Observation.change("the configuration differs: " + String.join(", ", diff),
                        "update the configuration and wait until it is done");
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        run.awaitSettled(ctx);
        List<String> diff = run.configurationDifferences(
                run.configuration());
        if (diff.isEmpty()) {
            return "the configuration is as wanted";
        }
        run.lambda.updateFunctionConfiguration(r -> r.functionName(run.spec.name())
                .role(run.spec.role())
                .memorySize(run.spec.memory())
                .timeout(run.spec.timeout())
                .environment(e -> e.variables(run.spec.env()))
                .imageConfig(run.imageConfig())
                .description(run.spec.description()));
        run.awaitSettled(ctx);
        run.changed(ctx, "configuration", String.join(", ", diff));
        return "updated " + String.join(", ", diff);
    }
}
