package dev.opskit.lambda.internal.repository;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;

/** Puts the wanted lifecycle policy unless the repository has the same one. */
final class LifecyclePolicyStep implements Step {
    private final RepositoryRun run;

    LifecyclePolicyStep(RepositoryRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "lifecycle policy";
    }

    @Override
    public Observation observe(RunContext ctx) {
        if (run.lifecyclePolicy() == null) {
            return Observation.noChange("no lifecycle policy asked for; the repository's is left as it is");
        }
        if (run.describe().isEmpty()) {
            return Observation.change("no repository " + run.name() + " yet", "put the lifecycle policy");
        }
        String current;
        try {
            current = run.ecr().getLifecyclePolicy(r -> r.repositoryName(run.name())).lifecyclePolicyText();
        } catch (LifecyclePolicyNotFoundException e) {
            return Observation.change("no lifecycle policy", "put the lifecycle policy");
        }
        return Policies.same(run.lifecyclePolicy(), current) ? Observation.noChange("the lifecycle policy is in place")
                : Observation.change("another lifecycle policy", "replace the lifecycle policy");
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        run.ecr().putLifecyclePolicy(r -> r.repositoryName(run.name()).lifecyclePolicyText(run.lifecyclePolicy().json()));
        run.changed(ctx, "lifecycle policy put", null);
        return null;
    }
}
