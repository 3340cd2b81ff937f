package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.rds.UpgradeParameterGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code parameter groups}: each custom group recreated in the new family
 * ({@code <name>-<family>}) with the parameters the user set, or completed if a crash left it
 * part-way; parameters the new family lacks are warned about, not dropped silently.
 */
final class ParameterGroupsStep extends UpgradeStep {
    static final String NAME = "parameter groups";

    ParameterGroupsStep(UpgradeRun run) {
        super(NAME, run);
    }

    @Override
    public Observation observe(RunContext ctx) {
        List<UpgradeParameterGroup> plans = run.findings().groupPlans();
        if (plans.isEmpty()) {
            return Observation.noChange("the upgrade is in progress or done; its parameter groups are set");
        }
        List<String> todo = new ArrayList<>();
        for (UpgradeParameterGroup g : plans) {
            run.groups().missing(g).ifPresent(m -> todo.add(g.after() + (m.equals(g.carriedOver()) && !m.isEmpty()
                    ? " with " + m : m.isEmpty() ? "" : ": set " + m)));
        }
        String summary = String.join("; ", plans.stream().map(UpgradeParameterGroup::toString).toList());
        return todo.isEmpty() ? Observation.noChange(summary)
                : Observation.change(summary, "create or complete " + String.join(", ", todo));
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        List<String> done = new ArrayList<>();
        for (UpgradeParameterGroup g : run.findings().groupPlans()) {
            Optional<Map<String, String>> m = run.groups().missing(g);
            if (m.isPresent()) {
                run.groups().apply(g, m.get(), run.clusterId());
                done.add(g.after() + " " + m.get());
            }
            if (!g.notCarriedOver().isEmpty()) {
                String text = g.before() + ": " + g.notCarriedOver() + " do not exist in " + g.afterFamily()
                        + " and were not carried over to " + g.after();
                ctx.warn(text, "group", g.after());
                run.addWarning(text);
            }
        }
        return "recreated " + String.join(", ", done);
    }
}
