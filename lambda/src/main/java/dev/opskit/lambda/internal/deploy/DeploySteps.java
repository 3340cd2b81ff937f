package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.Step;
import java.util.ArrayList;
import java.util.List;

/** The steps of a deploy, in order. */
public final class DeploySteps {
    private DeploySteps() {
    }

    /** The steps for one run: no alias step without an alias, no smoke test without a payload. */
    public static List<Step> of(DeployRun run) {
        List<Step> steps = new ArrayList<>(List.of(new CheckImageStep(run), new CreateFunctionStep(run),
                new UpdateCodeStep(run), new UpdateConfigurationStep(run), new PublishVersionStep(run)));
        if (run.spec.alias() != null) {
            steps.add(new AliasStep(run));
        }
        if (run.spec.smokePayload() != null) {
            steps.add(new SmokeTestStep(run));
        }
        return steps;
    }
}
