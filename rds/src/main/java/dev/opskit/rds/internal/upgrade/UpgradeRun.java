package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.Sleeper;
import dev.opskit.rds.UpgradeConnectionCheck;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;

/**
 * One plan or one run of an in-place upgrade: its options, the RDS client and clock, and what its
 * steps find for later ones and for the result (the pre-checks' findings, warnings, whether the
 * upgrade was only scheduled, the version reached, the reconnect check). A step that is skipped
 * on a re-run still provides its facts, because every step observes before it would act.
 */
final class UpgradeRun implements AutoCloseable {
    private final UpgradeOptions options;
    private final RdsClient rds;
    private final Clock clock;
    private final Sleeper sleeper;
    private final GroupMigration groups;
    private final UpgradeEventFollower events;
    private final ConnectionWatch connection;

    private UpgradePrechecks.Findings findings;
    private final Set<String> warnings = new LinkedHashSet<>();
    private boolean scheduled;
    private String versionAfter;
    private UpgradeConnectionCheck connectionCheck;

    UpgradeRun(UpgradeOptions options, RdsClient rds, Clock clock, Sleeper sleeper) {
        this.options = options;
        this.rds = rds;
        this.clock = clock;
        this.sleeper = sleeper;
        this.groups = new GroupMigration(rds);
        this.events = new UpgradeEventFollower(rds, options.clusterId());
        this.connection = new ConnectionWatch(options, clock);
    }

    UpgradeOptions options() {
        return options;
    }

    String clusterId() {
        return options.clusterId();
    }

    RdsClient rds() {
        return rds;
    }

    Clock clock() {
        return clock;
    }

    /** @return how the steps' waits sleep between looks (tests pass virtual time) */
    Sleeper sleeper() {
        return sleeper;
    }

    GroupMigration groups() {
        return groups;
    }

    UpgradeEventFollower events() {
        return events;
    }

    ConnectionWatch connection() {
        return connection;
    }

    /** @return what the pre-checks found; the {@code pre-checks} step, always first, sets it */
    UpgradePrechecks.Findings findings() {
        if (findings == null) {
            throw new IllegalStateException("the pre-checks of " + clusterId() + " have not run; they are the"
                    + " runbook's first step");
        }
        return findings;
    }

    void findings(UpgradePrechecks.Findings found) {
        this.findings = found;
    }

    Optional<UpgradePrechecks.Findings> findingsIfAny() {
        return Optional.ofNullable(findings);
    }

    /** @return the engine version the upgrade goes to, or the requested one before the pre-checks */
    String targetVersion() {
        return findings == null || findings.target() == null ? options.requestedTarget()
                : findings.target().engineVersion();
    }

    /** Records a caveat for the result (once, however often a retried step finds it). */
    void addWarning(String text) {
        warnings.add(text);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Notes that the upgrade waits for the next maintenance window. */
    void markScheduled() {
        this.scheduled = true;
    }

    boolean scheduled() {
        return scheduled;
    }

    void versionAfter(String version) {
        this.versionAfter = version;
    }

    /** @return the version the cluster was last seen on, at the end of the run, or the target if scheduled */
    String versionAfter() {
        return scheduled || versionAfter == null ? targetVersion() : versionAfter;
    }

    void connectionCheck(UpgradeConnectionCheck check) {
        this.connectionCheck = check;
    }

    Optional<UpgradeConnectionCheck> connectionCheck() {
        return Optional.ofNullable(connectionCheck);
    }

    /** @return the manual snapshot's id for the target found by the pre-checks */
    String snapshotId() {
        return snapshotId(targetVersion());
    }

    /** The manual snapshot's id, {@code <cluster>-before-<target>} made valid for RDS. */
    String snapshotId(String target) {
        return (clusterId() + "-before-" + target).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("-{2,}", "-");
    }

    /** @return the cluster as RDS describes it now */
    DBCluster describe() {
        try {
            return rds.describeDBClusters(r -> r.dbClusterIdentifier(clusterId())).dbClusters().get(0);
        } catch (DbClusterNotFoundException e) {
            throw new ResourceNotFoundException("DB cluster", clusterId(),
                    "check the cluster id and the AwsContext's account and region", e);
        }
    }

    /**
     * @param engine the engine, or {@code null} for any
     * @param version an engine version
     * @return the version as DescribeDBEngineVersions lists it, if it does
     */
    Optional<DBEngineVersion> engineVersion(String engine, String version) {
        return rds.describeDBEngineVersions(r -> {
            r.engineVersion(version);
            if (engine != null) {
                r.engine(engine);
            }
        }).dbEngineVersions().stream().findFirst();
    }

    /** @return the engine version of a pending modification, or {@code null} */
    static String pendingVersion(DBCluster c) {
        return c.pendingModifiedValues() == null ? null : c.pendingModifiedValues().engineVersion();
    }

    /** @return true if the cluster is upgrading, on the target already, or has the upgrade pending */
    boolean upgradingOrDone(DBCluster c) {
        String target = findings().target().engineVersion();
        return "upgrading".equals(c.status()) || c.engineVersion().equals(target) || target.equals(pendingVersion(c));
    }

    @Override
    public void close() {
        connection.close();
    }
}
