package dev.opskit.ssm.internal.window;

import dev.opskit.core.RunContext;
import java.util.Map;
import java.util.Set;

/** The facts one step of the apply finds or makes and later steps use. */
final class Facts {
    private Facts() {
    }

    /** The ids of the declared targets that are registered, by target name, in declaration order. */
    record TargetIds(Map<String, String> byName) {
        TargetIds {
            byName = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byName));
        }
    }

    /** The window tasks the tasks step has matched to declared tasks (or is replacing). */
    record TaskIds(Set<String> ids) {
        TaskIds {
            ids = Set.copyOf(ids);
        }
    }

    /** The window's id; absent only in a plan, when the window step would create it. */
    static final RunContext.Key<String> WINDOW_ID = RunContext.Key.of("window id", String.class);
    /** Put by the targets step, observing or acting. */
    static final RunContext.Key<TargetIds> TARGET_IDS = RunContext.Key.of("target ids", TargetIds.class);
    /** Put by the tasks step, observing or acting. */
    static final RunContext.Key<TaskIds> DECLARED_TASK_IDS = RunContext.Key.of("declared task ids", TaskIds.class);
}
