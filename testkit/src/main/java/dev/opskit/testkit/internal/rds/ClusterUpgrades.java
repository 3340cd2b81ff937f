package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbSettings;
import dev.opskit.testkit.internal.rds.EngineCatalog.EngineVersion;
import dev.opskit.testkit.internal.rds.RdsModel.Cluster;
import dev.opskit.testkit.internal.rds.RdsModel.Instance;
import dev.opskit.testkit.internal.rds.RdsModel.LogFile;
import dev.opskit.testkit.internal.rds.RdsModel.PendingUpgrade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Engine version upgrades of Aurora clusters, as Aurora runs them: started by a
 * {@code ModifyDBCluster} with {@code ApplyImmediately}, or by the cluster's maintenance window on
 * LocalAws's clock ({@link #startDue}); a major version upgrade's online pre-checks, which can be
 * told to fail ({@link #failNextPrechecks}), its events, and the restart on the new version.
 * Called under the {@link RdsBackend}'s lock.
 */
final class ClusterUpgrades {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterUpgrades.class);
    /** The log Aurora writes on the writer instance for the pre-checks of a major version upgrade. */
    static final String PRECHECKS_LOG = "upgrade-prechecks.log";
    /** The event text Aurora uses when the pre-checks stop a major version upgrade (AWS docs, verbatim). */
    static final String PRECHECKS_FAILED = "Database cluster is in a state that cannot be upgraded: Upgrade prechecks"
            + " failed. For more details, see the upgrade-prechecks.log file. For more information on troubleshooting"
            + " the cause of the upgrade failure, see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
            + "AuroraMySQL.Upgrading.Troubleshooting.html";
    private static final DateTimeFormatter SNAPSHOT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm").withZone(ZoneOffset.UTC);

    private final Object lock;
    private final Timings timings;
    private final Transitions transitions;
    /** Pre-check logs of upgrades told to fail, by account/region/cluster. */
    private final Map<String, String> failingPrechecks = new HashMap<>();

    ClusterUpgrades(Object lock, Timings timings, Transitions transitions) {
        this.lock = lock;
        this.timings = timings;
        this.transitions = transitions;
    }

    /**
     * Makes the next major version upgrade of a cluster fail its pre-checks: the cluster returns
     * to {@code available} on its old version, a {@value #PRECHECKS_LOG} with the given text appears
     * on its writer instance, and the failure event is recorded. Applies once.
     */
    void failNextPrechecks(String account, String region, String clusterId, String logText) {
        failingPrechecks.put(account + "/" + region + "/" + Inputs.lookup(clusterId),
                logText != null ? logText : UpgradeLogs.failedPrechecks());
    }

    /**
     * Starts each pending upgrade whose cluster's maintenance window has begun, on the same path as
     * {@code ApplyImmediately=true}. A cluster or member that is busy then (rebooting, modifying) is
     * looked at again on the next tick.
     *
     * @param scopes every account and region
     * @param now LocalAws's clock
     */
    void startDue(Collection<RdsModel> scopes, Instant now) {
        for (RdsModel r : scopes) {
            for (Cluster c : r.clusters.values()) {
                PendingUpgrade p = c.pendingUpgrade;
                if (p == null || now.isBefore(c.maintenanceWindow.nextStart(p.since()))
                        || !c.status.equals("available")
                        || r.membersOf(c).stream().anyMatch(i -> !i.status.equals("available"))) {
                    continue;
                }
                LOG.info("Maintenance window {} of DB cluster {} began: upgrading to {}", c.maintenanceWindow.text(),
                        c.id, p.target().version());
                start(r, c, p.target(), p.major(), p.clusterGroup(), p.memberGroup());
            }
        }
    }

    /**
     * An engine version upgrade as Aurora runs it: the cluster and its instances are
     * {@code upgrading}; online pre-checks run while the server still serves; a failed pre-check
     * ends it there, back to {@code available} on the old version, with the pre-checks log on the
     * writer. Otherwise the server is shut down and restarted on the new version (connections
     * drop), and the parameter groups switch.
     */
    void start(RdsModel r, Cluster c, EngineVersion target, boolean major, String clusterGroup, String memberGroup) {
        EngineVersion from = EngineCatalog.find(c.engine, c.engineVersion).orElseThrow();
        c.status = "upgrading";
        c.pendingUpgrade = null;
        r.membersOf(c).forEach(i -> i.status = "upgrading");
        r.clusterEvent(c, "Database cluster engine version upgrade started.", "maintenance");
        String forcedLog = failingPrechecks.remove(r.account + "/" + r.region + "/" + c.id);
        if (major) {
            r.clusterEvent(c, "Upgrade in progress: Performing online pre-upgrade checks.", "maintenance");
        }
        Duration phase = timings.upgrade().dividedBy(4);
        if (forcedLog != null) {
            // Aurora stops at the online pre-checks, before any restart: a quarter of the time, no server work.
            transitions.start(r, "db-cluster", c.id, "upgrading", phase, null, (none, failure) -> {
                writer(r, c).ifPresent(w -> w.logFiles.put(PRECHECKS_LOG, new LogFile(PRECHECKS_LOG, forcedLog,
                        r.now())));
                c.status = "available";
                r.membersOf(c).forEach(i -> i.status = "available");
                r.clusterEvent(c, PRECHECKS_FAILED, "maintenance");
                return c.status;
            });
            return;
        }
        DbServer server = c.server;
        // The work (pre-checks, then the restart on the new version from half-time on) runs during the
        // emulated delay, so the upgrade takes the longer of the two, as the other transitions do.
        transitions.start(r, "db-cluster", c.id, "upgrading", timings.upgrade(), () -> {
            Transitions.pause(phase);
            synchronized (lock) {
                if (major) {
                    prechecksPassed(r, c, from, target);
                }
            }
            Transitions.pause(phase);
            DbSettings settings;
            synchronized (lock) {
                c.parameterGroup = clusterGroup;
                settings = new DbSettings(target.engine(), target.version(), r.binlogFormatOf(c), c.serverId);
                if (major) {
                    r.clusterEvent(c, "Upgrade in progress: Upgrading database objects.", "maintenance");
                }
            }
            // From here the server is down (connections drop) until it runs the new version.
            if (server != null) {
                server.restart(settings);
            }
            return settings;
        }, (settings, failure) -> {
            if (failure != null) {
                LOG.warn("Could not restart DB cluster {} with {}: {}", c.id, target.version(), failure.toString());
                c.status = "available";
                r.membersOf(c).forEach(i -> i.status = "available");
                r.clusterEvent(c, "Database cluster is in a state that cannot be upgraded: " + failure.getMessage(),
                        "maintenance");
                return c.status;
            }
            finish(r, c, target, major, memberGroup);
            return c.status;
        });
    }

    /** The pre-checks log of a passing major upgrade and the events Aurora sends after it. */
    private static void prechecksPassed(RdsModel r, Cluster c, EngineVersion from, EngineVersion target) {
        writer(r, c).ifPresent(w -> w.logFiles.put(PRECHECKS_LOG, new LogFile(PRECHECKS_LOG,
                UpgradeLogs.passedPrechecks(from, target), r.now())));
        r.clusterEvent(c, "Upgrade in progress: Creating pre-upgrade snapshot [preupgrade-" + c.id + "-"
                + slug(from.version()) + "-to-" + slug(target.version()) + "-" + SNAPSHOT_TIME.format(r.now()) + "]",
                "maintenance");
        if (from.major() == 1) {
            r.clusterEvent(c, "Upgrade in progress: Cloning volume.", "maintenance");
        }
        r.clusterEvent(c, "Upgrade in progress: Purging undo records for old row versions. Records remaining: 0",
                "maintenance");
    }

    /** The cluster and its instances on the new version, available. */
    private static void finish(RdsModel r, Cluster c, EngineVersion target, boolean major, String memberGroup) {
        c.engine = target.engine();
        c.engineVersion = target.version();
        c.status = "available";
        for (Instance i : r.membersOf(c)) {
            i.engine = target.engine();
            i.engineVersion = target.version();
            i.status = "available";
            i.clusterParameterGroupStatus = "in-sync";
            if (memberGroup != null) {
                i.parameterGroup = memberGroup;
            } else if (major) {
                i.parameterGroup = "default." + target.family();
            }
        }
        r.clusterEvent(c, major ? "Database cluster major version has been upgraded"
                : "Database cluster engine version has been upgraded.", "maintenance");
    }

    private static Optional<Instance> writer(RdsModel r, Cluster c) {
        List<Instance> members = r.membersOf(c);
        return members.stream().filter(i -> i.writer).findFirst();
    }

    private static String slug(String version) {
        return version.replace('.', '-').replace('_', '-');
    }
}
