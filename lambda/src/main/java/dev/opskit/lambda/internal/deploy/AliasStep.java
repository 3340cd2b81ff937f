package dev.opskit.lambda.internal.deploy;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.lambda.event.AliasMoved;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/** Creates the alias at the published version, or moves it there. */
final class AliasStep implements Step {
    private final DeployRun run;

    AliasStep(DeployRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "move alias";
    }

    private Optional<GetAliasResponse> alias() {
        try {
            return Optional.of(run.lambda.getAlias(r -> r.functionName(run.spec.name()).name(run.spec.alias())));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Observation observe(RunContext ctx) {
        String target = ctx.get(DeployRun.VERSION).orElse(null);
        Optional<GetAliasResponse> a = alias();
        String to = target == null ? "the published version" : "version " + target;
        if (a.isEmpty()) {
            return Observation.change("no alias " + run.spec.alias(), "create alias " + run.spec.alias() + " at " + to);
        }
        if (a.get().functionVersion().equals(target)) {
            return Observation.noChange("alias " + run.spec.alias() + " points at version " + target);
        }
        return Observation.change("alias " + run.spec.alias() + " points at version " + a.get().functionVersion(),
                "move alias " + run.spec.alias() + " to " + to);
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        String target = ctx.require(DeployRun.VERSION);
        Optional<GetAliasResponse> a = alias();
        String from = a.map(GetAliasResponse::functionVersion).orElse(null);
        if (a.isEmpty()) {
            try {
                run.lambda.createAlias(r -> r.functionName(run.spec.name()).name(run.spec.alias()).functionVersion(target));
            } catch (ResourceConflictException e) {
                // Created by an attempt whose answer was lost; make sure it points where it should.
                run.lambda.updateAlias(r -> r.functionName(run.spec.name()).name(run.spec.alias()).functionVersion(target));
            }
        } else if (!target.equals(from)) {
            run.lambda.updateAlias(r -> r.functionName(run.spec.name()).name(run.spec.alias()).functionVersion(target)
                    .revisionId(a.get().revisionId()));
        } else {
            return "alias " + run.spec.alias() + " already points at version " + target;
        }
        ctx.events().publish(new AliasMoved(ctx.clock().instant(), ctx.runbookId(), ctx.step(), run.spec.name(),
                run.spec.alias(), from, target));
        return from == null ? "created alias " + run.spec.alias() + " at version " + target
                : "moved alias " + run.spec.alias() + " from version " + from + " to " + target;
    }
}
