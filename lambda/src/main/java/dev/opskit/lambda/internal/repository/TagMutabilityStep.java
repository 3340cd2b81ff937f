package dev.opskit.lambda.internal.repository;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import java.util.Optional;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.Repository;

/** Makes tags mutable or immutable as wanted. */
final class TagMutabilityStep implements Step {
    private final RepositoryRun run;

    TagMutabilityStep(RepositoryRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "tag mutability";
    }

    @Override
    public Observation observe(RunContext ctx) {
        Optional<Repository> repo = run.describe();
        if (repo.isEmpty()) {
            return Observation.noChange("set when the repository is created");
        }
        String now = repo.get().imageTagMutabilityAsString();
        return run.mutability().equals(now) ? Observation.noChange("tags are " + now)
                : Observation.change("tags are " + now, "make tags " + run.mutability());
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        run.ecr().putImageTagMutability(r -> r.repositoryName(run.name())
                .imageTagMutability(ImageTagMutability.fromValue(run.mutability())));
        run.changed(ctx, "tag mutability " + run.mutability(), null);
        return null;
    }
}
