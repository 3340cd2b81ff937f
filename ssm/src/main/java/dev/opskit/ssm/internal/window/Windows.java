package dev.opskit.ssm.internal.window;

import dev.opskit.core.ConflictException;
import dev.opskit.ssm.internal.SsmErrors;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowIdentity;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTarget;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTask;

/** The reads the apply's steps observe with. Transient failures come out unchanged (see {@link SsmErrors#inStep}). */
public final class Windows {
    private Windows() {
    }

    /**
     * @param ssm the client
     * @param name a window name
     * @return the window of that name, or null if there is none
     * @throws ConflictException if several windows have that name
     */
    public static MaintenanceWindowIdentity find(SsmClient ssm, String name) {
        List<MaintenanceWindowIdentity> found = SsmErrors.inStep("find window " + name, name, () -> {
            List<MaintenanceWindowIdentity> out = new ArrayList<>();
            ssm.describeMaintenanceWindowsPaginator(b -> b.filters(f -> f.key("Name").values(name)))
                    .forEach(p -> p.windowIdentities().stream().filter(w -> name.equals(w.name())).forEach(out::add));
            return out;
        });
        if (found.size() > 1) {
            throw new ConflictException(name, found.size() + " maintenance windows are named '" + name + "' ("
                    + found.stream().map(MaintenanceWindowIdentity::windowId).toList()
                    + "); delete or rename the extra ones so the name is unique");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    static int count(SsmClient ssm, String name) {
        return SsmErrors.inStep("count windows", name, () -> {
            int[] n = {0};
            ssm.describeMaintenanceWindowsPaginator(b -> b.maxResults(100))
                    .forEach(p -> n[0] += p.windowIdentities().size());
            return n[0];
        });
    }

    static List<MaintenanceWindowTarget> targets(SsmClient ssm, String windowId) {
        return SsmErrors.inStep("list targets of " + windowId, windowId, () -> {
            List<MaintenanceWindowTarget> out = new ArrayList<>();
            ssm.describeMaintenanceWindowTargetsPaginator(b -> b.windowId(windowId)).forEach(p -> out.addAll(p.targets()));
            return out;
        });
    }

    static List<MaintenanceWindowTask> tasks(SsmClient ssm, String windowId) {
        return SsmErrors.inStep("list tasks of " + windowId, windowId, () -> {
            List<MaintenanceWindowTask> out = new ArrayList<>();
            ssm.describeMaintenanceWindowTasksPaginator(b -> b.windowId(windowId)).forEach(p -> out.addAll(p.tasks()));
            return out;
        });
    }

    /** A target's or task's name for messages: its name, or its id if it has none. */
    static String label(String name, String id) {
        return name != null ? name : id;
    }
}
