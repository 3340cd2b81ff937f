package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Step;
import java.util.ArrayList;
import java.util.List;

/** The steps of the in-place upgrade runbook, in order. */
final class UpgradeSteps {
    private UpgradeSteps() {
    }

    /**
     * @param run the plan or run they serve
     * @return pre-checks, snapshot (with {@code snapshotFirst()} only), parameter groups, start
     *     upgrade, follow upgrade, verify
     */
    static List<Step> of(UpgradeRun run) {
        List<Step> steps = new ArrayList<>();
        steps.add(new PrechecksStep(run));
        if (run.options().snapshotFirst()) {
            steps.add(new SnapshotStep(run));
        }
        steps.add(new ParameterGroupsStep(run));
        steps.add(new StartUpgradeStep(run));
        steps.add(new FollowUpgradeStep(run));
        steps.add(new VerifyStep(run));
        return List.copyOf(steps);
    }
}
