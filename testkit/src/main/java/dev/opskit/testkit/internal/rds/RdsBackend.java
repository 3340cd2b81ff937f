package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.LocalRds;
import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbServers;
import dev.opskit.testkit.internal.server.Ticker;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RDS control plane of LocalAws for Aurora MySQL, as moto's {@code RDSBackend}: the state of
 * every account and region ({@link RdsModel}) and the operations on it, with typed arguments and
 * RDS's errors, one class per resource group: {@link ClusterOps}, {@link InstanceOps},
 * {@link ParameterGroupOps}, {@link SnapshotEventLogOps}, {@link TagOps}. Resources move through
 * RDS's states over time ({@link Transitions}); engine version upgrades, immediate or in the
 * maintenance window, are {@link ClusterUpgrades}. {@link RdsActions} speaks the wire protocol.
 *
 * <p>State is guarded by this object's monitor: every operation runs holding it.
 */
public final class RdsBackend implements AutoCloseable {
    final Timings timings;
    final Databases databases;
    final Transitions transitions;
    final ClusterUpgrades upgrades;
    final ClusterOps clusters;
    final InstanceOps instances;
    final ParameterGroupOps parameterGroups;
    final SnapshotEventLogOps records;
    final TagOps tags;
    private final Ticker ticker;
    private final Map<String, RdsModel> scopes = new HashMap<>();
    private final AtomicInteger serverIds = new AtomicInteger(100);
    private final AtomicInteger serverNames = new AtomicInteger();

    /**
     * @param timings how long each transition takes
     * @param dbServers the data plane that starts, restarts and clones the database servers
     * @param ticker LocalAws's clock and ticks; maintenance windows start pending upgrades on it
     */
    public RdsBackend(Timings timings, DbServers dbServers, Ticker ticker) {
        this(timings, Databases.of(dbServers), ticker);
    }

    RdsBackend(Timings timings, Databases databases, Ticker ticker) {
        this.timings = timings;
        this.databases = databases;
        this.ticker = ticker;
        this.transitions = new Transitions(this, ticker);
        this.upgrades = new ClusterUpgrades(this, timings, transitions);
        this.clusters = new ClusterOps(this);
        this.instances = new InstanceOps(this);
        this.parameterGroups = new ParameterGroupOps(this);
        this.records = new SnapshotEventLogOps(this);
        this.tags = new TagOps();
        ticker.onTick("RDS maintenance windows", now -> {
            synchronized (this) {
                upgrades.startDue(scopes.values(), now);
            }
        });
    }

    /** The resources of an account in a region, created empty on first use; call holding the lock. */
    RdsModel scope(String account, String region) {
        return scopes.computeIfAbsent(account + "/" + region, k -> new RdsModel(account, region, ticker.clock()));
    }

    /**
     * The database server behind a cluster, if it has one yet.
     *
     * @param account the owning account id
     * @param region the region
     * @param clusterId the cluster identifier (any case)
     * @return the server, empty while the cluster is creating or when it does not exist
     */
    public synchronized Optional<DbServer> serverOf(String account, String region, String clusterId) {
        RdsModel r = scopes.get(account + "/" + region);
        RdsModel.Cluster c = r == null ? null : r.clusters.get(Inputs.lookup(clusterId));
        return Optional.ofNullable(c == null ? null : c.server);
    }

    /**
     * Makes the next major version upgrade of a cluster fail its pre-checks, as Aurora does when it
     * finds incompatibilities; see {@link dev.opskit.testkit.LocalRds#failNextUpgradePrechecks}.
     *
     * @param account the owning account id
     * @param region the region
     * @param clusterId the cluster identifier (any case); it need not exist yet
     * @param logText the contents of the pre-checks log, or null for a typical Aurora MySQL 3 log
     */
    public synchronized void failNextUpgradePrechecks(String account, String region, String clusterId,
            String logText) {
        upgrades.failNextPrechecks(account, region, clusterId, logText);
    }

    /** @return every transition finished so far, in the order they finished */
    public List<LocalRds.Transition> transitions() {
        return transitions.finished();
    }

    /** Stops the transitions; the database servers belong to the data plane, which closes them. */
    @Override
    public void close() {
        transitions.close();
    }

    int nextServerId() {
        return serverIds.incrementAndGet();
    }

    /** A name for a cluster's server: DbServers allows at most 63 of [A-Za-z0-9_.-], unique per LocalAws. */
    String serverName(String clusterId) {
        // The sequence keeps a re-created cluster's name unique.
        String name = "rds-" + serverNames.incrementAndGet() + "-" + clusterId;
        return name.substring(0, Math.min(63, name.length()));
    }

    static String randomId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 26).toUpperCase(Locale.ROOT);
    }
}
