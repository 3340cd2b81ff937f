package dev.opskit.lambda.internal.repository;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;

/** Creates the repository with the wanted settings unless it exists. */
final class CreateRepositoryStep implements Step {
    private final RepositoryRun run;

    CreateRepositoryStep(RepositoryRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "repository";
    }

    @Override
    public Observation observe(RunContext ctx) {
        return run.describe()
                .map(r -> Observation.noChange("repository " + r.repositoryName() + " exists at " + r.repositoryUri()))
                .orElseGet(() -> Observation.change("no repository " + run.name(), "create repository " + run.name()
                        + " (scan on push " + (run.scanOnPush() ? "on" : "off") + ", " + run.mutability() + " tags)"));
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        Repository created;
        try {
            created = run.ecr().createRepository(r -> r.repositoryName(run.name())
                    .imageScanningConfiguration(s -> s.scanOnPush(run.scanOnPush()))
                    .imageTagMutability(ImageTagMutability.fromValue(run.mutability()))).repository();
        } catch (RepositoryAlreadyExistsException e) {
            // Created meanwhile (or by an attempt whose answer was lost): the next steps converge its settings.
            return "repository " + run.name() + " already existed";
        }
        run.changed(ctx, "created", created.repositoryUri());
        return "created repository " + created.repositoryName() + " at " + created.repositoryUri();
    }
}
