package dev.opskit.ssm.internal.window;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.ssm.event.WindowChanged;
import dev.opskit.ssm.internal.SsmErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ssm.model.DoesNotExistException;

/**
 * What the two deregistering steps share: list what the window has, keep what an earlier step
 * matched to the declaration, deregister the rest. One that is gone already counts as done.
 *
 * @param <T> the SDK's shape of a registered target or task
 */
abstract class UndeclaredStep<T> implements Step {
    /** What was undeclared when last observed. */
    private record Pending(List<?> items) {
    }

    private final RunContext.Key<Pending> pending = RunContext.Key.of("undeclared " + noun() + "s", Pending.class);
    final WindowRun run;

    UndeclaredStep(WindowRun run) {
        this.run = run;
    }

    /** @return {@code target} or {@code task} */
    abstract String noun();

    abstract WindowChanged.Part part();

    /** @return the ids an earlier step matched to declared targets or tasks */
    abstract Set<String> declaredIds(RunContext ctx);

    abstract List<T> list(String windowId);

    abstract String id(T item);

    abstract String nameOf(T item);

    /** Deregisters one; throws {@link DoesNotExistException} if it is gone already. */
    abstract void deregister(String windowId, String id);

    @Override
    public Observation observe(RunContext ctx) {
        Optional<String> windowId = ctx.get(Facts.WINDOW_ID);
        if (windowId.isEmpty()) {
            return Observation.noChange("window '" + run.settings().name() + "' does not exist yet: no " + noun()
                    + " to deregister");
        }
        Set<String> declared = declaredIds(ctx);
        List<T> undeclared = list(windowId.get()).stream().filter(t -> !declared.contains(id(t))).toList();
        ctx.put(pending, new Pending(undeclared));
        if (undeclared.isEmpty()) {
            return Observation.noChange("every " + noun() + " of window " + windowId.get() + " is declared");
        }
        List<String> names = undeclared.stream().map(this::label).toList();
        return Observation.change("window " + windowId.get() + " has undeclared " + noun() + "s " + names,
                "deregister undeclared " + noun() + "s " + names);
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        String windowId = ctx.require(Facts.WINDOW_ID);
        List<String> done = new ArrayList<>();
        for (Object o : ctx.require(pending).items()) {
            @SuppressWarnings("unchecked")
            T item = (T) o;
            boolean deregistered = SsmErrors.inStep("deregister " + noun() + " " + label(item), id(item), () -> {
                try {
                    deregister(windowId, id(item));
                    return true;
                } catch (DoesNotExistException gone) {
                    return false; // what this step wanted
                }
            });
            if (deregistered) {
                done.add(run.changed(ctx, part(), WindowChanged.Change.DEREGISTERED, nameOf(item), id(item), null));
            }
        }
        return done.isEmpty() ? "the undeclared " + noun() + "s were gone already" : String.join(", ", done);
    }

    private String label(T item) {
        return Windows.label(nameOf(item), id(item));
    }
}
