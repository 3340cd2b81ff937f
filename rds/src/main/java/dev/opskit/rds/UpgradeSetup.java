package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import dev.opskit.core.Sleeper;
import dev.opskit.core.StepFailedException;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Subscription;
import dev.opskit.rds.internal.upgrade.InPlaceUpgrade;
import dev.opskit.rds.internal.upgrade.UpgradeOptions;
import software.amazon.awssdk.services.rds.RdsClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

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
 *
 * <p>The runbook's steps, in order: {@code pre-checks}, {@code snapshot} (with
 * {@link #snapshotFirst()}), {@code parameter groups}, {@code start upgrade},
 * {@code follow upgrade}, {@code verify}. Besides core's step, wait and retry events, a run
 * publishes the typed {@link dev.opskit.rds.event.UpgradeEvent}s: each pre-check's result, each
 * RDS event of the upgrade, the connection's loss and return.
 */
public final class UpgradeSetup {
    /** The default deadline of each step, and so of each wait (snapshot, upgrade): 2 hours. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofHours(2);

    private final String clusterId;
    private final String target;
    private final AwsContext context;
    private boolean snapshotFirst;
    private boolean applyImmediately = true;
    private Secret masterPassword;
    private final List<Function<EventBus, Subscription>> listeners = new ArrayList<>();
    private EventBus events;
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
     * Receives every event: steps, waits, retries, warnings, and the upgrade's own
     * {@link dev.opskit.rds.event.UpgradeEvent}s (pre-check results, each RDS event of the upgrade
     * as {@code "RDS: Upgrade in progress: ..."}, the connection's loss and return).
     *
     * @param listener the listener
     * @return this setup
     */
    public UpgradeSetup listener(EventListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(bus -> bus.subscribe(listener));
        return this;
    }

    /**
     * Receives the events of one type (and its subtypes).
     *
     * <pre>{@code
     * up.listener(UpgradeRdsEventSeen.class, e -> System.out.println(e.rdsTime() + " " + e.rdsMessage()))
     *   .listener(StepFailed.class, e -> alert(e.error()));
     * }</pre>
     *
     * @param type the event type, e.g. {@code UpgradeConnectionRestored.class}
     * @param listener the listener
     * @param <E> the event type
     * @return this setup
     */
    public <E extends OpsEvent> UpgradeSetup listener(Class<E> type, Consumer<? super E> listener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        listeners.add(bus -> bus.subscribe(type, listener));
        return this;
    }

    /**
     * Publishes to a bus of your own (by default each plan or run has a new one). Listeners given
     * with {@code listener(...)} are subscribed to it for the plan or run only.
     *
     * @param bus where events go
     * @return this setup
     */
    public UpgradeSetup events(EventBus bus) {
        this.events = Objects.requireNonNull(bus, "bus");
        return this;
    }

    /**
     * How long each step may take, and so each wait (snapshot available, upgrade done): AWS calls
     * that are throttled or fail with a server error are retried until then, and a step still
     * failing at its deadline ends the run with an exception naming the call.
     *
     * @param deadline more than zero; default 2 hours
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
        return withUpgrade(InPlaceUpgrade::plan);
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
     * @throws UpgradeException if RDS stopped the upgrade (the message carries its pre-checks log),
     *     or the reconnect check cannot connect afterwards or reads another version
     * @throws dev.opskit.core.ConflictException if a parameter group the upgrade would create
     *     exists already in another family
     * @throws dev.opskit.core.ResourceNotFoundException if the cluster does not exist
     * @throws dev.opskit.core.WaitTimeoutException if the snapshot or the upgrade is not done
     *     within the {@linkplain #deadline deadline}
     * @throws StepFailedException if another step fails with an SDK or JDBC exception (its cause),
     *     e.g. an AWS call still throttled at the step's deadline, named in the message; running
     *     again resumes. Every exception thrown here names its step in {@code step()}.
     */
    public UpgradeResult run() {
        return withUpgrade(InPlaceUpgrade::run);
    }

    private <T> T withUpgrade(Function<InPlaceUpgrade, T> work) {
        AwsContext ctx = context != null ? context : AwsContext.defaults();
        EventBus bus = events != null ? events : new EventBus();
        List<Subscription> subscriptions = new ArrayList<>();
        listeners.forEach(l -> subscriptions.add(l.apply(bus)));
        UpgradeOptions options = new UpgradeOptions(clusterId, target, snapshotFirst, applyImmediately,
                masterPassword, deadline, probeInterval, afterStep);
        try (InPlaceUpgrade up = new InPlaceUpgrade(options, ctx.client(RdsClient.class, RdsClient::builder), bus,
                Clock.systemUTC(), Sleeper.system())) {
            return work.apply(up);
        } finally {
            subscriptions.forEach(Subscription::close);
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
