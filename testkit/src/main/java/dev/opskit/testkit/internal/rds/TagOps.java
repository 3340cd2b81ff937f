package dev.opskit.testkit.internal.rds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tags of DB clusters, DB instances and parameter groups, named by ARN in the caller's account
 * and region. Called under the {@link RdsBackend}'s lock.
 */
final class TagOps {
    /** The most tags a resource can have. */
    private static final int MAX_TAGS = 50;

    /** @return the tags of the resource, in the order they were first added */
    Map<String, String> list(RdsModel r, String arn) {
        return taggable(r, arn);
    }

    void add(RdsModel r, String arn, Map<String, String> add) {
        Map<String, String> tags = taggable(r, arn);
        Map<String, String> merged = new LinkedHashMap<>(tags);
        merged.putAll(add);
        if (merged.size() > MAX_TAGS) {
            throw RdsErrors.invalidValue("A resource can have at most " + MAX_TAGS + " tags; " + arn + " would have "
                    + merged.size() + ". Remove some with RemoveTagsFromResource first.");
        }
        tags.putAll(add);
    }

    void remove(RdsModel r, String arn, List<String> keys) {
        taggable(r, arn).keySet().removeAll(keys);
    }

    /** The live tag map of the resource an ARN names, in the caller's account and region. */
    private static Map<String, String> taggable(RdsModel r, String arn) {
        String[] parts = arn.split(":", 7);
        if (parts.length != 7 || !parts[0].equals("arn") || !parts[2].equals("rds")) {
            throw RdsErrors.invalidValue("The specified resource name " + arn + " is not a valid ARN; pass an ARN "
                    + "such as " + r.arn("cluster", "my-cluster") + ".");
        }
        if (!parts[3].equals(r.region) || !parts[4].equals(r.account)) {
            throw RdsErrors.invalidValue("The specified resource name does not match an RDS resource in this "
                    + "region: " + arn + " (account " + r.account + ", region " + r.region + ").");
        }
        String id = parts[6].toLowerCase(Locale.ROOT);
        return switch (parts[5]) {
            case "cluster" -> r.cluster(id).tags;
            case "db" -> r.instance(id).tags;
            case "cluster-pg" -> r.group(id, true, RdsErrors.CLUSTER_PG_NOT_FOUND).tags;
            case "pg" -> r.group(id, false, RdsErrors.PG_NOT_FOUND).tags;
            default -> throw RdsErrors.invalidValue("LocalAws keeps tags of DB clusters, DB instances and parameter"
                    + " groups only (ARN types cluster, db, cluster-pg, pg), not of " + parts[5] + ": " + arn + ".");
        };
    }
}
