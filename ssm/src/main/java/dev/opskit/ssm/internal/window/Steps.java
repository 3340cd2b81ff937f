package dev.opskit.ssm.internal.window;

import dev.opskit.core.Step;
import java.util.List;

/** The apply runbook's steps, in order. */
final class Steps {
    private Steps() {
    }

    /**
     * Undeclared tasks go before undeclared targets, and both after the declared tasks have been
     * brought in line, so that no task is left running on a target that is about to go.
     */
    static List<Step> of(WindowRun run) {
        return List.of(
                new WindowStep(run),
                new TargetsStep(run),
                new TasksStep(run),
                new UndeclaredTasksStep(run),
                new UndeclaredTargetsStep(run));
    }
}
