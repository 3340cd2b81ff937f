package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Backoff;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Observation;
import dev.opskit.core.OpsException;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.core.RunContext;
import dev.opskit.core.Runbook;
import dev.opskit.core.Secret;
import dev.opskit.core.Step;
import dev.opskit.core.Waiter;
import dev.opskit.core.WrongStateException;
import dev.opskit.core.event.EventBus;
import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.UpgradeCheck;
import dev.opskit.rds.UpgradeConnectionCheck;
import dev.opskit.rds.UpgradeException;
import dev.opskit.rds.UpgradeParameterGroup;
import dev.opskit.rds.UpgradeParameterGroup.Level;
import dev.opskit.rds.UpgradeRdsEvent;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDBLogFilesDetails;
import software.amazon.awssdk.services.rds.model.DownloadDbLogFilePortionResponse;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.SourceType;
import software.amazon.awssdk.services.rds.model.UpgradeTarget;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The in-place upgrade runbook: pre-checks, optional snapshot, parameter groups in the new family,
 * ModifyDBCluster, following the RDS events until the cluster is available on the target, and a
 * reconnecting JDBC check. State found by one step for later ones lives in this object, which
 * serves one plan or one run.
 */
public final class InPlaceUpgrade implements AutoCloseable {
    /** Options, already validated by the public setup. */
    public record Options(String clusterId, String requestedTarget, boolean snapshotFirst, boolean applyImmediately,
            Secret masterPassword, Duration deadline, Duration probeInterval, Consumer<String> afterStep) {
    }

    static final String UPGRADE_STARTED = "Database cluster engine version upgrade started.";
    static final String ONLINE_PRECHECKS = "Upgrade in progress: Performing online pre-upgrade checks.";
    static final String CANNOT_UPGRADE = "Database cluster is in a state that cannot be upgraded";
    private static final Pattern MAJOR_ONLY = Pattern.compile("\\d+\\.\\d+");
    private static final Set<String> BUSY = Set.of("modifying", "rebooting", "backing-up", "maintenance",
            "renaming", "resetting-master-credentials", "migrating", "creating");

    private final Options o;
    private final RdsClient rds;
    private final EventBus bus;
    private final Clock clock;
    private final GroupMigration groups;

    // Facts of this run.
    private DBCluster cluster;
    private String fromVersion;
    private UpgradeTarget target;
    private boolean major;
    private String writer;
    private final List<UpgradeParameterGroup> groupPlans = new ArrayList<>();
    private final List<UpgradeCheck> checks = new ArrayList<>();
    private final List<UpgradeRdsEvent> seen = new ArrayList<>();
    private final Set<String> seenKeys = new HashSet<>();
    private final List<String> warnings = new ArrayList<>();
    private ConnectionProbe probe;
    /** Events that existed before this run started the upgrade; null if it did not start it. */
    private Set<String> earlier;
    private UpgradeConnectionCheck connection;
    private boolean scheduled;

    public InPlaceUpgrade(Options options, RdsClient rds, EventBus bus, Clock clock) {
        this.o = options;
        this.rds = rds;
        this.bus = bus;
        this.clock = clock;
        this.groups = new GroupMigration(rds);
    }

    // ------------------------------------------------------------------ pre-checks

    /** Describes the cluster and runs every pre-check; changes nothing. */
    public List<UpgradeCheck> precheck() {
        checks.clear();
        groupPlans.clear();
        cluster = describe();
        fromVersion = cluster.engineVersion();
        String status = cluster.status();
        writer = cluster.dbClusterMembers().stream().filter(m -> Boolean.TRUE.equals(m.isClusterWriter()))
                .map(DBClusterMember::dbInstanceIdentifier).findFirst().orElse(null);
        DBEngineVersion current = engineVersion(cluster.engine(), fromVersion).orElseThrow(() ->
                new WrongStateException(o.clusterId(), status, "RDS does not list the cluster's engine version "
                        + fromVersion + " in DescribeDBEngineVersions; it cannot be upgraded in place"));

        if (!checkTarget(current)) {
            return List.copyOf(checks);
        }
        boolean resuming = "upgrading".equals(status) || fromVersion.equals(target.engineVersion());
        major = Boolean.TRUE.equals(target.isMajorVersionUpgrade())
                || (!fromVersion.equals(target.engineVersion()) && majorOf(fromVersion) != majorOf(target.engineVersion()));
        checks.add(major
                ? UpgradeCheck.passed("AllowMajorVersionUpgrade", "a major version upgrade ("
                        + fromVersion + " -> " + target.engineVersion() + "); ModifyDBCluster is sent with"
                        + " AllowMajorVersionUpgrade=true")
                : UpgradeCheck.passed("AllowMajorVersionUpgrade", "a minor version upgrade; the flag is not needed"));

        if ("available".equals(status)) {
            checks.add(UpgradeCheck.passed("cluster available", "status available"));
        } else if (resuming) {
            checks.add(UpgradeCheck.passed("cluster available", "status " + status + ": "
                    + ("upgrading".equals(status) ? "an upgrade is in progress; the run follows it" : "")));
        } else {
            checks.add(UpgradeCheck.failed("cluster available", "status " + status,
                    BUSY.contains(status) ? "wait until the cluster is available and run again"
                            : "the cluster must be available; see its RDS events for why it is " + status));
        }
        String pending = cluster.pendingModifiedValues() == null ? null
                : cluster.pendingModifiedValues().engineVersion();
        if (pending == null || pending.equals(target.engineVersion())) {
            checks.add(UpgradeCheck.passed("no pending modification", pending == null ? "nothing is pending"
                    : "the upgrade to " + pending + " is already pending; it is applied "
                            + (o.applyImmediately() ? "now" : "in the next maintenance window")));
        } else {
            checks.add(UpgradeCheck.failed("no pending modification", "an upgrade to " + pending
                    + " is pending for the next maintenance window",
                    "apply it or replace it: upgrade to " + pending + " first, or run ModifyDBCluster with"
                            + " EngineVersion=" + fromVersion + " to cancel it"));
        }
        checks.add(writer != null ? UpgradeCheck.passed("writer instance", "writer " + writer)
                : UpgradeCheck.failed("writer instance", "the cluster has no DB instance",
                        "add a writer instance (CreateDBInstance) so that the upgraded cluster can be used"));
        Long backtrack = cluster.backtrackWindow();
        checks.add(backtrack != null && backtrack > 0
                ? UpgradeCheck.warning("backtrack", "backtrack is on (window " + backtrack + " s)",
                        "after the upgrade the cluster cannot be backtracked to a time before it; take a snapshot"
                                + " first (snapshotFirst()) if you may need to go back")
                : UpgradeCheck.passed("backtrack", "backtrack is off"));
        if (!resuming) {
            planGroups(current);
        } else {
            checks.add(UpgradeCheck.passed("parameter groups", "the upgrade is in progress or done: its parameter"
                    + " groups were chosen when it started"));
        }
        checks.add(o.snapshotFirst()
                ? UpgradeCheck.passed("snapshot first", "a manual snapshot " + snapshotId() + " is taken first")
                : UpgradeCheck.passed("snapshot first", "no snapshot requested (snapshotFirst() takes one)"));
        checks.add(o.masterPassword() != null
                ? UpgradeCheck.passed("reconnect check", "a JDBC probe as " + cluster.masterUsername()
                        + " measures the connection-loss window and reads VERSION() afterwards")
                : UpgradeCheck.warning("reconnect check", "no master password given",
                        "pass masterPassword(Secret) to measure the connection-loss window and confirm VERSION()"));
        return List.copyOf(checks);
    }

    private boolean checkTarget(DBEngineVersion current) {
        String wanted = o.requestedTarget();
        List<UpgradeTarget> valid = current.validUpgradeTarget();
        String listed = valid.isEmpty() ? "none" : String.join(", ",
                valid.stream().map(UpgradeTarget::engineVersion).toList());
        if (MAJOR_ONLY.matcher(wanted).matches()) {
            Optional<UpgradeTarget> newest = valid.stream()
                    .filter(t -> t.engineVersion().startsWith(wanted + "."))
                    .max(Comparator.comparing(t -> sortKey(t.engineVersion())));
            if (newest.isEmpty() && fromVersion.startsWith(wanted + ".")) {
                target = UpgradeTarget.builder().engine(cluster.engine()).engineVersion(fromVersion)
                        .isMajorVersionUpgrade(false).build();
            } else if (newest.isEmpty()) {
                checks.add(UpgradeCheck.failed("valid upgrade target", "no version of " + wanted + " is in the"
                        + " ValidUpgradeTarget list of " + fromVersion + " (" + listed + ")",
                        "pick one of the listed targets; some majors need an intermediate minor upgrade first"));
                return false;
            } else {
                target = newest.get();
            }
            checks.add(UpgradeCheck.passed("valid upgrade target", wanted + " resolves to " + target.engineVersion()
                    + ", the newest valid target of " + fromVersion));
            return true;
        }
        if (wanted.equals(fromVersion)) {
            target = UpgradeTarget.builder().engine(cluster.engine()).engineVersion(fromVersion)
                    .isMajorVersionUpgrade(false).build();
            checks.add(UpgradeCheck.passed("valid upgrade target", "the cluster already runs " + wanted));
            return true;
        }
        if (engineVersion(null, wanted).isEmpty()) {
            checks.add(UpgradeCheck.failed("valid upgrade target", "RDS does not know engine version " + wanted,
                    "use a version DescribeDBEngineVersions lists; valid targets of " + fromVersion + ": " + listed));
            return false;
        }
        if (sortKey(wanted).compareTo(sortKey(fromVersion)) < 0) {
            checks.add(UpgradeCheck.failed("valid upgrade target", wanted + " is older than the cluster's "
                    + fromVersion + ": that is a downgrade",
                    "in-place downgrades are not possible; restore a snapshot taken before the upgrade instead"));
            return false;
        }
        Optional<UpgradeTarget> t = valid.stream().filter(v -> v.engineVersion().equals(wanted)).findFirst();
        if (t.isEmpty()) {
            checks.add(UpgradeCheck.failed("valid upgrade target", wanted + " is not in the ValidUpgradeTarget list"
                    + " of " + fromVersion + " (" + listed + ")", "pick one of the listed targets"));
            return false;
        }
        target = t.get();
        checks.add(UpgradeCheck.passed("valid upgrade target", wanted + " is in the ValidUpgradeTarget list of "
                + fromVersion));
        return true;
    }

    private void planGroups(DBEngineVersion current) {
        String toFamily = engineVersion(target.engine(), target.engineVersion())
                .map(DBEngineVersion::dbParameterGroupFamily).orElse(current.dbParameterGroupFamily());
        String fromFamily = current.dbParameterGroupFamily();
        UpgradeParameterGroup c = groups.plan(Level.CLUSTER, cluster.dbClusterParameterGroup(), fromFamily, toFamily);
        groupPlans.add(c);
        if (writer != null && major) {
            String instanceGroup = rds.describeDBInstances(r -> r.dbInstanceIdentifier(writer)).dbInstances().get(0)
                    .dbParameterGroups().get(0).dbParameterGroupName();
            groupPlans.add(groups.plan(Level.INSTANCE, instanceGroup, fromFamily, toFamily));
        }
        String detail = fromFamily.equals(toFamily) ? "the family stays " + fromFamily
                : "the family changes " + fromFamily + " -> " + toFamily + ": "
                        + String.join("; ", groupPlans.stream().map(UpgradeParameterGroup::toString).toList());
        List<String> dropped = groupPlans.stream().flatMap(g -> g.notCarriedOver().stream()).toList();
        checks.add(dropped.isEmpty() ? UpgradeCheck.passed("parameter groups", detail)
                : UpgradeCheck.warning("parameter groups", detail, "the parameters " + dropped + " do not exist in "
                        + toFamily + " and are not carried over; check what replaces them"));
    }

    /** The exception to throw for the failed checks: bad input first, else a wrong state. */
    public OpsException failure() {
        List<UpgradeCheck> failed = checks.stream().filter(c -> c.status() == UpgradeCheck.Status.FAILED).toList();
        String text = String.join("; ", failed.stream().map(c -> c.name() + ": " + c.detail() + " (fix: "
                + c.fix() + ")").toList());
        if (failed.stream().anyMatch(c -> c.name().equals("valid upgrade target"))) {
            return new InvalidInputException("target version", o.requestedTarget(), "pre-check failed for cluster "
                    + o.clusterId() + ", nothing was changed: " + text);
        }
        return new WrongStateException(o.clusterId(), cluster == null ? null : cluster.status(),
                "The upgrade of " + o.clusterId() + " cannot start, nothing was changed: " + text);
    }

    public boolean passed() {
        return checks.stream().noneMatch(c -> c.status() == UpgradeCheck.Status.FAILED);
    }

    // ------------------------------------------------------------------ steps

    public Runbook runbook() {
        Runbook.Builder b = Runbook.named("in-place upgrade of " + o.clusterId()).resource(o.clusterId()).events(bus)
                .clock(clock);
        b.step(step("pre-checks", this::observeChecks, (ctx, obs) -> null));
        if (o.snapshotFirst()) {
            b.step(step("snapshot", this::observeSnapshot, this::snapshot));
        }
        b.step(step("parameter groups", this::observeGroups, this::createGroups));
        b.step(step("start upgrade", this::observeStart, this::startUpgrade));
        b.step(step("follow upgrade", this::observeFollow, this::follow));
        b.step(step("verify", this::observeVerify, this::verify));
        return b.build();
    }

    private Step step(String name, java.util.function.Function<RunContext, Observation> observe,
            java.util.function.BiFunction<RunContext, Observation, String> act) {
        return Step.of(name, observe, (ctx, obs) -> {
            String done = act.apply(ctx, obs);
            if (o.afterStep() != null) {
                o.afterStep().accept(name);
            }
            return done;
        });
    }

    private Observation observeChecks(RunContext ctx) {
        precheck();
        if (!passed() && !ctx.dryRun()) {
            throw failure();
        }
        for (UpgradeCheck c : checks) {
            if (c.status() == UpgradeCheck.Status.WARNING && !ctx.dryRun()) {
                ctx.warn(c.name() + ": " + c.detail() + "; " + c.fix(), "check", c.name());
                warnings.add(c.name() + ": " + c.detail() + "; " + c.fix());
            }
        }
        long passedCount = checks.stream().filter(c -> c.status() != UpgradeCheck.Status.FAILED).count();
        return Observation.noChange(passedCount + " of " + checks.size() + " pre-checks passed; target "
                + target.engineVersion());
    }

    // snapshot

    private String snapshotId() {
        String to = target == null ? o.requestedTarget() : target.engineVersion();
        return (o.clusterId() + "-before-" + to).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("-{2,}", "-");
    }

    private Optional<DBClusterSnapshot> snapshotNow() {
        try {
            return rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(snapshotId()))
                    .dbClusterSnapshots().stream().findFirst();
        } catch (DbClusterSnapshotNotFoundException e) {
            return Optional.empty();
        }
    }

    private Observation observeSnapshot(RunContext ctx) {
        if (isUpgradingOrDone()) {
            return Observation.noChange("the upgrade has started already; no snapshot is taken now");
        }
        Optional<DBClusterSnapshot> s = snapshotNow();
        if (s.isPresent() && "available".equals(s.get().status())) {
            return Observation.noChange("snapshot " + snapshotId() + " is available");
        }
        return Observation.change(s.map(x -> "snapshot " + snapshotId() + " is " + x.status())
                .orElse("no snapshot " + snapshotId()), "take snapshot " + snapshotId() + " and wait until available");
    }

    private String snapshot(RunContext ctx, Observation obs) {
        if (snapshotNow().isEmpty()) {
            rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier(o.clusterId())
                    .dbClusterSnapshotIdentifier(snapshotId()));
        }
        Waiter.forResource("DB cluster snapshot " + snapshotId()).waitingFor("status available")
                .poll(() -> snapshotNow().map(DBClusterSnapshot::status).orElse("not found yet"))
                .failWhen(s -> s.equals("failed"), s -> "the snapshot failed; see the cluster's RDS events")
                .succeedWhen(s -> s.equals("available"))
                .deadline(o.deadline()).backoff(backoff()).clock(clock).events(ctx).await();
        return "took snapshot " + snapshotId();
    }

    // parameter groups

    private boolean isUpgradingOrDone() {
        DBCluster c = describe();
        return "upgrading".equals(c.status()) || c.engineVersion().equals(target.engineVersion())
                || target.engineVersion().equals(pendingVersion(c));
    }

    private Observation observeGroups(RunContext ctx) {
        if (groupPlans.isEmpty()) {
            return Observation.noChange("the upgrade is in progress or done; its parameter groups are set");
        }
        List<String> todo = new ArrayList<>();
        for (UpgradeParameterGroup g : groupPlans) {
            groups.missing(g).ifPresent(m -> todo.add(g.after() + (m.equals(g.carriedOver()) && !m.isEmpty()
                    ? " with " + m : m.isEmpty() ? "" : ": set " + m)));
        }
        String summary = String.join("; ", groupPlans.stream().map(UpgradeParameterGroup::toString).toList());
        return todo.isEmpty() ? Observation.noChange(summary)
                : Observation.change(summary, "create or complete " + String.join(", ", todo));
    }

    private String createGroups(RunContext ctx, Observation obs) {
        List<String> done = new ArrayList<>();
        for (UpgradeParameterGroup g : groupPlans) {
            Optional<Map<String, String>> m = groups.missing(g);
            if (m.isPresent()) {
                groups.apply(g, m.get(), o.clusterId());
                done.add(g.after() + " " + m.get());
            }
            if (!g.notCarriedOver().isEmpty()) {
                String text = g.before() + ": " + g.notCarriedOver() + " do not exist in " + g.afterFamily()
                        + " and were not carried over to " + g.after();
                ctx.warn(text, "group", g.after());
                warnings.add(text);
            }
        }
        return "recreated " + String.join(", ", done);
    }

    // start

    private static String pendingVersion(DBCluster c) {
        return c.pendingModifiedValues() == null ? null : c.pendingModifiedValues().engineVersion();
    }

    private Observation observeStart(RunContext ctx) {
        DBCluster c = describe();
        if (c.engineVersion().equals(target.engineVersion())) {
            return Observation.noChange("the cluster runs " + target.engineVersion() + " already");
        }
        if ("upgrading".equals(c.status())) {
            return Observation.noChange("an upgrade is in progress (status upgrading); following it instead of"
                    + " starting another");
        }
        if (!o.applyImmediately() && target.engineVersion().equals(pendingVersion(c))) {
            return Observation.noChange("the upgrade to " + target.engineVersion()
                    + " is pending for the next maintenance window");
        }
        return Observation.change("status " + c.status() + ", version " + c.engineVersion(), modifyText());
    }

    private String clusterGroupAfter() {
        return groupPlans.stream().filter(g -> g.level() == Level.CLUSTER).map(UpgradeParameterGroup::after)
                .findFirst().orElse(null);
    }

    private String instanceGroupAfter() {
        return groupPlans.stream().filter(g -> g.level() == Level.INSTANCE && g.changes())
                .map(UpgradeParameterGroup::after).findFirst().orElse(null);
    }

    private String modifyText() {
        return "ModifyDBCluster EngineVersion=" + target.engineVersion()
                + (major ? " AllowMajorVersionUpgrade=true" : "")
                + " ApplyImmediately=" + o.applyImmediately()
                + (clusterGroupAfter() != null && major ? " DBClusterParameterGroupName=" + clusterGroupAfter() : "")
                + (instanceGroupAfter() != null ? " DBInstanceParameterGroupName=" + instanceGroupAfter() : "");
    }

    private String startUpgrade(RunContext ctx, Observation obs) {
        startProbe(ctx);
        // The events already there belong to earlier upgrades: remembered rather than cut off by a
        // time on this machine's clock, which RDS's may not agree with.
        earlier = new HashSet<>();
        recentEvents().forEach(e -> earlier.add(key(e)));
        String clusterGroup = major ? clusterGroupAfter() : null;
        String instanceGroup = instanceGroupAfter();
        rds.modifyDBCluster(r -> {
            r.dbClusterIdentifier(o.clusterId()).engineVersion(target.engineVersion())
                    .applyImmediately(o.applyImmediately());
            if (major) {
                r.allowMajorVersionUpgrade(true);
            }
            if (clusterGroup != null) {
                r.dbClusterParameterGroupName(clusterGroup);
            }
            if (instanceGroup != null) {
                r.dbInstanceParameterGroupName(instanceGroup);
            }
        });
        scheduled = !o.applyImmediately();
        return modifyText().replace("ModifyDBCluster", "sent ModifyDBCluster");
    }

    private void startProbe(RunContext ctx) {
        if (probe != null || o.masterPassword() == null || !o.applyImmediately()) {
            return;
        }
        DBCluster c = describe();
        if (c.endpoint() == null || c.port() == null) {
            ctx.warn("the cluster has no endpoint yet; the reconnect check is skipped");
            return;
        }
        probe = new ConnectionProbe(c.endpoint(), c.port(), c.masterUsername(), o.masterPassword(),
                o.probeInterval(), clock);
        probe.start();
    }

    // follow

    private Observation observeFollow(RunContext ctx) {
        DBCluster c = describe();
        if (!o.applyImmediately() && !"upgrading".equals(c.status())
                && !c.engineVersion().equals(target.engineVersion())) {
            scheduled = true;
            return Observation.noChange("the upgrade waits for the next maintenance window ("
                    + c.preferredMaintenanceWindow() + ")");
        }
        if (c.engineVersion().equals(target.engineVersion()) && "available".equals(c.status())) {
            collectEvents(null);
            return Observation.noChange("the cluster is available on " + target.engineVersion());
        }
        return Observation.change("status " + c.status() + ", version " + c.engineVersion(),
                "follow the upgrade's RDS events until the cluster is available on " + target.engineVersion());
    }

    private record Look(String status, String version) {
    }

    private String follow(RunContext ctx, Observation obs) {
        startProbe(ctx);
        Look last = Waiter.forResource("DB cluster " + o.clusterId())
                .waitingFor("status available on " + target.engineVersion())
                .poll(() -> {
                    collectEvents(ctx);
                    DBCluster c = describe();
                    return new Look(c.status(), c.engineVersion());
                })
                .state(l -> l.status() + " " + l.version())
                .succeedWhen(l -> "available".equals(l.status()) && target.engineVersion().equals(l.version()))
                .deadline(o.deadline()).backoff(backoff()).clock(clock).events(ctx).await();
        return "the cluster is " + last.status() + " on " + last.version() + " after " + seen.size() + " RDS events";
    }

    /**
     * Reads the cluster's events from the start of the latest upgrade on, publishing new ones as
     * notes; throws on a failure event.
     */
    private void collectEvents(RunContext ctx) {
        List<Event> events = recentEvents();
        if (earlier != null) {
            events.removeIf(e -> earlier.contains(key(e)));
        }
        events.sort(Comparator.comparing(Event::date, Comparator.nullsFirst(Comparator.naturalOrder())));
        int from = 0;
        for (int i = 0; i < events.size(); i++) {
            String m = String.valueOf(events.get(i).message());
            if (m.equals(UPGRADE_STARTED) || (m.equals(ONLINE_PRECHECKS)
                    && (i == 0 || !UPGRADE_STARTED.equals(events.get(i - 1).message())))) {
                from = i;
            }
        }
        for (Event e : events.subList(from, events.size())) {
            if (!seenKeys.add(key(e))) {
                continue;
            }
            UpgradeRdsEvent ev = new UpgradeRdsEvent(e.date(), String.valueOf(e.message()));
            seen.add(ev);
            if (ctx != null) {
                ctx.note("RDS: " + ev.message(), "rdsEventTime", ev.time().toString());
            }
            if (ev.message().startsWith(CANNOT_UPGRADE)) {
                String log = prechecksLog();
                throw new UpgradeException(o.clusterId(), "available", "The upgrade of " + o.clusterId() + " to "
                        + target.engineVersion() + " was stopped by RDS: " + ev.message()
                        + (log == null ? "" : "\n--- upgrade-prechecks.log of " + writer + " ---\n" + log)
                        + "\nThe cluster stays on " + fromVersion + ". Fix what the log lists and run again.", log);
            }
        }
    }

    /** The cluster's events of the last day, counted by RDS on its own clock ({@code Duration}). */
    private List<Event> recentEvents() {
        List<Event> events = new ArrayList<>();
        rds.describeEventsPaginator(r -> r.sourceType(SourceType.DB_CLUSTER).sourceIdentifier(o.clusterId())
                .duration((int) Duration.ofDays(1).toMinutes())).forEach(p -> events.addAll(p.events()));
        return events;
    }

    private static String key(Event e) {
        return e.date() + "|" + e.message();
    }

    private String prechecksLog() {
        if (writer == null) {
            return null;
        }
        List<DescribeDBLogFilesDetails> files = rds.describeDBLogFiles(r -> r.dbInstanceIdentifier(writer)
                .filenameContains("upgrade-prechecks")).describeDBLogFiles();
        if (files.isEmpty()) {
            return null;
        }
        String name = files.get(files.size() - 1).logFileName();
        StringBuilder text = new StringBuilder();
        String marker = "0";
        for (int i = 0; i < 1000; i++) {
            String m = marker;
            DownloadDbLogFilePortionResponse part = rds.downloadDBLogFilePortion(r -> r.dbInstanceIdentifier(writer)
                    .logFileName(name).marker(m));
            if (part.logFileData() != null) {
                text.append(part.logFileData());
            }
            if (!Boolean.TRUE.equals(part.additionalDataPending()) || part.marker() == null) {
                break;
            }
            marker = part.marker();
        }
        return text.toString();
    }

    // verify

    private Observation observeVerify(RunContext ctx) {
        if (scheduled) {
            return Observation.noChange("nothing to verify before the maintenance window");
        }
        if (o.masterPassword() == null) {
            if (!ctx.dryRun()) {
                ctx.warn("no master password given: the reconnect check and VERSION() are skipped");
                warnings.add("no master password given: the reconnect check and VERSION() were skipped");
            }
            return Observation.noChange("no master password: reconnect check skipped");
        }
        return Observation.change("the cluster is upgraded on the RDS side",
                "confirm SELECT VERSION() reports MySQL " + mysqlOf(target.engineVersion())
                        + " over a reconnecting connection");
    }

    private String verify(RunContext ctx, Observation obs) {
        startProbe(ctx);
        if (probe == null) {
            return "no probe could be started";
        }
        ConnectionProbe.Seen s;
        try {
            s = probe.awaitSuccessAfter(clock.instant(), Duration.ofSeconds(60).compareTo(o.deadline()) < 0
                    ? Duration.ofSeconds(60) : o.deadline());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.opskit.core.WaitInterruptedException("interrupted while reconnecting to " + o.clusterId(),
                    o.clusterId(), "available", e);
        }
        String expected = mysqlOf(target.engineVersion());
        if (s.lastVersion() == null || s.lastSuccess() == null) {
            throw new UpgradeException(o.clusterId(), "available", "Could not connect to " + o.clusterId()
                    + " after the upgrade to read VERSION(): " + s.lastError()
                    + "; check the master password and that this host can reach the cluster endpoint", null);
        }
        if (!s.lastVersion().startsWith(expected)) {
            throw new UpgradeException(o.clusterId(), "available", "After the upgrade to " + target.engineVersion()
                    + ", SELECT VERSION() on " + o.clusterId() + " reports " + s.lastVersion() + ", not MySQL "
                    + expected + "; check that the endpoint points at this cluster", null);
        }
        connection = new UpgradeConnectionCheck(s.versionBefore(), s.lostAt(), s.backAt(), s.lastVersion(),
                s.lostAt() == null ? 0 : s.failures());
        return connection.toString();
    }

    // ------------------------------------------------------------------ results and helpers

    public String clusterId() {
        return o.clusterId();
    }

    public String fromVersion() {
        return fromVersion;
    }

    public String targetVersion() {
        return target == null ? o.requestedTarget() : target.engineVersion();
    }

    public List<UpgradeCheck> checks() {
        return List.copyOf(checks);
    }

    public List<UpgradeParameterGroup> groupPlans() {
        return List.copyOf(groupPlans);
    }

    public boolean scheduled() {
        return scheduled;
    }

    public List<UpgradeRdsEvent> events() {
        return List.copyOf(seen);
    }

    public Optional<UpgradeConnectionCheck> connection() {
        return Optional.ofNullable(connection);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The version the cluster reports now (for the result of a resumed run). */
    public String versionNow() {
        return describe().engineVersion();
    }

    private DBCluster describe() {
        try {
            return rds.describeDBClusters(r -> r.dbClusterIdentifier(o.clusterId())).dbClusters().get(0);
        } catch (DbClusterNotFoundException e) {
            throw new ResourceNotFoundException("DB cluster", o.clusterId(),
                    "check the cluster id and the AwsContext's account and region", e);
        }
    }

    private Optional<DBEngineVersion> engineVersion(String engine, String version) {
        return rds.describeDBEngineVersions(r -> {
            r.engineVersion(version);
            if (engine != null) {
                r.engine(engine);
            }
        }).dbEngineVersions().stream().findFirst();
    }

    private static int majorOf(String version) {
        return EngineVersion.parse(version).auroraMajor().orElse(0);
    }

    private static String mysqlOf(String version) {
        EngineVersion v = EngineVersion.parse(version);
        return v.major() + "." + v.minor();
    }

    /** Aurora versions compare by their Aurora release (1.22.2 < 2.09.1), then by the text. */
    private static String sortKey(String version) {
        try {
            EngineVersion v = EngineVersion.parse(version);
            return String.format("%03d.%03d.%03d", v.auroraMajor().orElse(0), v.auroraMinor().orElse(0),
                    v.auroraPatch().orElse(0));
        } catch (InvalidInputException e) {
            return version;
        }
    }

    private Backoff backoff() {
        // Short at first so that a fast (emulated) transition is seen at once, then every few seconds.
        return Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        if (probe != null) {
            probe.close();
        }
    }
}
