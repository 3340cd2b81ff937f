package dev.opskit.ssm.internal.window;

import dev.opskit.core.RunContext;
import dev.opskit.ssm.event.WindowChanged;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
}
