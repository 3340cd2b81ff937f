package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.db.BinlogCoordinates;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbSettings;
import dev.opskit.testkit.internal.rds.EngineCatalog.EngineVersion;
import dev.opskit.testkit.internal.rds.RdsModel.Cluster;
import dev.opskit.testkit.internal.rds.RdsModel.Instance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * DB instances of Aurora clusters: create (the first is the writer), describe, reboot (the
 * writer's restart applies static cluster parameters such as {@code binlog_format}) and delete
 * (a reader takes over as writer). Called under the {@link RdsBackend}'s lock.
 */
final class InstanceOps {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceOps.class);
    private static final Pattern INSTANCE_CLASS = Pattern.compile("db\\.[a-z0-9-]+\\.[a-z0-9]+");

    private final RdsBackend backend;

    InstanceOps(RdsBackend backend) {
        this.backend = backend;
    }

    /**
     * A {@code CreateDBInstance} request.
     *
     * @param promotionTier 0 to 15, or null for RDS's default of 1
     * @param availabilityZone or null for the region's first
     * @param masterCredentialsGiven whether the request named a master user or password (refused)
     */
    record NewInstance(String id, String instanceClass, String engine, String clusterId, String parameterGroup,
            Integer promotionTier, String availabilityZone, boolean masterCredentialsGiven, Map<String, String> tags) {
    }

    Instance create(RdsModel r, NewInstance n) {
        ClusterOps.checkEngine(n.engine());
        if (n.clusterId() == null || n.clusterId().isEmpty()) {
            throw RdsErrors.invalidValue("The parameter DBClusterIdentifier must be provided for engine " + n.engine()
                    + ": Aurora DB instances belong to a DB cluster. Create the cluster first.");
        }
        if (!INSTANCE_CLASS.matcher(n.instanceClass()).matches()) {
            throw RdsErrors.invalidCombination("RDS does not support creating a DB instance with the following"
                    + " combination: DBInstanceClass=" + n.instanceClass() + ", Engine=" + n.engine()
                    + ". Use a class such as db.r6g.large or db.t3.medium.");
        }
        if (n.masterCredentialsGiven()) {
            throw RdsErrors.invalidCombination("The requested DB Instance will be a member of a DB Cluster. "
                    + "Set master user name and password for the DB Cluster instead.");
        }
        Cluster c = r.cluster(Inputs.lookup(n.clusterId()));
        if (!c.engine.equals(n.engine())) {
            throw RdsErrors.invalidCombination("The engine name requested for your DB instance (" + n.engine()
                    + ") doesn't match the engine name of your DB cluster (" + c.engine + ").");
        }
        if (c.status.equals("deleting") || c.status.equals("failed")) {
            throw RdsErrors.invalidClusterState("DB cluster " + c.id + " is in state " + c.status
                    + "; instances can be added only while it is creating or available.");
        }
        EngineVersion version = EngineCatalog.find(c.engine, c.engineVersion).orElseThrow();
        String group = n.parameterGroup() == null ? "default." + version.family()
                : r.instanceGroupFor(n.parameterGroup(), version);
        if (r.instances.containsKey(n.id())) {
            throw RdsErrors.badRequest(RdsErrors.INSTANCE_ALREADY_EXISTS, "DB instance already exists");
        }
        Integer tier = n.promotionTier();
        if (tier != null && (tier < 0 || tier > 15)) {
            throw RdsErrors.invalidValue("PromotionTier must be between 0 and 15, was " + tier + ".");
        }
        String az = n.availabilityZone() != null ? n.availabilityZone() : r.region + "a";
        Instance i = new Instance(n.id(), "db-" + RdsBackend.randomId(), c.id, n.instanceClass(), az,
                tier == null ? 1 : tier, c.engine, c.engineVersion, group);
        i.tags.putAll(n.tags());
        i.writer = r.membersOf(c).stream().noneMatch(m -> m.writer);
        r.instances.put(n.id(), i);
        backend.transitions.start(r, "db-instance", i.id, "creating", backend.timings.instanceCreate(), null,
                (none, failure) -> finishCreate(r, i));
        return i;
    }

    /** An instance becomes available once its cluster's server runs; null while that is not yet so. */
    private static String finishCreate(RdsModel r, Instance i) {
        if (r.instances.get(i.id) != i || !i.status.equals("creating")) {
            return i.status;
        }
        Cluster c = r.clusters.get(i.clusterId);
        if (c != null && c.status.equals("creating")) {
            return null;
        }
        if (c == null || c.server == null) {
            i.status = "failed";
            r.instanceEvent(i, "DB instance could not be created: its DB cluster " + i.clusterId + " has no storage",
                    "failure");
            return i.status;
        }
        i.status = "available";
        i.createdAt = r.now();
        r.instanceEvent(i, "DB instance created", "creation");
        if (i.writer && c.cloneSource != null) {
            Optional<BinlogCoordinates> at = c.server.clonedAt();
            // As on Aurora: a clone's new writer reports where the copy stands in the source's binlog.
            at.ifPresent(b -> r.instanceEvent(i, "Binlog position from crash recovery is " + b.file() + " "
                    + b.position()));
            c.cloneSource = null;
        }
        return i.status;
    }

    /** The instances a {@code DescribeDBInstances} names: one by identifier, or all the filter keeps. */
    List<Instance> describe(RdsModel r, String id, Predicate<Instance> filter) {
        List<Instance> found = RdsModel.oneOrAll(r.instances, id, RdsErrors::instanceNotFound);
        found.removeIf(filter.negate());
        return found;
    }

    Instance delete(RdsModel r, String id) {
        Instance i = r.instance(id);
        if (i.status.equals("deleting")) {
            throw RdsErrors.invalidInstanceState("Instance " + id + " is already being deleted.");
        }
        if (!Set.of("available", "failed", "creating").contains(i.status)) {
            throw RdsErrors.invalidInstanceState("Instance " + id + " is in state " + i.status
                    + " and cannot be deleted now; wait until it is available.");
        }
        i.status = "deleting";
        backend.transitions.start(r, "db-instance", i.id, "deleting", backend.timings.delete(), null,
                (none, failure) -> {
                    r.instances.remove(i.id, i);
                    Cluster c = r.clusters.get(i.clusterId);
                    if (i.writer && c != null) {
                        // Aurora fails over to the reader with the best (lowest) promotion tier.
                        r.membersOf(c).stream().filter(m -> !m.status.equals("deleting"))
                                .min(Comparator.comparingInt((Instance m) -> m.promotionTier).thenComparing(m -> m.id))
                                .ifPresent(m -> m.writer = true);
                    }
                    r.instanceEvent(i, "DB instance deleted", "deletion");
                    return "deleted";
                });
        return i;
    }

    Instance reboot(RdsModel r, String id) {
        Instance i = r.instance(id);
        if (!i.status.equals("available")) {
            throw RdsErrors.invalidInstanceState("DB instance " + id + " is in state " + i.status
                    + " and cannot be rebooted now; wait until it is available.");
        }
        Cluster c = r.clusters.get(i.clusterId);
        i.status = "rebooting";
        // Static cluster parameters (binlog_format) take effect when the writer restarts; the restart
        // runs during the emulated reboot, as the real one does.
        DbServer server = i.writer && c != null ? c.server : null;
        DbSettings settings = server == null ? null : server.settings().withBinlogFormat(r.binlogFormatOf(c));
        backend.transitions.start(r, "db-instance", i.id, "rebooting", backend.timings.reboot(), () -> {
            if (server != null) {
                server.restart(settings);
            }
            return server;
        }, (restarted, failure) -> {
            if (failure != null) {
                LOG.warn("Could not restart DB instance {}: {}", i.id, failure.toString());
                i.status = "failed";
                r.instanceEvent(i, "DB instance restart failed: " + failure.getMessage(), "failure");
                return i.status;
            }
            i.status = "available";
            i.clusterParameterGroupStatus = "in-sync";
            r.instanceEvent(i, "DB instance restarted", "availability");
            return i.status;
        });
        return i;
    }
}
