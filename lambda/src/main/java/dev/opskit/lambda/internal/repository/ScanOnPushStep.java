package dev.opskit.lambda.internal.repository;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import java.util.Optional;
import software.amazon.awssdk.services.ecr.model.Repository;

/** Turns scan on push on or off as wanted. */
final class ScanOnPushStep implements Step {
    private final RepositoryRun run;

    ScanOnPushStep(RepositoryRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "scan on push";
    }

    @Override
    public Observation observe(RunContext ctx) {
        Optional<Repository> repo = run.describe();
        if (repo.isEmpty()) {
            return Observation.noChange("set when the repository is created");
        }
        boolean now = repo.get().imageScanningConfiguration() != null
                && Boolean.TRUE.equals(repo.get().imageScanningConfiguration().scanOnPush());
        return now == run.scanOnPush() ? Observation.noChange("scan on push is " + (now ? "on" : "off"))
                : Observation.change("scan on push is " + (now ? "on" : "off"),
                        "turn scan on push " + (run.scanOnPush() ? "on" : "off"));
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        run.ecr().putImageScanningConfiguration(r -> r.repositoryName(run.name())
                .imageScanningConfiguration(s -> s.scanOnPush(run.scanOnPush())));
        run.changed(ctx, "scan on push " + (run.scanOnPush() ? "on" : "off"), null);
        return null;
    }
}
