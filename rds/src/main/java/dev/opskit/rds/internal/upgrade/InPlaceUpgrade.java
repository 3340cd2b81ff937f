package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Observation;
import dev.opskit.core.Plan;
import dev.opskit.core.RunContext;
import dev.opskit.core.Runbook;
import dev.opskit.core.RunbookOutcome;
import dev.opskit.core.Sleeper;
import dev.opskit.core.Step;
import dev.opskit.core.event.EventBus;
import dev.opskit.rds.UpgradePlan;
import dev.opskit.rds.UpgradeResult;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The in-place upgrade runbook: a core {@link Runbook} of the steps in {@link UpgradeSteps}, each
 * observing before it acts, with the setup's deadline for each step. One instance serves one
 * plan or one run; closing it stops the reconnect probe.
 */
public final class InPlaceUpgrade implements AutoCloseable {
    private final UpgradeOptions options;
    private final EventBus bus;
    private final Clock clock;
    private final UpgradeRun run;

    /**
     * @param options the setup's options
     * @param rds the client calls go through
     * @param bus where events go
     * @param clock where event times, durations and deadlines come from
     * @param sleeper how waits sleep between looks
     */
    public InPlaceUpgrade(UpgradeOptions options, RdsClient rds, EventBus bus, Clock clock, Sleeper sleeper) {
        this.options = options;
        this.bus = bus;
        this.clock = clock;
        this.run = new UpgradeRun(options, rds, clock, sleeper);
    }

    /**
     * Runs the pre-checks, and if they pass, plans every step; changes nothing.
     *
     * @return the pre-check report with the steps' dry run
     */
    public UpgradePlan plan() {
        List<Step> steps = UpgradeSteps.of(run);
        // The later steps build on what the pre-checks find: plan them only once those pass.
        runbook(steps.subList(0, 1)).plan();
        UpgradePrechecks.Findings f = run.findings();
        Optional<Plan> planned = f.passed() ? Optional.of(runbook(steps).plan()) : Optional.empty();
        f = run.findings();
        return new UpgradePlan(options.clusterId(), f.fromVersion(), run.targetVersion(), f.checks(), f.groupPlans(),
                planned);
    }

    /**
     * Runs every step.
     *
     * @return what the run did
     */
    public UpgradeResult run() {
        RunbookOutcome outcome = runbook(UpgradeSteps.of(run)).run();
        UpgradePrechecks.Findings f = run.findings();
        return new UpgradeResult(options.clusterId(), f.fromVersion(), run.versionAfter(), run.scheduled(),
                f.groupPlans(), run.events().seen(), run.connectionCheck(), run.warnings(), outcome.elapsed(),
                outcome);
    }

    private Runbook runbook(List<Step> steps) {
        Runbook.Builder b = Runbook.named("in-place upgrade of " + options.clusterId()).resource(options.clusterId())
                .events(bus).clock(clock).stepDeadline(options.deadline());
        steps.forEach(s -> b.step(options.afterStep() == null ? s : afterStep(s, options.afterStep())));
        return b.build();
    }

    /** The step with the setup's test hook called after it acted. */
    private static Step afterStep(Step step, Consumer<String> hook) {
        return Step.of(step.name(), step::observe, (RunContext ctx, Observation obs) -> {
            String done = step.act(ctx, obs);
            hook.accept(step.name());
            return done;
        });
    }

    @Override
    public void close() {
        run.close();
    }
}
