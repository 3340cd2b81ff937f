package dev.opskit.testkit;

import dev.opskit.testkit.internal.rds.RdsBackend;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    private final RdsBackend service;

    LocalRds(RdsBackend service) {
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

    /**
     * Every RDS transition finished so far, in the order they finished: a cluster or instance
     * leaving {@code creating}, {@code modifying}, {@code rebooting} or {@code deleting}, a
     * cluster leaving {@code upgrading} (an engine version change, its server restart included), and
     * a cluster snapshot leaving {@code creating}. Compare a runbook's wall time with the time the
     * emulation itself took:
     *
     * <pre>{@code
     * Duration emulation = aws.rds().transitions().stream()
     *         .filter(t -> t.resourceId().startsWith("orders"))
     *         .map(LocalRds.Transition::actual).reduce(Duration.ZERO, Duration::plus);
     * }</pre>
     *
     * @return the finished transitions of every account and region
     */
    public List<Transition> transitions() {
        return service.transitions();
    }

    /**
     * One finished transition of an RDS resource in LocalAws.
     *
     * @param account the owning account id
     * @param region the region
     * @param resourceType {@code db-cluster}, {@code db-instance} or {@code db-cluster-snapshot}
     * @param resourceId the resource identifier, lower case
     * @param from the state it left, e.g. {@code rebooting}
     * @param to the state it reached, e.g. {@code available}, {@code deleted} or {@code failed}
     * @param acceptedAt when LocalAws accepted the request, on its clock
     * @param emulated the duration {@link Timings} gives this transition
     * @param actual from the request to the state reached: the longer of {@code emulated} and the
     *     real work (starting, restarting or copying a database server; for an upgrade, its
     *     pre-checks and then the restart on the new version from half of {@code emulated} on), plus any wait for another
     *     resource (an instance waits for its cluster, a cluster for its deleting instances)
     */
    public record Transition(String account, String region, String resourceType, String resourceId, String from,
            String to, Instant acceptedAt, Duration emulated, Duration actual) {
        /** Checks that every component is present. */
        public Transition {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(emulated, "emulated");
            Objects.requireNonNull(actual, "actual");
        }

        /** @return how much longer than emulated it took (zero or more) */
        public Duration excess() {
            Duration d = actual.minus(emulated);
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    @Override
    public String toString() {
        return "LocalRds";
    }
}
