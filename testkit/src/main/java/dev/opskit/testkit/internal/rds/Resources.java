package dev.opskit.testkit.internal.rds;

import dev.opskit.core.Secret;
import dev.opskit.testkit.internal.db.DbServer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RDS resources of one account in one region. Entities are mutable and guarded by the
 * owning {@link RdsService}'s lock: they move through states over time, as RDS resources do.
 */
final class Resources {
    final String account;
    final String region;
    final Map<String, Cluster> clusters = new TreeMap<>();
    final Map<String, Instance> instances = new TreeMap<>();
    final Map<String, ParamGroup> clusterGroups = new TreeMap<>();
    final Map<String, ParamGroup> instanceGroups = new TreeMap<>();
    final Map<String, Snapshot> snapshots = new TreeMap<>();
    final List<Event> events = new ArrayList<>();

    Resources(String account, String region) {
        this.account = account;
        this.region = region;
        for (String family : List.of("aurora5.6", "aurora-mysql5.7", "aurora-mysql8.0")) {
            String name = "default." + family;
            clusterGroups.put(name, new ParamGroup(name, family, "Default cluster parameter group for " + family,
                    true, true));
            instanceGroups.put(name, new ParamGroup(name, family, "Default parameter group for " + family,
                    false, true));
        }
    }

    String arn(String type, String id) {
        return "arn:aws:rds:" + region + ":" + account + ":" + type + ":" + id;
    }

    List<Instance> membersOf(Cluster c) {
        List<Instance> out = new ArrayList<>();
        for (Instance i : instances.values()) {
            if (i.clusterId.equals(c.id)) {
                out.add(i);
            }
        }
        return out;
    }

    /** One recorded RDS event. */
    record Event(String sourceId, String sourceType, String message, List<String> categories, Instant date,
            String sourceArn) {
        Event {
            categories = List.copyOf(categories);
        }
    }

    static final class Cluster {
        final String id;
        final String resourceId;
        final Instant createdAt;
        final String masterUsername;
        final Secret masterPassword;
        final int serverId;
        final String databaseName;
        final boolean deletionProtection;
        String engine;
        String engineVersion;
        String status;
        String parameterGroup;
        String cloneGroupId;
        String pendingEngineVersion;
        /** Backtrack window in seconds; 0 means backtracking is off. */
        long backtrackWindow;
        DbServer server;
        /** The source whose server this cluster copies once its creation reaches that point. */
        Cluster cloneSource;
        /** Tags by key, in the order they were first added. */
        final Map<String, String> tags = new LinkedHashMap<>();

        Cluster(String id, String resourceId, Instant createdAt, String engine, String engineVersion,
                String masterUsername, Secret masterPassword, int serverId, String databaseName,
                boolean deletionProtection, String parameterGroup) {
            this.id = id;
            this.resourceId = resourceId;
            this.createdAt = createdAt;
            this.engine = engine;
            this.engineVersion = engineVersion;
            this.masterUsername = masterUsername;
            this.masterPassword = masterPassword;
            this.serverId = serverId;
            this.databaseName = databaseName;
            this.deletionProtection = deletionProtection;
            this.parameterGroup = parameterGroup;
            this.status = "creating";
        }
    }

    static final class Instance {
        final String id;
        final String resourceId;
        final String clusterId;
        final String instanceClass;
        final String availabilityZone;
        final int promotionTier;
        String engine;
        String engineVersion;
        String status = "creating";
        String parameterGroup;
        String clusterParameterGroupStatus = "in-sync";
        boolean writer;
        Instant createdAt;
        /** Log files by name, in the order they were first written. */
        final Map<String, LogFile> logFiles = new LinkedHashMap<>();
        /** Tags by key, in the order they were first added. */
        final Map<String, String> tags = new LinkedHashMap<>();

        Instance(String id, String resourceId, String clusterId, String instanceClass, String availabilityZone,
                int promotionTier, String engine, String engineVersion, String parameterGroup) {
            this.id = id;
            this.resourceId = resourceId;
            this.clusterId = clusterId;
            this.instanceClass = instanceClass;
            this.availabilityZone = availabilityZone;
            this.promotionTier = promotionTier;
            this.engine = engine;
            this.engineVersion = engineVersion;
            this.parameterGroup = parameterGroup;
        }
    }

    /** A database log file of an instance, such as {@code upgrade-prechecks.log}. */
    record LogFile(String name, String text, Instant lastWritten) {
        long size() {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
    }

    static final class ParamGroup {
        final String name;
        final String family;
        final String description;
        final boolean cluster;
        final boolean isDefault;
        /** Values set by the user, by parameter name, with their apply method. */
        final Map<String, String[]> userValues = new LinkedHashMap<>();
        /** Tags by key, in the order they were first added. */
        final Map<String, String> tags = new LinkedHashMap<>();

        ParamGroup(String name, String family, String description, boolean cluster, boolean isDefault) {
            this.name = name;
            this.family = family;
            this.description = description;
            this.cluster = cluster;
            this.isDefault = isDefault;
        }

        String value(String parameter, String dflt) {
            String[] v = userValues.get(parameter);
            return v == null ? dflt : v[0];
        }
    }

    static final class Snapshot {
        final String id;
        final String clusterId;
        final String engine;
        final String engineVersion;
        final String masterUsername;
        final Instant clusterCreatedAt;
        final Instant createdAt;
        final String type;
        String status = "creating";
        int percent;

        Snapshot(String id, Cluster c, Instant createdAt, String type) {
            this.id = id;
            this.clusterId = c.id;
            this.engine = c.engine;
            this.engineVersion = c.engineVersion;
            this.masterUsername = c.masterUsername;
            this.clusterCreatedAt = c.createdAt;
            this.createdAt = createdAt;
            this.type = type;
        }
    }
}
