package dev.opskit.rds.internal.runbook;

import dev.opskit.core.Observation;
import dev.opskit.core.Plan;
import dev.opskit.core.RunContext;
import dev.opskit.core.Runbook;
import dev.opskit.core.RunbookOutcome;
import dev.opskit.core.Secret;

/** Builds the core {@link Runbook} of a run's steps, and plans or runs it. */
public final class Runner {
    private Runner() {
    }

    /** Observes every step without changing anything. */
    public static Plan plan(Run run) {
        try {
            return runbook(run).plan();
        } finally {
            run.stopParallel();
        }
    }

    /** Runs every step: observe, act if needed. */
    public static RunbookOutcome run(Run run) {
        try {
            return runbook(run).run();
        } finally {
            run.stopParallel();
        }
    }

    static Runbook runbook(Run run) {
        // A fresh password each run: on resume it is set again unless the target already uses the old one.
        run.replicationPassword = run.settings.replicationPassword() != null ? run.settings.replicationPassword()
                : Secret.generate(24);
        Runbook.Builder b = Runbook.named("replicate " + run.settings.sourceId() + " to " + run.settings.targetId())
                .resource(run.settings.sourceId())
                .events(run.events.bus());
        for (Step step : Steps.of(run.settings)) {
            b.step(adapt(run, step));
        }
        return b.build();
    }

    private static dev.opskit.core.Step adapt(Run run, Step step) {
        return new dev.opskit.core.Step() {
            @Override
            public String name() {
                return step.name();
            }

            @Override
            public String resource() {
                // Validate runs first and fills what the other steps' resources depend on.
                return run.source() == null ? run.settings.sourceId() : step.resource(run);
            }

            @Override
            public Observation observe(RunContext ctx) {
                run.events.runbookId(ctx.runbookId());
                return step.observe(run);
            }

            @Override
            public String act(RunContext ctx, Observation observation) {
                String result = step.act(run, observation);
                if (run.settings.afterStep() != null) {
                    run.settings.afterStep().accept(step.name());
                }
                return result;
            }
        };
    }
}
