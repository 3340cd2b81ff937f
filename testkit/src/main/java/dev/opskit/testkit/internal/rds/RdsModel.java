package dev.opskit.testkit.internal.rds;

import dev.opskit.core.Secret;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.protocol.AwsError;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The RDS resources of one account in one region, like moto's backend state: the entities, the
 * events recorded about them, and lookups that fail with RDS's errors. Entities are mutable and
 * guarded by the {@link RdsBackend}'s lock: they move through states over time, as RDS
 * resources do.
 */
final class RdsModel {
    final String account;
    final String region;
    final Map<String, Cluster> clusters = new TreeMap<>();
    final Map<String, Instance> instances = new TreeMap<>();
    final Map<String, ParamGroup> clusterGroups = new TreeMap<>();
    final Map<String, ParamGroup> instanceGroups = new TreeMap<>();
    final Map<String, Snapshot> snapshots = new TreeMap<>();
    final List<Event> events = new ArrayList<>();
    private final Clock clock;

    RdsModel(String account, String region, Clock clock) {
        this.account = account;
        this.region = region;
        this.clock = clock;
        for (String family : List.of("aurora5.6", "aurora-mysql5.7", "aurora-mysql8.0")) {
            String name = "default." + family;
            clusterGroups.put(name, new ParamGroup(name, family, "Default cluster parameter group for " + family,
                    true, true));
            instanceGroups.put(name, new ParamGroup(name, family, "Default parameter group for " + family,
                    false, true));
        }
    }

    /** @return the time on LocalAws's clock */
    Instant now() {
        return clock.instant();
    }

    String arn(String type, String id) {
        return "arn:aws:rds:" + region + ":" + account + ":" + type + ":" + id;
    }

    /** Records an event about a resource, stamped with LocalAws's clock. */
    void event(String sourceType, String id, String arn, String message, String... categories) {
        events.add(new Event(id, sourceType, message, List.of(categories), now(), arn));
    }

    void clusterEvent(Cluster c, String message, String... categories) {
        event("db-cluster", c.id, arn("cluster", c.id), message, categories);
    }

    void instanceEvent(Instance i, String message, String... categories) {
        event("db-instance", i.id, arn("db", i.id), message, categories);
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

    Cluster cluster(String id) {
        Cluster c = clusters.get(id);
        if (c == null) {
            throw RdsErrors.clusterNotFound(id);
        }
        return c;
    }

    Instance instance(String id) {
        Instance i = instances.get(id);
        if (i == null) {
            throw RdsErrors.instanceNotFound(id);
        }
        return i;
    }

    Map<String, ParamGroup> groups(boolean cluster) {
        return cluster ? clusterGroups : instanceGroups;
    }

    ParamGroup group(String name, boolean cluster, String notFoundCode) {
        ParamGroup g = groups(cluster).get(name);
        if (g == null) {
            throw groupNotFound(name, cluster, notFoundCode);
        }
        return g;
    }

    static AwsError groupNotFound(String name, boolean cluster, String code) {
        return RdsErrors.notFound(code, cluster ? "DBClusterParameterGroup not found: " + name
                : "DBParameterGroup not found: " + name);
    }

    /** A cluster parameter group to attach: it must exist and be of the version's family. */
    String clusterGroupFor(String requested, EngineCatalog.EngineVersion version) {
        if (requested == null) {
            return "default." + version.family();
        }
        ParamGroup g = group(Inputs.lookup(requested), true, RdsErrors.CLUSTER_PG_NOT_FOUND);
        checkFamily(g, version);
        return g.name;
    }

    String instanceGroupFor(String requested, EngineCatalog.EngineVersion version) {
        ParamGroup g = group(Inputs.lookup(requested), false, RdsErrors.PG_NOT_FOUND);
        checkFamily(g, version);
        return g.name;
    }

    private static void checkFamily(ParamGroup g, EngineCatalog.EngineVersion version) {
        if (!g.family.equals(version.family())) {
            throw RdsErrors.invalidCombination("The Parameter Group " + g.name + " with DBParameterGroupFamily "
                    + g.family + " cannot be used for this instance. Please use a Parameter Group with "
                    + "DBParameterGroupFamily " + version.family());
        }
    }

    /** {@code binlog_format} of the cluster's parameter group as the server setting: null when OFF. */
    String binlogFormatOf(Cluster c) {
        ParamGroup g = clusterGroups.get(c.parameterGroup);
        String format = g == null ? "OFF" : g.value("binlog_format", "OFF");
        return format.equals("OFF") ? null : format;
    }

    /**
     * What a Describe call names: the one resource with that identifier (or RDS's not-found error),
     * or every resource when no identifier is given.
     */
    static <T> List<T> oneOrAll(Map<String, T> resources, String id, Function<String, AwsError> notFound) {
        if (id == null) {
            return new ArrayList<>(resources.values());
        }
        T found = resources.get(id);
        if (found == null) {
            throw notFound.apply(id);
        }
        return new ArrayList<>(List.of(found));
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
        /** The engine version upgrade waiting for the maintenance window, or null. */
        PendingUpgrade pendingUpgrade;
        MaintenanceWindow maintenanceWindow = MaintenanceWindow.DEFAULT;
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

    /**
     * An engine version upgrade requested with {@code ApplyImmediately=false}, with what was chosen
     * at request time, so that the maintenance window runs exactly what an immediate request would.
     *
     * @param target the version to upgrade to
     * @param major whether it is a major version upgrade
     * @param clusterGroup the cluster parameter group after the upgrade
     * @param memberGroup the instance parameter group after the upgrade, or null to keep (or default)
     * @param since the request, or the latest change of the window since: the upgrade starts at the
     *     first window start after this
     */
    record PendingUpgrade(EngineCatalog.EngineVersion target, boolean major, String clusterGroup, String memberGroup,
            Instant since) {
        PendingUpgrade since(Instant later) {
            return new PendingUpgrade(target, major, clusterGroup, memberGroup, later);
        }
    }

    /**
     * A weekly maintenance window in UTC, {@code ddd:hh24:mi-ddd:hh24:mi}, validated as RDS does.
     *
     * @param text the window as RDS shows it (lower case)
     * @param startMinute the start, in minutes from Monday 00:00 UTC
     * @param minutes its length
     */
    record MaintenanceWindow(String text, int startMinute, int minutes) {
        private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
        private static final int WEEK = 7 * 24 * 60;
        private static final java.util.regex.Pattern FORMAT = java.util.regex.Pattern.compile(
                "([a-z]{3}):([0-9]{2}):([0-9]{2})-([a-z]{3}):([0-9]{2}):([0-9]{2})");
        /** LocalAws's fixed daily backup window, {@code 07:00-07:30}, in minutes of the day. */
        private static final int BACKUP_START = 7 * 60;
        private static final int BACKUP_MINUTES = 30;
        /** The window of a cluster created without one (last: parsing needs the constants above). */
        static final MaintenanceWindow DEFAULT = parse("sun:05:00-sun:05:30");

        /**
         * @param raw the value of a {@code PreferredMaintenanceWindow} parameter
         * @return the window
         * @throws dev.opskit.testkit.internal.protocol.AwsError InvalidParameterValue with RDS's message
         */
        static MaintenanceWindow parse(String raw) {
            String text = raw.trim().toLowerCase(java.util.Locale.ROOT);
            java.util.regex.Matcher m = FORMAT.matcher(text);
            if (text.length() != 19 || !m.matches()) {
                throw RdsErrors.invalidValue("Invalid maintenance window format: " + raw + ". Should be specified as"
                        + " a range ddd:hh24:mi-ddd:hh24:mi (24H Clock UTC). Example: Sun:23:45-Mon:00:15");
            }
            int start = minuteOfWeek(raw, m.group(1), m.group(2), m.group(3));
            int end = minuteOfWeek(raw, m.group(4), m.group(5), m.group(6));
            int minutes = Math.floorMod(end - start, WEEK);
            if (minutes < 30) {
                throw RdsErrors.invalidValue("The maintenance window must be at least 30 minutes.");
            }
            if (minutes > 24 * 60) {
                throw RdsErrors.invalidValue("Maintenance window must be less than 24 hours.");
            }
            MaintenanceWindow w = new MaintenanceWindow(text, start, minutes);
            for (int day = 0; day < 7; day++) {
                // The backup window runs daily: it must clear the maintenance window on every day of the week.
                if (w.overlaps(day * 24 * 60 + BACKUP_START, BACKUP_MINUTES)) {
                    throw RdsErrors.invalidValue("The backup window and maintenance window must not overlap.");
                }
            }
            return w;
        }

        private static int minuteOfWeek(String raw, String day, String hour, String minute) {
            int d = DAYS.indexOf(day);
            int h = Integer.parseInt(hour);
            int mi = Integer.parseInt(minute);
            if (d < 0 || h > 23 || mi > 59) {
                throw RdsErrors.invalidValue("Invalid day:hour:minute value: " + raw);
            }
            return d * 24 * 60 + h * 60 + mi;
        }

        private boolean overlaps(int otherStart, int otherMinutes) {
            int offset = Math.floorMod(otherStart - startMinute, WEEK);
            int back = Math.floorMod(startMinute - otherStart, WEEK);
            return offset < minutes || back < otherMinutes;
        }

        /**
         * @param after a point in time
         * @return the first start of this window strictly after it
         */
        Instant nextStart(Instant after) {
            java.time.ZonedDateTime utc = after.atZone(java.time.ZoneOffset.UTC);
            Instant monday = utc.toLocalDate().with(java.time.temporal.TemporalAdjusters.previousOrSame(
                    java.time.DayOfWeek.MONDAY)).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            Instant start = monday.plus(java.time.Duration.ofMinutes(startMinute));
            return start.isAfter(after) ? start : start.plus(java.time.Duration.ofDays(7));
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
