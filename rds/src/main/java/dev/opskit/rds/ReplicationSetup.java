package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Plan;
import dev.opskit.core.RunbookOutcome;
import dev.opskit.core.Secret;
import dev.opskit.core.StepFailedException;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.rds.internal.replication.Clusters;
import dev.opskit.rds.internal.replication.Events;
import dev.opskit.rds.internal.replication.ReplicationRun;
import dev.opskit.rds.internal.replication.ReplicationSession;
import dev.opskit.rds.internal.replication.ReplicationSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The options of a replication runbook, each with a safe default, and the two ways to finish:
 * {@link #plan()} (a dry run) and {@link #start()}. Each setter checks its value at once.
 *
 * <pre>{@code
 * ReplicationSetup setup = Replication.from("orders", ctx).cloneTo("orders-next")
 *         .masterPassword(Secret.of(System.getenv("DB_PASSWORD")))
 *         .binlogFormat(BinlogFormat.ROW)
 *         .replicationUser("repl", "10.0.%")
 *         .errorPolicy(ErrorPolicy.skip(ReplicationError.DUPLICATE_KEY));
 * System.out.println(setup.plan());
 * ReplicationHandle handle = setup.start();
 * }</pre>
 */
public final class ReplicationSetup {
    /** The default binlog retention: 7 days, which every Aurora MySQL version allows. */
    public static final int DEFAULT_RETENTION_HOURS = 168;
    /** The default replication user name. */
    public static final String DEFAULT_USER = "opskit_repl";

    private final String sourceId;
    private final String targetId;
    private final boolean clone;
    private final BinlogPosition startingAt;
    private final AwsContext context;
    private BinlogFormat format = BinlogFormat.MIXED;
    private String user = DEFAULT_USER;
    private String host = "%";
    private Secret replicationPassword;
    private Secret masterPassword;
    private int retentionHours = DEFAULT_RETENTION_HOURS;
    private String writerInstanceClass = "db.r6g.large";
    private ErrorPolicy errorPolicy = ErrorPolicy.stop();
    /** How each run's bus is set up: the listeners and buses given, in order. */
    private final List<Consumer<EventBus>> subscriptions = new ArrayList<>();
    private Duration deadline = Duration.ofHours(2);
    private Clock clock = Clock.systemUTC();
    private Consumer<String> afterStep;

    ReplicationSetup(String sourceId, String targetId, boolean clone, BinlogPosition startingAt, AwsContext context) {
        if (sourceId.equals(targetId)) {
            throw new InvalidInputException("target cluster id", targetId,
                    "the target must differ from the source '" + sourceId + "'");
        }
        ReplicationSettings.checkInput(targetId, user, host);
        this.sourceId = sourceId;
        this.targetId = targetId;
        this.clone = clone;
        this.startingAt = startingAt;
        this.context = context;
    }

    /**
     * @param format {@link BinlogFormat#MIXED} (default) or {@link BinlogFormat#ROW}
     * @return this setup
     * @throws InvalidInputException for {@link BinlogFormat#STATEMENT}
     */
    public ReplicationSetup binlogFormat(BinlogFormat format) {
        if (format == null || !format.supportsReplicationRunbook()) {
            throw new InvalidInputException("binlogFormat", String.valueOf(format),
                    "use BinlogFormat.MIXED (default) or BinlogFormat.ROW; STATEMENT is unsafe for replication");
        }
        this.format = format;
        return this;
    }

    /**
     * The replication user created on the source. Aurora has {@code skip_name_resolve}, so the
     * host part is an address pattern that must match the target's address as the source sees it.
     *
     * @param name user name (default {@value #DEFAULT_USER})
     * @param host host pattern (default {@code %})
     * @return this setup
     * @throws InvalidInputException if a value is not a plain name or pattern
     */
    public ReplicationSetup replicationUser(String name, String host) {
        ReplicationSettings.checkInput(targetId, name, host);
        this.user = name;
        this.host = host;
        return this;
    }

    /**
     * The replication user's password. Without one, a fresh password is generated on each
     * {@link #start()} and set on the user unless the target already replicates with the old one.
     *
     * @param password the password
     * @return this setup
     */
    public ReplicationSetup replicationPassword(Secret password) {
        this.replicationPassword = Objects.requireNonNull(password, "password");
        return this;
    }

    /**
     * The source's master user password, needed to connect to the source and to the clone (which
     * shares it) over JDBC. Required by {@link #start()}; {@link #plan()} without it cannot look
     * inside the databases and says so.
     *
     * @param password the master user's password
     * @return this setup
     */
    public ReplicationSetup masterPassword(Secret password) {
        this.masterPassword = Objects.requireNonNull(password, "password");
        return this;
    }

    /**
     * How long the source keeps binlogs ({@code mysql.rds_set_configuration('binlog retention hours', N)}).
     * Checked against the source's engine version when the runbook starts: at most 168 before
     * Aurora MySQL 2.11, 2160 on 2.11+ and 3.
     *
     * @param hours 1 to 2160 (default {@value #DEFAULT_RETENTION_HOURS})
     * @return this setup
     * @throws InvalidInputException if out of 1 to 2160
     */
    public ReplicationSetup binlogRetentionHours(int hours) {
        if (hours < 1 || hours > 2160) {
            throw new InvalidInputException("binlogRetentionHours", Integer.toString(hours),
                    "pass 1 to 2160 (at most 168 before Aurora MySQL 2.11)");
        }
        this.retentionHours = hours;
        return this;
    }

    /**
     * @param instanceClass the clone's writer instance class (default {@code db.r6g.large})
     * @return this setup
     */
    public ReplicationSetup writerInstanceClass(String instanceClass) {
        if (instanceClass == null || !instanceClass.matches("db\\.[a-z0-9]+\\.[a-z0-9]+")) {
            throw new InvalidInputException("writerInstanceClass", instanceClass,
                    "use an instance class such as db.r6g.large");
        }
        this.writerInstanceClass = instanceClass;
        return this;
    }

    /**
     * What to do on a replication error (default {@link ErrorPolicy#stop()}).
     *
     * @param policy the policy
     * @return this setup
     */
    public ReplicationSetup errorPolicy(ErrorPolicy policy) {
        this.errorPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Receives every event of the runbook and of the handle it returns: step start/skip/finish,
     * waits, retries, warnings, and the replication events of {@link dev.opskit.rds.event} (start
     * position, lag samples, skipped errors, verifications, cutover, teardown).
     *
     * @param listener the listener
     * @return this setup
     */
    public ReplicationSetup listener(EventListener listener) {
        Objects.requireNonNull(listener, "listener");
        subscriptions.add(bus -> bus.subscribe(listener));
        return this;
    }

    /**
     * Receives the events of one type (and its subtypes), such as
     * {@link dev.opskit.rds.event.ReplicationLagSampled} or {@link dev.opskit.core.event.StepFailed}.
     *
     * <pre>{@code
     * setup.listener(ReplicationErrorSkipped.class, e -> alert(e.error()));
     * }</pre>
     *
     * @param type the event type
     * @param listener the listener
     * @param <E> the event type
     * @return this setup
     */
    public <E extends OpsEvent> ReplicationSetup listener(Class<E> type, Consumer<? super E> listener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        subscriptions.add(bus -> bus.subscribe(type, listener));
        return this;
    }

    /**
     * Publishes every event (as {@link #listener(EventListener)} receives them) to a bus of yours
     * as well, such as one shared by several runbooks.
     *
     * @param bus the bus
     * @return this setup
     */
    public ReplicationSetup events(EventBus bus) {
        Objects.requireNonNull(bus, "bus");
        subscriptions.add(run -> run.subscribe(bus::publish));
        return this;
    }

    /**
     * How long one step may take, its waits and the retries of its AWS calls included, and any
     * single wait (cluster available, event, reboot) as well. A step that is not done by then
     * fails, naming what it was doing; {@link #start()} again resumes there.
     *
     * @param deadline more than zero (default 2 h)
     * @return this setup
     */
    public ReplicationSetup deadline(Duration deadline) {
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new InvalidInputException("deadline", String.valueOf(deadline), "pass a positive duration");
        }
        this.deadline = deadline;
        return this;
    }

    /** Test hook: where event times and step durations come from. */
    ReplicationSetup clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Test hook: called with a step's name after it acted; an exception here fails the run as a crash would. */
    ReplicationSetup afterStep(Consumer<String> hook) {
        this.afterStep = hook;
        return this;
    }

    /**
     * Observes every step and says what it found and what it would do; changes nothing.
     *
     * <pre>{@code
     * System.out.println(Replication.from("orders").cloneTo("orders-next").masterPassword(pw).plan());
     * }</pre>
     *
     * @return the plan
     * @throws InvalidInputException if the engine is not Aurora MySQL or the retention is out of its range
     * @throws dev.opskit.core.ResourceNotFoundException if the source (or existing target) does not exist
     * @throws dev.opskit.core.ConflictException if the clone id is taken by a cluster that is not a clone of the source
     */
    public Plan plan() {
        AwsContext ctx = context != null ? context : AwsContext.defaults();
        try (ReplicationRun run = newRun(ctx)) {
            return run.runbook().plan();
        } finally {
            if (context == null) {
                ctx.close();
            }
        }
    }

    /**
     * Runs the runbook and returns a handle on the running replication. Safe to call again after
     * a failure or a crash: each step observes first and skips what is done.
     *
     * @return the handle; close it to close its database pools
     * @throws InvalidInputException if no master password was given, the engine is not Aurora MySQL
     *     or the retention is out of its range (all before any change)
     * @throws dev.opskit.core.ResourceNotFoundException if the source (or existing target) does not exist
     * @throws dev.opskit.core.ConflictException if the clone id is taken by a cluster that is not a
     *     clone of the source
     * @throws dev.opskit.core.OpsException if a later step fails: the step's own exception (such
     *     as a {@link DatabaseException} from the source or the clone), or a
     *     {@link StepFailedException} around an SDK failure that outlasted its retries (its message
     *     names the operation); {@code step()} names the step; calling start() again resumes
     */
    public ReplicationHandle start() {
        if (masterPassword == null) {
            throw new InvalidInputException("masterPassword", null,
                    "start() connects to the source and the clone; pass masterPassword(Secret.of(...))");
        }
        AwsContext ctx = context != null ? context : AwsContext.defaults();
        ReplicationRun run = newRun(ctx);
        try {
            RunbookOutcome outcome = run.runbook().run();
            run.stopParallel();
            ReplicationSession session = new ReplicationSession(run, outcome.runbookId());
            return new ReplicationHandle(session, settings(ctx), context == null ? ctx : null);
        } catch (RuntimeException e) {
            run.close();
            if (context == null) {
                ctx.close();
            }
            throw e;
        }
    }

    private ReplicationRun newRun(AwsContext ctx) {
        EventBus bus = new EventBus();
        subscriptions.forEach(s -> s.accept(bus));
        return new ReplicationRun(settings(ctx), new Clusters(ctx.client(RdsClient.class, RdsClient::builder)),
                new Events(bus, clock));
    }

    private ReplicationSettings settings(AwsContext ctx) {
        return new ReplicationSettings(sourceId, targetId, clone, startingAt, format, user, host, replicationPassword,
                masterPassword, retentionHours, writerInstanceClass, errorPolicy, deadline, ctx, context == null, clock,
                afterStep);
    }

    @Override
    public String toString() {
        return "Replication.from(" + sourceId + ")." + (clone ? "cloneTo(" + targetId + ")"
                : "to(" + targetId + ").startingAt(" + startingAt + ")") + " [format=" + format + ", user=" + user
                + "@" + host + ", retention=" + retentionHours + "h, errors: " + errorPolicy + "]";
    }
}
