package dev.opskit.ssm.internal.window;

import dev.opskit.core.Plan;
import dev.opskit.core.Runbook;
import dev.opskit.core.RunbookOutcome;
import dev.opskit.core.Step;
import dev.opskit.core.event.EventBus;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The apply of one window definition as a core {@link Runbook}: {@code window}, {@code targets},
 * {@code tasks}, {@code undeclared-tasks}, {@code undeclared-targets}. Each step observes SSM
 * first and acts only if needed, so a run that died anywhere is finished by the next one, and
 * {@link #plan()} says what a run would do without changing anything. Make one per run.
 */
public final class WindowApply {
    /**
     * What a run did.
     *
     * @param windowId the window's id
     * @param changes what it changed, in order; empty if nothing had to
     * @param outcome the runbook's per-step outcome
     */
    public record Applied(String windowId, List<String> changes, RunbookOutcome outcome) {
    }

    private final WindowRun run;
    private final Runbook runbook;

    /**
     * @param settings the checked declaration
     * @param ssm the client
     * @param region the region, for messages
     * @param bus where the run's events go
     * @param stepDeadline how long one step may take, retries included
     */
    public WindowApply(WindowSettings settings, SsmClient ssm, String region, EventBus bus, Duration stepDeadline) {
        this.run = new WindowRun(ssm, settings, region);
        Runbook.Builder b = Runbook.named("apply maintenance window " + settings.name())
                .resource(settings.name())
                .events(bus)
                .stepDeadline(stepDeadline);
        for (Step step : Steps.of(run)) {
            b.step(step);
        }
        this.runbook = b.build();
    }

    /** @return the step names, in order */
    public List<String> stepNames() {
        return runbook.stepNames();
    }

    /**
     * @return what a run would do; nothing is changed
     */
    public Plan plan() {
        return runbook.plan();
    }

    /**
     * Runs every step; whatever the runbook throws reaches the caller unchanged.
     *
     * @return what the run did
     */
    public Applied apply() {
        RunbookOutcome outcome = runbook.run();
        return new Applied(run.windowId(), run.changes(), outcome);
    }
}
