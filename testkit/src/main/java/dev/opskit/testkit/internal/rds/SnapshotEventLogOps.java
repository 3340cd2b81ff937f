package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.rds.EngineCatalog.EngineVersion;
import dev.opskit.testkit.internal.rds.RdsModel.Cluster;
import dev.opskit.testkit.internal.rds.RdsModel.Event;
import dev.opskit.testkit.internal.rds.RdsModel.Instance;
import dev.opskit.testkit.internal.rds.RdsModel.LogFile;
import dev.opskit.testkit.internal.rds.RdsModel.Snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What RDS records about resources: cluster snapshots (records only, no data), events, the
 * engine version catalogue and instances' log files. Called under the {@link RdsBackend}'s lock.
 */
final class SnapshotEventLogOps {
    private static final Set<String> SOURCE_TYPES = Set.of("db-instance", "db-parameter-group",
            "db-security-group", "db-snapshot", "db-cluster", "db-cluster-snapshot", "custom-engine-version",
            "db-proxy", "blue-green-deployment");
    /** Not in the model's SourceType enum; accepted as a filter for events of cluster parameter groups. */
    private static final String CLUSTER_PG_SOURCE = "db-cluster-parameter-group";

    private final RdsBackend backend;

    SnapshotEventLogOps(RdsBackend backend) {
        this.backend = backend;
    }

    /** A {@code DescribeEvents} request; null members do not narrow the result. */
    record EventQuery(String sourceId, String sourceType, Instant start, Instant end, Integer durationMinutes,
            List<String> categories) {
    }

    /** A {@code DescribeDBLogFiles} request; null members do not narrow the result. */
    record LogFileQuery(String nameContains, Long writtenSinceMillis, Long largerThan) {
    }

    /** One portion of a log file: its text, the marker of what follows, and whether more follows. */
    record Portion(String data, String marker, boolean more) {
    }

    Snapshot createSnapshot(RdsModel r, String id, String clusterId) {
        Cluster c = r.cluster(clusterId);
        if (!c.status.equals("available")) {
            throw RdsErrors.invalidClusterState("DB cluster " + c.id + " is in state " + c.status
                    + "; a snapshot can be taken only while it is available.");
        }
        if (r.snapshots.containsKey(id)) {
            throw RdsErrors.badRequest(RdsErrors.SNAPSHOT_ALREADY_EXISTS,
                    "Cannot create the cluster snapshot because one with the identifier " + id + " already exists.");
        }
        Snapshot s = new Snapshot(id, c, r.now(), "manual");
        r.snapshots.put(id, s);
        String arn = r.arn("cluster-snapshot", id);
        r.event("db-cluster-snapshot", id, arn, "Creating manual cluster snapshot", "backup");
        backend.transitions.start(r, "db-cluster-snapshot", id, "creating", backend.timings.snapshot(), null,
                (none, failure) -> {
                    s.status = "available";
                    s.percent = 100;
                    r.event("db-cluster-snapshot", id, arn, "Manual cluster snapshot created", "backup");
                    return s.status;
                });
        return s;
    }

    List<Snapshot> describeSnapshots(RdsModel r, String id, String clusterId, String type) {
        List<Snapshot> found = RdsModel.oneOrAll(r.snapshots, id, missing -> RdsErrors.notFound(
                RdsErrors.SNAPSHOT_NOT_FOUND, "DBClusterSnapshot " + missing + " not found."));
        found.removeIf(s -> (clusterId != null && !s.clusterId.equals(clusterId))
                || (type != null && !s.type.equals(type)));
        return found;
    }

    List<Event> describeEvents(RdsModel r, EventQuery q) {
        String sourceType = q.sourceType();
        if (sourceType != null && !SOURCE_TYPES.contains(sourceType) && !sourceType.equals(CLUSTER_PG_SOURCE)) {
            throw RdsErrors.invalidValue("Invalid SourceType: " + sourceType + ". Valid values are "
                    + String.join(", ", new TreeSet<>(SOURCE_TYPES)) + ".");
        }
        Integer duration = q.durationMinutes();
        if (duration != null && duration < 0) {
            throw RdsErrors.invalidValue("Duration must be a number of minutes of 0 or more, was " + duration + ".");
        }
        Instant end = q.end() != null ? q.end() : r.now();
        Instant start = q.start() != null ? q.start() : end.minus(Duration.ofMinutes(duration == null ? 60 : duration));
        if (start.isAfter(end)) {
            throw RdsErrors.invalidValue("StartTime " + start + " is after EndTime " + end + ".");
        }
        List<Event> found = new ArrayList<>();
        for (Event e : r.events) {
            if (e.date().isBefore(start) || e.date().isAfter(end)
                    || (q.sourceId() != null && !e.sourceId().equals(q.sourceId()))
                    || (sourceType != null && !matchesSourceType(e, sourceType))
                    || (!q.categories().isEmpty() && e.categories().stream().noneMatch(q.categories()::contains))) {
                continue;
            }
            found.add(e);
        }
        return found;
    }

    private static boolean matchesSourceType(Event e, String sourceType) {
        if (sourceType.equals(CLUSTER_PG_SOURCE)) {
            return e.sourceArn().contains(":cluster-pg:");
        }
        return e.sourceType().equals(sourceType);
    }

    static List<EngineVersion> describeEngineVersions(String engine, String version, String family,
            boolean defaultOnly) {
        List<EngineVersion> found = new ArrayList<>();
        for (EngineVersion v : EngineCatalog.all()) {
            if ((engine == null || v.engine().equals(engine)) && (version == null || v.version().equals(version))
                    && (family == null || v.family().equals(family)) && (!defaultOnly || v.isDefault())) {
                found.add(v);
            }
        }
        return found;
    }

    List<LogFile> describeLogFiles(RdsModel r, String instanceId, LogFileQuery q) {
        Instance i = r.instance(instanceId);
        List<LogFile> found = new ArrayList<>();
        for (LogFile f : i.logFiles.values()) {
            if ((q.nameContains() == null || f.name().contains(q.nameContains()))
                    && (q.writtenSinceMillis() == null || f.lastWritten().toEpochMilli() >= q.writtenSinceMillis())
                    && (q.largerThan() == null || f.size() > q.largerThan())) {
                found.add(f);
            }
        }
        return found;
    }

    /**
     * Markers are line offsets; without {@code lines} the rest of the file comes in one portion.
     *
     * @param marker the marker of the previous portion, or null or empty for the start
     * @param lines how many lines at most, or null for all that follow
     */
    Portion downloadLogFilePortion(RdsModel r, String instanceId, String name, String marker, Integer lines) {
        Instance i = r.instance(instanceId);
        LogFile f = i.logFiles.get(name);
        if (f == null) {
            throw RdsErrors.notFound(RdsErrors.LOG_FILE_NOT_FOUND, "DBLog File: " + name
                    + ", is not found on the DB instance: " + i.id + ". List its files with DescribeDBLogFiles.");
        }
        int from;
        try {
            from = marker == null || marker.isEmpty() ? 0 : Integer.parseInt(marker);
        } catch (NumberFormatException e) {
            throw RdsErrors.invalidValue("The marker " + marker
                    + " is not valid; pass \"0\" or the Marker returned by the previous call");
        }
        if (lines != null && lines < 1) {
            throw RdsErrors.invalidValue("NumberOfLines must be at least 1, was " + lines + ".");
        }
        String[] all = f.text().split("\n", -1);
        int total = f.text().endsWith("\n") ? all.length - 1 : all.length;
        int start = Math.min(Math.max(from, 0), total);
        int end = lines == null ? total : Math.min(total, start + lines);
        StringBuilder data = new StringBuilder();
        for (int n = start; n < end; n++) {
            data.append(all[n]).append('\n');
        }
        return new Portion(data.toString(), Integer.toString(end), end < total);
    }
}
