package dev.opskit.lambda.internal.repository;

import dev.opskit.core.Step;
import java.util.List;

/** The steps of "ensure ECR repository", in order. */
public final class RepositorySteps {
    private RepositorySteps() {
    }

    /** The steps for one run. */
    public static List<Step> of(RepositoryRun run) {
        return List.of(new CreateRepositoryStep(run), new ScanOnPushStep(run), new TagMutabilityStep(run),
                new LifecyclePolicyStep(run));
    }
}
