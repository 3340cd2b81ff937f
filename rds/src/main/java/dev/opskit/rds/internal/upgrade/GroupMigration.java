package dev.opskit.rds.internal.upgrade;

import dev.opskit.rds.UpgradeParameterGroup;
import dev.opskit.rds.UpgradeParameterGroup.Level;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parameter groups across a family change: default groups map to the new family's default,
 * custom groups to a copy in the new family named {@code <name>-<family>} (e.g.
 * {@code orders-aurora-mysql57}) with the user-set parameters the new family still has.
 */
final class GroupMigration {
    private static final int MAX_PER_CALL = 20;

    private final RdsClient rds;

    GroupMigration(RdsClient rds) {
        this.rds = rds;
    }

    static boolean isDefault(String group) {
        return group.startsWith("default.");
    }

    /** The name of the copy of a custom group in a new family. */
    static String copyName(String group, String family) {
        String suffix = family.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
        String name = group + "-" + suffix;
        return name.replaceAll("-{2,}", "-");
    }

    String family(Level level, String group) {
        return level == Level.CLUSTER
                ? rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName(group))
                        .dbClusterParameterGroups().get(0).dbParameterGroupFamily()
                : rds.describeDBParameterGroups(r -> r.dbParameterGroupName(group))
                        .dbParameterGroups().get(0).dbParameterGroupFamily();
    }

    Optional<String> familyIfExists(Level level, String group) {
        try {
            return Optional.of(family(level, group));
        } catch (DbParameterGroupNotFoundException | DbClusterParameterGroupNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Parameters set by the user (Source=user), in the order RDS lists them. */
    Map<String, String> userParameters(Level level, String group) {
        Map<String, String> out = new LinkedHashMap<>();
        List<Parameter> params = new ArrayList<>();
        if (level == Level.CLUSTER) {
            rds.describeDBClusterParametersPaginator(r -> r.dbClusterParameterGroupName(group).source("user"))
                    .forEach(p -> params.addAll(p.parameters()));
        } else {
            rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(group).source("user"))
                    .forEach(p -> params.addAll(p.parameters()));
        }
        for (Parameter p : params) {
            if (p.parameterValue() != null) {
                out.put(p.parameterName(), p.parameterValue());
            }
        }
        return out;
    }

    /** The names of the modifiable parameters of a family, read from its default group. */
    Set<String> modifiableNames(Level level, String family) {
        String group = "default." + family;
        Set<String> out = new TreeSet<>();
        List<Parameter> params = new ArrayList<>();
        if (level == Level.CLUSTER) {
            rds.describeDBClusterParametersPaginator(r -> r.dbClusterParameterGroupName(group))
                    .forEach(p -> params.addAll(p.parameters()));
        } else {
            rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(group))
                    .forEach(p -> params.addAll(p.parameters()));
        }
        for (Parameter p : params) {
            if (!Boolean.FALSE.equals(p.isModifiable())) {
                out.add(p.parameterName());
            }
        }
        return out;
    }

    /** What should happen to one group, from what exists now. */
    UpgradeParameterGroup plan(Level level, String group, String fromFamily, String toFamily) {
        if (fromFamily.equals(toFamily)) {
            return new UpgradeParameterGroup(level, group, fromFamily, group, toFamily, false, Map.of(), List.of());
        }
        if (isDefault(group)) {
            return new UpgradeParameterGroup(level, group, fromFamily, "default." + toFamily, toFamily, false,
                    Map.of(), List.of());
        }
        Map<String, String> user = userParameters(level, group);
        Set<String> available = modifiableNames(level, toFamily);
        Map<String, String> carried = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        user.forEach((k, v) -> {
            if (available.contains(k)) {
                carried.put(k, v);
            } else {
                dropped.add(k);
            }
        });
        return new UpgradeParameterGroup(level, group, fromFamily, copyName(group, toFamily), toFamily, true,
                carried, dropped);
    }

    /** What the copy lacks: parameters to set, or all of them if it does not exist. Empty when in sync. */
    Optional<Map<String, String>> missing(UpgradeParameterGroup g) {
        if (!g.recreated()) {
            return Optional.empty();
        }
        Optional<String> family = familyIfExists(g.level(), g.after());
        if (family.isEmpty()) {
            return Optional.of(g.carriedOver());
        }
        if (!family.get().equals(g.afterFamily())) {
            throw new dev.opskit.core.ConflictException(g.after(), "parameter group " + g.after() + " exists with"
                    + " family " + family.get() + ", not " + g.afterFamily() + "; delete or rename it and run again");
        }
        Map<String, String> have = userParameters(g.level(), g.after());
        Map<String, String> out = new LinkedHashMap<>();
        g.carriedOver().forEach((k, v) -> {
            if (!v.equals(have.get(k))) {
                out.put(k, v);
            }
        });
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    /** Creates the copy if needed and sets the given parameters (pending-reboot: the upgrade restarts). */
    void apply(UpgradeParameterGroup g, Map<String, String> toSet, String clusterId) {
        String description = "Copy of " + g.before() + " for the upgrade of " + clusterId + " to " + g.afterFamily();
        if (familyIfExists(g.level(), g.after()).isEmpty()) {
            if (g.level() == Level.CLUSTER) {
                rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(g.after())
                        .dbParameterGroupFamily(g.afterFamily()).description(description));
            } else {
                rds.createDBParameterGroup(r -> r.dbParameterGroupName(g.after())
                        .dbParameterGroupFamily(g.afterFamily()).description(description));
            }
        }
        List<Parameter> params = new ArrayList<>();
        toSet.forEach((k, v) -> params.add(Parameter.builder().parameterName(k).parameterValue(v)
                .applyMethod(ApplyMethod.PENDING_REBOOT).build()));
        for (int i = 0; i < params.size(); i += MAX_PER_CALL) {
            List<Parameter> chunk = params.subList(i, Math.min(params.size(), i + MAX_PER_CALL));
            if (g.level() == Level.CLUSTER) {
                rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(g.after()).parameters(chunk));
            } else {
                rds.modifyDBParameterGroup(r -> r.dbParameterGroupName(g.after()).parameters(chunk));
            }
        }
    }
}
