package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Plan;
import dev.opskit.core.RunbookOutcome;
import dev.opskit.core.Secret;
import dev.opskit.core.StepFailedException;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.rds.internal.upgrade.InPlaceUpgrade;
import software.amazon.awssdk.services.rds.RdsClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The options of an in-place upgrade, each with a safe default, and the two ways to finish:
 * {@link #plan()} (pre-checks and a dry run, nothing changed) and {@link #run()}.
 *
 * <pre>{@code
 * UpgradeSetup up = AuroraUpgrades.inPlace("orders", ctx).to("8.0")
 *         .snapshotFirst()
 *         .masterPassword(Secret.of(System.getenv("DB_PASSWORD")))
 *         .deadline(Duration.ofHours(3));
 * UpgradePlan plan = up.plan();
 * System.out.println(plan);
 * if (plan.ready()) System.out.println(up.run());
 * }</pre>
 *
 * <p>Without {@link #masterPassword}, the run does everything but the reconnect check: it
 * publishes a Warning event and the result has no {@linkplain UpgradeResult#connection() connection check}.
 */
public final class UpgradeSetup {
    /** The default deadline of each wait (snapshot, upgrade): 2 hours. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofHours(2);

    private final String clusterId;
    private final String target;
    private final AwsContext context;
    private boolean snapshotFirst;
    private boolean applyImmediately = true;
    private Secret masterPassword;
    private final List<EventListener> listeners = new ArrayList<>();
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration probeInterval = Duration.ofMillis(100);
    private Consumer<String> afterStep;

    UpgradeSetup(String clusterId, String target, AwsContext context) {
        this.clusterId = clusterId;
        this.target = target;
        this.context = context;
    }

    /**
     * Takes a manual cluster snapshot {@code <cluster>-before-<target>} before the upgrade (reused
     * if it exists), to restore from if the upgraded cluster is not what you want: an in-place
     * upgrade cannot be undone.
     *
     * @return this setup
     */
    public UpgradeSetup snapshotFirst() {
        this.snapshotFirst = true;
        return this;
    }

    /**
     * Upgrades now (the default): {@code ApplyImmediately=true}.
     *
     * @return this setup
     */
    public UpgradeSetup applyImmediately() {
        this.applyImmediately = true;
        return this;
    }

    /**
     * Leaves the upgrade for the cluster's next maintenance window ({@code ApplyImmediately=false}):
     * the run prepares the parameter groups, sends ModifyDBCluster and returns a result marked
     * {@linkplain UpgradeResult#scheduled() scheduled}; run again after the window to follow and verify.
     *
     * @return this setup
     */
    public UpgradeSetup nextMaintenanceWindow() {
        this.applyImmediately = false;
        return this;
    }

    /**
     * The master user's password, for the reconnecting JDBC probe that measures the
     * connection-loss window and confirms {@code SELECT VERSION()}. Never logged.
     *
     * @param password the cluster's master user password
     * @return this setup
     */
    public UpgradeSetup masterPassword(Secret password) {
        this.masterPassword = Objects.requireNonNull(password, "password");
        return this;
    }

    /**
     * Receives every event: steps, waits, each RDS event of the upgrade as a Note
     * ({@code "RDS: Upgrade in progress: ..."}), warnings.
     *
     * @param listener the listener
     * @return this setup
     */
    public UpgradeSetup listener(EventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * @param deadline how long each wait (snapshot available, upgrade done) may take; default 2 hours
     * @return this setup
     * @throws InvalidInputException if not positive
     */
    public UpgradeSetup deadline(Duration deadline) {
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new InvalidInputException("deadline", String.valueOf(deadline),
                    "pass a positive duration, e.g. Duration.ofHours(3)");
        }
        this.deadline = deadline;
        return this;
    }

    /** Test hook: called with a step's name after it acted; an exception here ends the run as a crash would. */
    UpgradeSetup afterStep(Consumer<String> hook) {
        this.afterStep = hook;
        return this;
    }

    /**
     * Runs every pre-check and a dry run of the steps; changes nothing.
     *
     * <pre>{@code
     * UpgradePlan p = AuroraUpgrades.inPlace("orders").to("8.0").plan();
     * p.failures().forEach(c -> System.out.println(c.name() + ": " + c.fix()));
     * }</pre>
     *
     * @return the pre-check report
     * @throws dev.opskit.core.ResourceNotFoundException if the cluster does not exist
     */
    public UpgradePlan plan() {
        return withUpgrade(up -> {
            up.precheck();
            Optional<Plan> steps = Optional.empty();
            if (up.passed()) {
                steps = Optional.of(up.runbook().plan());
            }
            return new UpgradePlan(clusterId, up.fromVersion(), up.targetVersion(), up.checks(), up.groupPlans(),
                    steps);
        });
    }

    /**
     * Runs the upgrade: pre-checks, snapshot (if asked), parameter groups, ModifyDBCluster, then
     * follows the RDS events until the cluster is available on the target, and checks
     * {@code SELECT VERSION()} over a reconnecting connection. Safe to call again after a crash.
     *
     * @return what was done
     * @throws InvalidInputException if the target is unknown, a downgrade or not a valid upgrade
     *     target (nothing changed)
     * @throws dev.opskit.core.WrongStateException if the cluster is not available, has another
     *     pending modification or no writer (nothing changed)
     * @throws UpgradeException if RDS stopped the upgrade (the message carries its pre-checks log)
     *     or the server reports another version afterwards
     * @throws StepFailedException if another step fails with an SDK or JDBC exception (its cause);
     *     running again resumes. Every exception thrown here names its step in {@code step()}.
     */
    public UpgradeResult run() {
        return withUpgrade(up -> {
            RunbookOutcome outcome = up.runbook().run();
            String to = up.scheduled() ? up.targetVersion() : up.versionNow();
            return new UpgradeResult(clusterId, up.fromVersion(), to, up.scheduled(), up.groupPlans(), up.events(),
                    up.connection(), up.warnings(), outcome.elapsed(), outcome);
        });
    }

    private <T> T withUpgrade(java.util.function.Function<InPlaceUpgrade, T> work) {
        AwsContext ctx = context != null ? context : AwsContext.defaults();
        EventBus bus = new EventBus();
        listeners.forEach(bus::subscribe);
        InPlaceUpgrade.Options options = new InPlaceUpgrade.Options(clusterId, target, snapshotFirst,
                applyImmediately, masterPassword, deadline, probeInterval, afterStep);
        try (InPlaceUpgrade up = new InPlaceUpgrade(options, ctx.client(RdsClient.class, RdsClient::builder), bus,
                Clock.systemUTC())) {
            return work.apply(up);
        } finally {
            if (context == null) {
                ctx.close();
            }
        }
    }

    @Override
    public String toString() {
        return "AuroraUpgrades.inPlace(" + clusterId + ").to(" + target + ") [snapshotFirst=" + snapshotFirst
                + ", " + (applyImmediately ? "apply immediately" : "next maintenance window")
                + ", reconnect check " + (masterPassword == null ? "off" : "on") + ", deadline " + deadline + "]";
    }
}
