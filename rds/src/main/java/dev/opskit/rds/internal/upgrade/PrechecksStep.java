package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.rds.UpgradeCheck;
import dev.opskit.rds.event.UpgradePrecheckResult;

/**
 * {@code pre-checks}: makes every pre-check ({@link UpgradePrechecks}) and only observes. In a run
 * it publishes each result and each warning, and a failed check ends the run here, before
 * anything changes; in a plan the failures are reported, not thrown.
 */
final class PrechecksStep extends UpgradeStep {
    static final String NAME = "pre-checks";

    PrechecksStep(UpgradeRun run) {
        super(NAME, run);
    }

    @Override
    public Observation observe(RunContext ctx) {
        UpgradePrechecks.Findings f = new UpgradePrechecks(run).run();
        run.findings(f);
        if (!ctx.dryRun()) {
            for (UpgradeCheck c : f.checks()) {
                ctx.events().publish(UpgradePrecheckResult.of(ctx.clock().instant(), ctx.runbookId(), ctx.step(),
                        ctx.resource(), c));
            }
            if (!f.passed()) {
                throw f.failure(run.clusterId(), run.options().requestedTarget());
            }
            for (UpgradeCheck c : f.checks()) {
                if (c.status() == UpgradeCheck.Status.WARNING) {
                    String text = c.name() + ": " + c.detail() + "; " + c.fix();
                    ctx.warn(text, "check", c.name());
                    run.addWarning(text);
                }
            }
        }
        long passed = f.checks().stream().filter(c -> c.status() != UpgradeCheck.Status.FAILED).count();
        String summary = passed + " of " + f.checks().size() + " pre-checks passed";
        return Observation.noChange(f.passed() ? summary + "; target " + f.targetVersion()
                : summary + "; failed: " + String.join(", ", f.checks().stream()
                        .filter(c -> c.status() == UpgradeCheck.Status.FAILED).map(UpgradeCheck::name).toList()));
    }

    /** Never called: the pre-checks only observe. */
    @Override
    public String act(RunContext ctx, Observation observation) {
        return null;
    }
}
