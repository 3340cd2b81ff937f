package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;

import java.util.Objects;

/**
 * The Aurora MySQL in-place upgrade runbook (5.6 → 5.7, 5.7 → 8.0, or a minor version): pre-checks
 * before any change (valid target, {@code AllowMajorVersionUpgrade}, parameter group family,
 * pending modifications, cluster available, backtrack), an optional snapshot, custom parameter
 * groups recreated in the new family, {@code ModifyDBCluster}, the cluster's RDS events followed
 * live until it is available on the new version, and a reconnecting JDBC probe that measures the
 * connection-loss window and confirms {@code SELECT VERSION()}.
 *
 * <p>Safe to run again after a crash: a cluster already {@code upgrading} is followed, not
 * upgraded twice; one already on the target is only verified.
 *
 * <pre>{@code
 * UpgradeResult r = AuroraUpgrades.inPlace("orders", ctx)
 *         .to("5.7.mysql_aurora.2.09.1")          // or .to("8.0"): the newest valid 8.0 target
 *         .snapshotFirst()
 *         .masterPassword(Secret.of(System.getenv("DB_PASSWORD")))
 *         .listener(new ConsoleProgress())
 *         .run();
 * System.out.println(r);
 * }</pre>
 */
public final class AuroraUpgrades {
    private final String clusterId;
    private final AwsContext context;

    private AuroraUpgrades(String clusterId, AwsContext context) {
        this.clusterId = clusterId;
        this.context = context;
    }

    /**
     * Starts an in-place upgrade of a cluster, with the SDK's default credentials and region
     * ({@link AwsContext#defaults()}, created for each plan or run and closed after it).
     *
     * <pre>{@code
     * System.out.println(AuroraUpgrades.inPlace("orders").to("8.0").plan());
     * }</pre>
     *
     * @param clusterId the Aurora MySQL DB cluster identifier
     * @return the next step: choose the target version
     * @throws InvalidInputException if the id is blank
     */
    public static AuroraUpgrades inPlace(String clusterId) {
        return new AuroraUpgrades(checkId(clusterId), null);
    }

    /**
     * Starts an in-place upgrade of a cluster, with calls going where a context says (another
     * account, region, or {@code LocalAws}).
     *
     * <pre>{@code
     * AuroraUpgrades.inPlace("orders", localAws.context()).to("5.7.mysql_aurora.2.09.1").run();
     * }</pre>
     *
     * @param clusterId the Aurora MySQL DB cluster identifier
     * @param context where and as whom AWS calls go; not closed by the runbook
     * @return the next step: choose the target version
     * @throws InvalidInputException if the id is blank
     */
    public static AuroraUpgrades inPlace(String clusterId, AwsContext context) {
        return new AuroraUpgrades(checkId(clusterId), Objects.requireNonNull(context, "context"));
    }

    /**
     * The version to upgrade to: a full engine version such as {@code 5.7.mysql_aurora.2.09.1},
     * or a MySQL major such as {@code 8.0}, resolved to the newest target of that major in the
     * cluster's {@code ValidUpgradeTarget} list. A cluster that runs that major already is left on
     * its version, so that running the same upgrade again (after a crash, say) never upgrades
     * twice; give a full version for a minor upgrade within a major. Whether the target is valid
     * is checked against RDS by {@link UpgradeSetup#plan()} and {@link UpgradeSetup#run()}, before
     * any change.
     *
     * @param version the target engine version or MySQL major
     * @return the options; finish with {@link UpgradeSetup#plan()} or {@link UpgradeSetup#run()}
     * @throws InvalidInputException if the version is blank or not a version
     */
    public UpgradeSetup to(String version) {
        if (version == null || version.isBlank()) {
            throw new InvalidInputException("target version", version,
                    "give an engine version such as 5.7.mysql_aurora.2.09.1, or a major such as 8.0");
        }
        String v = version.trim();
        if (!v.matches("\\d+\\.\\d+") && !v.matches("\\d+\\.\\d+[.\\w-]*")) {
            throw new InvalidInputException("target version", version,
                    "give an engine version such as 5.7.mysql_aurora.2.09.1, or a major such as 8.0");
        }
        return new UpgradeSetup(clusterId, v, context);
    }

    /** @return the cluster id */
    public String clusterId() {
        return clusterId;
    }

    @Override
    public String toString() {
        return "AuroraUpgrades.inPlace(" + clusterId + ")";
    }

    private static String checkId(String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("cluster id", id, "give a DB cluster identifier such as orders-prod");
        }
        return id.trim();
    }
}
