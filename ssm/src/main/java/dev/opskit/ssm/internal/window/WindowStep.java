package dev.opskit.ssm.internal.window;

import dev.opskit.core.ConflictException;
import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.ssm.event.WindowChanged;
import dev.opskit.ssm.internal.SsmErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ssm.model.GetMaintenanceWindowResponse;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowIdentity;

/**
 * The window itself, found by name: created if there is none, its settings updated if they differ
 * from the definition. A window created by a run that died before it saw the answer is found by
 * its name on the next run, never created twice.
 */
final class WindowStep implements Step {
    private static final RunContext.Key<Found> FOUND = RunContext.Key.of("window as found", Found.class);

    /** The window as observed: null if there is none, with the settings that differ. */
    private record Found(GetMaintenanceWindowResponse window, List<String> differences) {
    }

    private final WindowRun run;

    WindowStep(WindowRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "window";
    }

    @Override
    public Observation observe(RunContext ctx) {
        WindowSettings s = run.settings();
        MaintenanceWindowIdentity identity = Windows.find(run.ssm(), s.name());
        if (identity == null) {
            int count = Windows.count(run.ssm(), s.name());
            if (count >= WindowSettings.MAX_WINDOWS) {
                throw new ConflictException(s.name(), "the account already has " + count + " maintenance windows in "
                        + run.region() + ", SSM's quota is " + WindowSettings.MAX_WINDOWS + "; delete unused ones first");
            }
            ctx.put(FOUND, new Found(null, List.of()));
            return Observation.change("no window named '" + s.name() + "' in " + run.region(),
                    "create window " + s.name() + " on " + s.schedule() + ", " + s.durationHours() + " h long, cutoff "
                            + s.cutoffHours() + " h");
        }
        String id = identity.windowId();
        run.windowId(id);
        ctx.put(Facts.WINDOW_ID, id);
        GetMaintenanceWindowResponse w = SsmErrors.inStep("read window " + id, id,
                () -> run.ssm().getMaintenanceWindow(b -> b.windowId(id)));
        List<String> diff = differences(w, s);
        ctx.put(FOUND, new Found(w, diff));
        if (diff.isEmpty()) {
            return Observation.noChange("window " + id + " matches the definition");
        }
        return Observation.change("window " + id + " differs: " + String.join(", ", diff),
                "update window " + id + ": " + String.join(", ", diff));
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        WindowSettings s = run.settings();
        Found found = ctx.require(FOUND);
        if (found.window() == null) {
            String id = SsmErrors.inStep("create window " + s.name(), s.name(), () -> run.ssm()
                    .createMaintenanceWindow(b -> b.name(s.name()).description(s.description())
                            .schedule(s.schedule().toString()).scheduleTimezone(s.timeZone())
                            .scheduleOffset(s.offsetDays()).duration(s.durationHours()).cutoff(s.cutoffHours())
                            .allowUnassociatedTargets(s.allowUnassociatedTargets())
                            .startDate(s.startDateText()).endDate(s.endDateText()))
                    .windowId());
            run.windowId(id);
            ctx.put(Facts.WINDOW_ID, id);
            return run.changed(ctx, WindowChanged.Part.WINDOW, WindowChanged.Change.CREATED, s.name(), id, null);
        }
        String id = found.window().windowId();
        Boolean enabled = found.window().enabled();
        SsmErrors.inStep("update window " + id, id, () -> run.ssm().updateMaintenanceWindow(b -> b
                .windowId(id).name(s.name()).description(s.description()).schedule(s.schedule().toString())
                .scheduleTimezone(s.timeZone()).scheduleOffset(s.offsetDays())
                .duration(s.durationHours()).cutoff(s.cutoffHours())
                .allowUnassociatedTargets(s.allowUnassociatedTargets()).enabled(enabled)
                .startDate(s.startDateText()).endDate(s.endDateText()).replace(true)));
        return run.changed(ctx, WindowChanged.Part.WINDOW, WindowChanged.Change.UPDATED, s.name(), id,
                String.join(", ", found.differences()));
    }

    /** The settings that differ, each as {@code "<setting> <now> -> <wanted>"}. */
    private static List<String> differences(GetMaintenanceWindowResponse w, WindowSettings s) {
        List<String> diff = new ArrayList<>();
        differs(diff, "schedule", w.schedule(), s.schedule().toString());
        differs(diff, "time zone", w.scheduleTimezone(), s.timeZone());
        differs(diff, "schedule offset", w.scheduleOffset(), s.offsetDays());
        differs(diff, "duration", w.duration(), s.durationHours());
        differs(diff, "cutoff", w.cutoff(), s.cutoffHours());
        differs(diff, "allow unassociated targets", w.allowUnassociatedTargets(), s.allowUnassociatedTargets());
        differs(diff, "description", w.description(), s.description());
        differs(diff, "start date", w.startDate(), s.startDateText());
        differs(diff, "end date", w.endDate(), s.endDateText());
        return diff;
    }

    private static void differs(List<String> diff, String what, Object actual, Object wanted) {
        if (!Objects.equals(actual, wanted)) {
            diff.add(what + " " + actual + " -> " + wanted);
        }
    }
}
