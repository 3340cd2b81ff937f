package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a major version upgrade does to one parameter group: a cluster on a default group moves to
 * the new family's default (as the console does); a custom group is recreated in the new family
 * with the parameters the user set, and the ones the new family no longer has are listed, not
 * silently dropped.
 *
 * <pre>{@code
 * for (UpgradeParameterGroup g : result.parameterGroups()) System.out.println(g);
 * // cluster parameter group orders-56 (aurora5.6) -> orders-56-aurora-mysql57 (aurora-mysql5.7), recreated;
 * //   carried over {binlog_format=ROW}; not carried over [query_cache_size]
 * }</pre>
 *
 * @param level {@code CLUSTER} (DB cluster parameter group) or {@code INSTANCE} (DB parameter group)
 * @param before the group before the upgrade
 * @param beforeFamily its family, e.g. {@code aurora5.6}
 * @param after the group after the upgrade (the same one if the family does not change)
 * @param afterFamily its family, e.g. {@code aurora-mysql5.7}
 * @param recreated true if {@code after} is a custom group this upgrade made from {@code before}
 * @param carriedOver parameters set by the user in {@code before}, with their values, also set in {@code after}
 * @param notCarriedOver parameters set in {@code before} that the new family does not have
 */
public record UpgradeParameterGroup(Level level, String before, String beforeFamily, String after,
        String afterFamily, boolean recreated, Map<String, String> carriedOver, List<String> notCarriedOver) {

    /** Which kind of parameter group. */
    public enum Level {
        /** A DB cluster parameter group. */
        CLUSTER,
        /** A DB (instance) parameter group. */
        INSTANCE
    }

    /** Checks the parts and copies the collections (keeping the order of the map). */
    public UpgradeParameterGroup {
        Objects.requireNonNull(level, "level");
        if (before == null || after == null) {
            throw new InvalidInputException("parameter group", String.valueOf(before == null ? before : after),
                    "give both the group before and after the upgrade");
        }
        carriedOver = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(carriedOver));
        notCarriedOver = List.copyOf(notCarriedOver);
    }

    /** @return true if the group changes with the upgrade */
    public boolean changes() {
        return !before.equals(after);
    }

    @Override
    public String toString() {
        String kind = level == Level.CLUSTER ? "cluster parameter group " : "instance parameter group ";
        return kind + before + " (" + beforeFamily + ") -> " + after + " (" + afterFamily + ")"
                + (recreated ? ", recreated" : "")
                + (carriedOver.isEmpty() ? "" : "; carried over " + carriedOver)
                + (notCarriedOver.isEmpty() ? "" : "; not carried over (no longer in " + afterFamily + ") "
                        + notCarriedOver);
    }
}
