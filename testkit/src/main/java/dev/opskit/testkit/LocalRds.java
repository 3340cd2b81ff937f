package dev.opskit.testkit;

import dev.opskit.testkit.internal.rds.RdsService;

import java.util.Objects;

/**
 * Test hooks into the RDS emulation of a {@link LocalAws}, for rehearsing what real AWS does
 * only sometimes, such as an upgrade that its pre-checks stop.
 *
 * <pre>{@code
 * aws.rds().failNextUpgradePrechecks(aws.defaultAccount(), LocalAws.DEFAULT_REGION, "orders", null);
 * // the next major version upgrade of "orders" ends with
 * // "Database cluster is in a state that cannot be upgraded: Upgrade prechecks failed. ..."
 * }</pre>
 */
public final class LocalRds {
    private final RdsService service;

    LocalRds(RdsService service) {
        this.service = service;
    }

    /**
     * Makes the next major version upgrade of a cluster fail its pre-checks, as Aurora does when
     * it finds incompatibilities: the cluster goes {@code upgrading}, then back to
     * {@code available} on its old version without a restart; the event "Database cluster is in a
     * state that cannot be upgraded: Upgrade prechecks failed. For more details, see the
     * upgrade-prechecks.log file. ..." is recorded, and the writer instance has an
     * {@code upgrade-prechecks.log} (read it with DescribeDBLogFiles / DownloadDBLogFilePortion).
     * Applies to one upgrade; a later one succeeds.
     *
     * @param account the account owning the cluster
     * @param region the cluster's region, e.g. {@link LocalAws#DEFAULT_REGION}
     * @param clusterId the DB cluster identifier (any case); it need not exist yet
     * @param logText the contents of {@code upgrade-prechecks.log}, or {@code null} for a typical
     *     Aurora MySQL 3 JSON report with one error
     */
    public void failNextUpgradePrechecks(LocalAccount account, String region, String clusterId, String logText) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(clusterId, "clusterId");
        service.failNextUpgradePrechecks(account.id(), region, clusterId, logText);
    }

    @Override
    public String toString() {
        return "LocalRds";
    }
}
