package dev.opskit.core;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One named step of a {@link Runbook}. A step first {@linkplain #observe observes} the real state
 * (is binlog already on? does the clone exist?) and acts only if the observation says so; that is
 * what makes a runbook safe to run again after a crash. {@code observe} must change nothing: it is
 * all that {@link Runbook#plan()} calls.
 *
 * <pre>{@code
 * Step createClone = Step.of("create clone",
 *         ctx -> exists("orders-clone")
 *                 ? Observation.noChange("orders-clone exists")
 *                 : Observation.change("no cluster orders-clone", "clone orders to orders-clone"),
 *         (ctx, obs) -> { restoreToPointInTime(); return "cloned orders to orders-clone"; });
 * }</pre>
 */
public interface Step {

    /** @return the step's name, unique within its runbook, e.g. {@code "create clone"} */
    String name();

    /**
     * The resource this step works on, for events (default: the runbook's resource).
     *
     * @return a resource id or description, or {@code null}
     */
    default String resource() {
        return null;
    }

    /**
     * Looks at the real state without changing anything. It may put facts it found into the
     * context for later steps, so that a skipped step still provides them on a re-run.
     *
     * @param ctx the run's context
     * @return what was found and what would be done
     */
    Observation observe(RunContext ctx);

    /**
     * Does the work the observation asked for. Called only when
     * {@link Observation#needsAction()} is true, and never by {@link Runbook#plan()}.
     *
     * @param ctx the run's context
     * @param observation what {@link #observe} returned just before
     * @return a short description of what was done, or {@code null} to report the observation's action
     */
    String act(RunContext ctx, Observation observation);

    /**
     * A step from two functions.
     *
     * @param name the step's name
     * @param observe the observation, which must change nothing
     * @param act the action, returning a short description of what it did
     * @return the step
     * @throws InvalidInputException if the name is blank
     */
    static Step of(String name, Function<RunContext, Observation> observe,
            BiFunction<RunContext, Observation, String> act) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("name", name, "give the step a name, e.g. \"create clone\"");
        }
        Objects.requireNonNull(observe, "observe");
        Objects.requireNonNull(act, "act");
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Observation observe(RunContext ctx) {
                return observe.apply(ctx);
            }

            @Override
            public String act(RunContext ctx, Observation observation) {
                return act.apply(ctx, observation);
            }

            @Override
            public String toString() {
                return "Step[" + name + "]";
            }
        };
    }
}
