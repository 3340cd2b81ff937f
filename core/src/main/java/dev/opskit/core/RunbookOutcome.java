package dev.opskit.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one {@link Runbook#run()}: one {@link StepResult} per step, in order.
 *
 * <pre>{@code
 * RunbookOutcome out = runbook.run();
 * out.steps().forEach(s -> System.out.println(s.step() + " " + s.status() + " " + s.text()));
 * }</pre>
 *
 * @param runbookId the run's id, as on every event of the run
 * @param runbook the runbook's name
 * @param steps per-step results, in order
 * @param elapsed how long the run took
 */
public record RunbookOutcome(String runbookId, String runbook, List<StepResult> steps, Duration elapsed) {

    /** Copies the steps. */
    public RunbookOutcome {
        Objects.requireNonNull(runbookId, "runbookId");
        Objects.requireNonNull(runbook, "runbook");
        steps = List.copyOf(steps);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** @return true if no step failed or was left unrun */
    public boolean succeeded() {
        return steps.stream().allMatch(s -> s.status() == StepResult.Status.ACTED
                || s.status() == StepResult.Status.SKIPPED);
    }

    /** @return the failed step, if any */
    public Optional<StepResult> failure() {
        return steps.stream().filter(s -> s.status() == StepResult.Status.FAILED).findFirst();
    }

    /**
     * @param name a step name
     * @return that step's result
     * @throws InvalidInputException if there is no such step
     */
    public StepResult step(String name) {
        return steps.stream().filter(s -> s.step().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException("step", name, "the run's steps are "
                        + steps.stream().map(StepResult::step).toList()));
    }
}
