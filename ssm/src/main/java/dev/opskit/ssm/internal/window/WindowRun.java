package dev.opskit.ssm.internal.window;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.ssm.event.WindowChanged;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * What the steps of one apply (or plan) share besides the run's facts: the client, the
 * declaration, and what the run has changed so far.
 */
final class WindowRun {
    private final SsmClient ssm;
    private final WindowSettings settings;
    private final String region;
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private volatile String windowId;

    WindowRun(SsmClient ssm, WindowSettings settings, String region) {
        this.ssm = ssm;
        this.settings = settings;
        this.region = region;
    }

    SsmClient ssm() {
        return ssm;
    }

    WindowSettings settings() {
        return settings;
    }

    String region() {
        return region;
    }

    /** The window's id once a step has found or created it, else null. */
    String windowId() {
        return windowId;
    }

    void windowId(String id) {
        this.windowId = id;
    }

    /** The changes made so far, in order, as {@link WindowChanged#message()} words them. */
    List<String> changes() {
        return List.copyOf(changes);
    }

    /** Records a change and publishes it as a {@link WindowChanged} event of the current step. */
    String changed(RunContext ctx, WindowChanged.Part part, WindowChanged.Change change, String name, String id,
            String detail) {
        WindowChanged e = new WindowChanged(ctx.clock().instant(), ctx.runbookId(), ctx.step(), windowId, part, change,
                name, id, detail);
        changes.add(e.message());
        ctx.events().publish(e);
        return e.message();
    }

    /**
     * What the targets or tasks step sees in a plan before the window exists.
     *
     * @param nouns {@code targets} or {@code tasks}
     */
    Observation notCreatedYet(String nouns, List<String> declared) {
        return declared.isEmpty() ? Observation.noChange("no " + nouns + " declared")
                : Observation.change("window '" + settings.name() + "' does not exist yet",
                        "register " + nouns + " " + declared);
    }

    /**
     * The registered one a declared name matches: the first of that name not matched yet, as
     * SSM lists them; later ones of the name are left to the undeclared steps.
     */
    static <T> T match(List<T> registered, String name, Function<T, String> nameOf, Function<T, String> idOf,
            Set<String> matched) {
        return registered.stream().filter(r -> name.equals(nameOf.apply(r)) && !matched.contains(idOf.apply(r)))
                .findFirst().orElse(null);
    }

    /** What the targets or tasks step found, and why nothing is needed if nothing is. */
    static <T> String found(String windowId, String nouns, List<T> registered, Function<T, String> nameOf,
            Function<T, String> idOf) {
        return "window " + windowId + " has " + registered.size() + " " + nouns.substring(0, nouns.length() - 1)
                + "(s)" + (registered.isEmpty() ? ""
                        : " " + registered.stream().map(r -> Windows.label(nameOf.apply(r), idOf.apply(r))).toList());
    }

    /** The observation of a targets or tasks step with nothing to change. */
    static Observation unchanged(String found, List<String> declared) {
        return Observation.noChange(found + (declared.isEmpty() ? "; none declared"
                : "; " + declared + " are registered as declared"));
    }
}
