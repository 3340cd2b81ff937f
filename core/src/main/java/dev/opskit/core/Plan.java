package dev.opskit.core;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Runbook} would do, made by {@link Runbook#plan()} without changing anything.
 * {@link #toString()} prints one line per step, which reads well in JShell.
 *
 * <pre>{@code
 * Plan plan = runbook.plan();
 * System.out.println(plan);
 * if (plan.hasChanges()) runbook.run();
 * }</pre>
 *
 * @param runbook the runbook's name
 * @param steps one entry per step, in order
 */
public record Plan(String runbook, List<PlannedStep> steps) {

    /** Copies the steps. */
    public Plan {
        Objects.requireNonNull(runbook, "runbook");
        steps = List.copyOf(steps);
    }

    /** @return true if some step would act or could not be observed */
    public boolean hasChanges() {
        return steps.stream().anyMatch(s -> s.kind() != PlannedStep.Kind.NO_CHANGE);
    }

    /** @return the steps that would act */
    public List<PlannedStep> changes() {
        return steps.stream().filter(s -> s.kind() == PlannedStep.Kind.CHANGE).toList();
    }

    /**
     * @param name a step name
     * @return that step's entry
     * @throws InvalidInputException if there is no such step
     */
    public PlannedStep step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException("step", name, "the plan's steps are "
                        + steps.stream().map(PlannedStep::name).toList()));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Plan for ").append(runbook).append(": ")
                .append(changes().size()).append(" of ").append(steps.size()).append(" steps would change something");
        for (int i = 0; i < steps.size(); i++) {
            b.append('\n').append(String.format("%2d. ", i + 1)).append(steps.get(i));
        }
        return b.toString();
    }
}
