package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.rds.ParameterCatalog.Definition;
import dev.opskit.testkit.internal.rds.RdsModel.Cluster;
import dev.opskit.testkit.internal.rds.RdsModel.ParamGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cluster and instance parameter groups: create, describe, their parameters, modify (a change
 * to a cluster group applies to its clusters' members: {@code pending-reboot} for static
 * parameters) and delete. {@code cluster} says which of the two kinds a call is about. Called
 * under the {@link RdsBackend}'s lock.
 */
final class ParameterGroupOps {
    private static final Set<String> SOURCES = Set.of("user", "engine-default", "system");

    private final RdsBackend backend;

    ParameterGroupOps(RdsBackend backend) {
        this.backend = backend;
    }

    /** One entry of a {@code ModifyDB[Cluster]ParameterGroup} request; {@code applyMethod} may be null. */
    record Change(String name, String value, String applyMethod) {
    }

    ParamGroup create(RdsModel r, boolean cluster, String name, String family, String description,
            Map<String, String> tags) {
        if (!EngineCatalog.isFamily(family)) {
            throw RdsErrors.invalidValue("The parameter DBParameterGroupFamily is not a valid parameter group "
                    + "family: " + family + ". Valid families are aurora5.6, aurora-mysql5.7 and aurora-mysql8.0.");
        }
        Map<String, ParamGroup> groups = r.groups(cluster);
        if (groups.containsKey(name)) {
            throw RdsErrors.badRequest(RdsErrors.PG_ALREADY_EXISTS, "Parameter group " + name + " already exists");
        }
        ParamGroup g = new ParamGroup(name, family, description, cluster, false);
        g.tags.putAll(tags);
        groups.put(name, g);
        return g;
    }

    List<ParamGroup> describe(RdsModel r, boolean cluster, String name) {
        return RdsModel.oneOrAll(r.groups(cluster), name,
                n -> RdsModel.groupNotFound(n, cluster, RdsErrors.PG_NOT_FOUND));
    }

    void delete(RdsModel r, boolean cluster, String name) {
        ParamGroup g = r.group(name, cluster, RdsErrors.PG_NOT_FOUND);
        if (g.isDefault) {
            throw RdsErrors.badRequest(RdsErrors.INVALID_PG_STATE, "Default " + (cluster
                    ? "DBClusterParameterGroup" : "DBParameterGroup") + " cannot be deleted: " + name);
        }
        List<String> users = new ArrayList<>();
        if (cluster) {
            r.clusters.values().stream().filter(c -> c.parameterGroup.equals(name)).forEach(c -> users.add(c.id));
        } else {
            r.instances.values().stream().filter(i -> i.parameterGroup.equals(name)).forEach(i -> users.add(i.id));
        }
        if (!users.isEmpty()) {
            throw RdsErrors.badRequest(RdsErrors.INVALID_PG_STATE, "One or more "
                    + (cluster ? "DB clusters" : "database instances") + " are still members of this parameter group "
                    + name + ", so the group cannot be deleted: " + String.join(", ", users));
        }
        r.groups(cluster).remove(name);
    }

    /** The group and those of its parameters from {@code source} (user, engine-default, system; null for all). */
    Map.Entry<ParamGroup, List<Definition>> parameters(RdsModel r, boolean cluster, String name, String source) {
        ParamGroup g = r.group(name, cluster, RdsErrors.PG_NOT_FOUND);
        if (source != null && !SOURCES.contains(source)) {
            throw RdsErrors.invalidValue("Invalid value for Source: " + source
                    + ". Valid values are user, engine-default and system.");
        }
        List<Definition> defs = new ArrayList<>(definitions(g));
        defs.removeIf(d -> source != null
                && !source.equals(g.userValues.containsKey(d.name()) ? "user" : d.source()));
        return Map.entry(g, defs);
    }

    ParamGroup modify(RdsModel r, boolean cluster, String name, List<Change> changes) {
        if (changes.isEmpty()) {
            throw AwsError.missingParameter("Parameters");
        }
        ParamGroup g = r.group(name, cluster, RdsErrors.PG_NOT_FOUND);
        if (g.isDefault) {
            throw RdsErrors.invalidValue("Default parameter groups cannot be modified: " + name
                    + ". Create a custom parameter group of family " + g.family + " and modify that.");
        }
        if (changes.size() > 20) {
            throw RdsErrors.invalidValue("At most 20 parameters can be modified in one request; got "
                    + changes.size() + ".");
        }
        List<Definition> defs = definitions(g);
        List<Change> accepted = new ArrayList<>();
        boolean staticChanged = false;
        for (Change change : changes) {
            String pname = change.name();
            if (pname == null || pname.isEmpty()) {
                throw AwsError.missingParameter("ParameterName");
            }
            Definition d = ParameterCatalog.find(defs, pname).orElseThrow(() -> RdsErrors.invalidValue(
                    "Could not find parameter with name: " + pname));
            if (!d.modifiable()) {
                throw RdsErrors.invalidValue("The parameter " + pname + " cannot be modified.");
            }
            String raw = change.value();
            String value = d.accept(raw).orElseThrow(() -> RdsErrors.invalidValue("Invalid parameter value: " + raw
                    + " for: " + pname + " allowed values are: " + d.allowedValues()));
            String method = change.applyMethod() != null ? change.applyMethod()
                    : d.dynamic() ? "immediate" : "pending-reboot";
            if (!method.equals("immediate") && !method.equals("pending-reboot")) {
                throw RdsErrors.invalidValue("Invalid ApplyMethod: " + method
                        + ". Valid values are immediate and pending-reboot.");
            }
            if (method.equals("immediate") && !d.dynamic()) {
                throw RdsErrors.invalidCombination("cannot use immediate apply method for static parameter");
            }
            staticChanged |= !d.dynamic() || method.equals("pending-reboot");
            accepted.add(new Change(pname, value, method));
        }
        for (Change a : accepted) {
            g.userValues.put(a.name(), new String[] {a.value(), a.applyMethod()});
            r.event("db-parameter-group", g.name, r.arn(cluster ? "cluster-pg" : "pg", g.name),
                    "Updated parameter " + a.name() + " to " + a.value() + " with apply method " + a.applyMethod(),
                    "configuration change");
        }
        if (cluster) {
            for (Cluster c : r.clusters.values()) {
                if (c.parameterGroup.equals(g.name) && !c.status.equals("deleting")) {
                    backend.clusters.applyGroupChange(r, c, staticChanged);
                }
            }
        }
        return g;
    }

    private static List<Definition> definitions(ParamGroup g) {
        return g.cluster ? ParameterCatalog.clusterParameters(g.family)
                : ParameterCatalog.instanceParameters(g.family);
    }
}
