package dev.opskit.ssm.internal.window;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.ssm.Target;
import dev.opskit.ssm.event.WindowChanged;
import dev.opskit.ssm.internal.SsmErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowResourceType;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTarget;

/**
 * The declared targets, matched to registered ones by name: registered if missing, updated if
 * their instances, tags or owner information differ. Undeclared targets are left to
 * {@link UndeclaredTargetsStep}, after the tasks that use them have changed.
 */
final class TargetsStep implements Step {
    private static final RunContext.Key<Pending> PENDING = RunContext.Key.of("targets to change", Pending.class);

    /** A declared target and the registered one it matches, or null to register it. */
    private record Change(Target target, MaintenanceWindowTarget existing) {
        String describe() {
            return (existing == null ? "register target " : "update target ") + target.name();
        }
    }

    private record Pending(List<Change> changes) {
    }

    private final WindowRun run;

    TargetsStep(WindowRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "targets";
    }

    @Override
    public Observation observe(RunContext ctx) {
        List<String> declared = run.settings().targetNames();
        Optional<String> windowId = ctx.get(Facts.WINDOW_ID);
        if (windowId.isEmpty()) {
            // Only in a plan: the window step would create the window.
            ctx.put(Facts.TARGET_IDS, new Facts.TargetIds(Map.of()));
            return run.notCreatedYet("targets", declared);
        }
        List<MaintenanceWindowTarget> existing = Windows.targets(run.ssm(), windowId.get());
        Map<String, String> ids = new LinkedHashMap<>();
        Set<String> matched = new HashSet<>();
        List<Change> changes = new ArrayList<>();
        for (Target t : run.settings().targets()) {
            MaintenanceWindowTarget old = WindowRun.match(existing, t.name(), MaintenanceWindowTarget::name,
                    MaintenanceWindowTarget::windowTargetId, matched);
            if (old == null) {
                changes.add(new Change(t, null));
                continue;
            }
            matched.add(old.windowTargetId());
            ids.put(t.name(), old.windowTargetId());
            if (!old.targets().equals(List.of(SsmShapes.target(t)))
                    || !Objects.equals(old.ownerInformation(), t.ownerInformation())) {
                changes.add(new Change(t, old));
            }
        }
        ctx.put(Facts.TARGET_IDS, new Facts.TargetIds(ids));
        ctx.put(PENDING, new Pending(changes));
        String found = WindowRun.found(windowId.get(), "targets", existing, MaintenanceWindowTarget::name,
                MaintenanceWindowTarget::windowTargetId);
        if (changes.isEmpty()) {
            return WindowRun.unchanged(found, declared);
        }
        return Observation.change(found, String.join(", ", changes.stream().map(Change::describe).toList()));
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        String windowId = ctx.require(Facts.WINDOW_ID);
        Map<String, String> ids = new LinkedHashMap<>(ctx.require(Facts.TARGET_IDS).byName());
        List<String> done = new ArrayList<>();
        for (Change c : ctx.require(PENDING).changes()) {
            Target t = c.target();
            software.amazon.awssdk.services.ssm.model.Target sdk = SsmShapes.target(t);
            if (c.existing() == null) {
                String id = SsmErrors.inStep("register target " + t.name(), windowId, () -> run.ssm()
                        .registerTargetWithMaintenanceWindow(b -> b.windowId(windowId)
                                .resourceType(MaintenanceWindowResourceType.INSTANCE).targets(sdk).name(t.name())
                                .ownerInformation(t.ownerInformation()))
                        .windowTargetId());
                ids.put(t.name(), id);
                done.add(run.changed(ctx, WindowChanged.Part.TARGET, WindowChanged.Change.CREATED, t.name(), id, null));
            } else {
                String id = c.existing().windowTargetId();
                SsmErrors.inStep("update target " + t.name(), id, () -> run.ssm()
                        .updateMaintenanceWindowTarget(b -> b.windowId(windowId).windowTargetId(id)
                                .targets(sdk).name(t.name()).ownerInformation(t.ownerInformation()).replace(true)));
                done.add(run.changed(ctx, WindowChanged.Part.TARGET, WindowChanged.Change.UPDATED, t.name(), id, null));
            }
        }
        ctx.put(Facts.TARGET_IDS, new Facts.TargetIds(inDeclaredOrder(ids)));
        return String.join(", ", done);
    }

    private Map<String, String> inDeclaredOrder(Map<String, String> ids) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String name : run.settings().targetNames()) {
            if (ids.containsKey(name)) {
                ordered.put(name, ids.get(name));
            }
        }
        return ordered;
    }
}
