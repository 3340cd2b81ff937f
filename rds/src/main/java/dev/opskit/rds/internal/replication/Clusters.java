package dev.opskit.rds.internal.replication;

import dev.opskit.core.CallRetries;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.rds.BinlogPosition;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBClusterParameterGroup;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
import software.amazon.awssdk.services.rds.model.InvalidDbInstanceStateException;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.SourceType;
import software.amazon.awssdk.services.rds.model.Tag;

/** The RDS calls the replication runbook makes, each observing or changing one thing. */
public final class Clusters {
    /** Tag put on clones this runbook creates, valued with the source cluster id. */
    public static final String CLONE_OF_TAG = "opskit:clone-of";

    private static final Pattern START_POSITION =
            Pattern.compile("Binlog position from crash recovery is (\\S+) (\\d+)");
    private static final Set<String> CLUSTER_TERMINAL = Set.of("failed", "inaccessible-encryption-credentials",
            "incompatible-parameters", "incompatible-restore", "migration-failed", "stopped");
    private static final Set<String> INSTANCE_TERMINAL = Set.of("failed", "incompatible-parameters",
            "incompatible-restore", "inaccessible-encryption-credentials", "restore-error", "storage-full", "stopped");

    private final RdsClient rds;

    public Clusters(RdsClient rds) {
        this.rds = rds;
    }

    public Optional<DBCluster> cluster(String id) {
        try {
            return rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().stream().findFirst();
        } catch (DbClusterNotFoundException e) {
            return Optional.empty();
        }
    }

    public DBCluster requireCluster(String id) {
        return cluster(id).orElseThrow(() -> new ResourceNotFoundException("DB cluster", id,
                "check the cluster id and the AwsContext's region and account", null));
    }

    public Optional<DBInstance> instance(String id) {
        try {
            return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().stream().findFirst();
        } catch (DbInstanceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The cluster's writer member, if it has one. */
    public static Optional<DBClusterMember> writer(DBCluster c) {
        return c.dbClusterMembers().stream().filter(m -> Boolean.TRUE.equals(m.isClusterWriter())).findFirst();
    }

    public static Optional<String> tag(DBCluster c, String key) {
        return c.tagList().stream().filter(t -> key.equals(t.key())).map(Tag::value).findFirst();
    }

    public Optional<DBClusterParameterGroup> parameterGroup(String name) {
        try {
            return rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName(name))
                    .dbClusterParameterGroups().stream().findFirst();
        } catch (DbClusterParameterGroupNotFoundException | DbParameterGroupNotFoundException e) {
            // RDS answers DescribeDBClusterParameterGroups for an unknown name with DBParameterGroupNotFound.
            return Optional.empty();
        }
    }

    /** The value of a parameter in a cluster parameter group (null when unset). */
    public Optional<String> parameterValue(String group, String name) {
        for (var page : rds.describeDBClusterParametersPaginator(r -> r.dbClusterParameterGroupName(group))) {
            for (Parameter p : page.parameters()) {
                if (name.equals(p.parameterName())) {
                    return Optional.ofNullable(p.parameterValue());
                }
            }
        }
        return Optional.empty();
    }

    public void createParameterGroup(String name, String family, String description, String sourceCluster) {
        rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(name).dbParameterGroupFamily(family)
                .description(description).tags(Tag.builder().key("opskit:binlog-for").value(sourceCluster).build()));
    }

    /** Sets a static parameter; it takes effect on the next reboot. */
    public void setParameter(String group, String name, String value) {
        rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(group).parameters(Parameter.builder()
                .parameterName(name).parameterValue(value).applyMethod(ApplyMethod.PENDING_REBOOT).build()));
    }

    public void attachParameterGroup(String cluster, String group) {
        rds.modifyDBCluster(r -> r.dbClusterIdentifier(cluster).dbClusterParameterGroupName(group).applyImmediately(true));
    }

    public void reboot(String instance) {
        rds.rebootDBInstance(r -> r.dbInstanceIdentifier(instance));
    }

    /** A copy-on-write clone of the source at its latest restorable time, tagged with the source. */
    public void restoreClone(String source, String clone) {
        rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier(source).dbClusterIdentifier(clone)
                .restoreType("copy-on-write").useLatestRestorableTime(true)
                .tags(Tag.builder().key(CLONE_OF_TAG).value(source).build()));
    }

    /** Creates an instance; false when one with that id exists already (nothing was created). */
    public boolean createInstanceUnlessExists(String id, String cluster, String engine, String instanceClass) {
        try {
            createInstance(id, cluster, engine, instanceClass);
            return true;
        } catch (DbInstanceAlreadyExistsException e) {
            return false;
        }
    }

    public void createInstance(String id, String cluster, String engine, String instanceClass) {
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbClusterIdentifier(cluster).engine(engine)
                .dbInstanceClass(instanceClass));
    }

    public void deleteCluster(String id) {
        rds.deleteDBCluster(r -> r.dbClusterIdentifier(id).skipFinalSnapshot(true));
    }

    /**
     * Deletes an instance; one that is already deleting (an earlier teardown) is left to finish, and
     * one gone already is fine, so sending it again after a transient error is safe.
     */
    public void deleteInstanceUnlessDeleting(String id) {
        try {
            rds.deleteDBInstance(r -> r.dbInstanceIdentifier(id));
        } catch (InvalidDbInstanceStateException e) {
            if (!instance(id).map(i -> "deleting".equals(i.dbInstanceStatus())).orElse(true)) {
                throw e;
            }
        } catch (DbInstanceNotFoundException e) {
            // gone already
        }
    }

    /**
     * What one attempt to delete a cluster found.
     *
     * @param accepted whether RDS accepted the deletion, or the cluster is gone or deleting already
     * @param state the cluster's state, or why RDS refused for now
     */
    public record Deletion(boolean accepted, String state) {
    }

    /**
     * One attempt to delete a cluster without a final snapshot, for a wait: accepted when RDS took
     * it (or the cluster is gone or already deleting); not yet while RDS refuses it because of the
     * state of the cluster or of its instances, or answers with a transient error (sending it
     * again is safe: a deletion already under way is recognised).
     */
    public Deletion deleteClusterIfAllowed(String id) {
        try {
            deleteCluster(id);
            return new Deletion(true, "deleting");
        } catch (DbClusterNotFoundException e) {
            return new Deletion(true, "deleted");
        } catch (InvalidDbClusterStateException e) {
            Optional<DBCluster> c = cluster(id);
            if (c.isEmpty() || "deleting".equals(c.get().status())) {
                return new Deletion(true, c.isEmpty() ? "deleted" : "deleting");
            }
            return new Deletion(false, c.get().status() + ": " + (e.awsErrorDetails() == null ? e.getMessage()
                    : e.awsErrorDetails().errorMessage()));
        } catch (SdkException e) {
            if (CallRetries.isTransient(e)) {
                return new Deletion(false, "DeleteDBCluster failed transiently: " + e.getMessage());
            }
            throw e;
        }
    }

    /** The start position the clone's writer reported after crash recovery, if the event is there yet. */
    public Optional<BinlogPosition> startPosition(String writerInstance, Instant since) {
        List<Event> events = rds.describeEventsPaginator(r -> r.sourceType(SourceType.DB_INSTANCE)
                .sourceIdentifier(writerInstance).startTime(since)).events().stream()
                .sorted(Comparator.comparing(Event::date, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        Optional<BinlogPosition> found = Optional.empty();
        for (Event e : events) {
            Matcher m = START_POSITION.matcher(e.message() == null ? "" : e.message());
            if (m.find()) {
                // The latest recovery is the one the data matches.
                found = Optional.of(BinlogPosition.of(m.group(1), Long.parseLong(m.group(2))));
            }
        }
        return found;
    }

    /** @return whether waiting will not make the cluster available (it failed, or was stopped) */
    public static boolean terminal(DBCluster c) {
        return CLUSTER_TERMINAL.contains(c.status());
    }

    /** @return whether waiting will not make the instance available (it failed, or was stopped) */
    public static boolean terminal(DBInstance i) {
        return INSTANCE_TERMINAL.contains(i.dbInstanceStatus());
    }

    /**
     * Whether a cluster is a clone of the source: its {@code opskit:clone-of} tag decides when it has
     * one (this runbook tags the clones it makes); an untagged cluster (made by hand, or by an
     * account whose tags are not visible) counts when it is in the source's clone group.
     */
    public static boolean isCloneOf(DBCluster candidate, DBCluster source) {
        Optional<String> tagged = tag(candidate, CLONE_OF_TAG);
        if (tagged.isPresent()) {
            return tagged.get().equalsIgnoreCase(source.dbClusterIdentifier());
        }
        return candidate.cloneGroupId() != null && candidate.cloneGroupId().equals(source.cloneGroupId())
                && !candidate.dbClusterIdentifier().equals(source.dbClusterIdentifier());
    }
}
