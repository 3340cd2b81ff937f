package dev.opskit.rds.internal.runbook;

import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Observation;
import dev.opskit.core.OpsException;
import dev.opskit.core.Secret;
import dev.opskit.core.WrongStateException;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.ReplicationStatus;
import dev.opskit.rds.internal.jdbc.EngineDialect;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.rds.model.DBClusterParameterGroup;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;

/** The steps of the replication runbook, in order. */
public final class Steps {
    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.%:-]{1,255}");

    private Steps() {
    }

    /** The steps for a run: all ten when cloning, without the clone steps for an existing target. */
    public static List<Step> of(Settings s) {
        List<Step> steps = new ArrayList<>(List.of(new Validate(), new BinlogParameterGroup(), new RebootWriter(),
                new ReplicationUser(), new BinlogRetention()));
        if (s.cloning()) {
            steps.add(new Clone());
            steps.add(new CloneWriter());
        }
        steps.add(new StartPosition());
        steps.add(new ExternalSource());
        steps.add(new StartReplication());
        return steps;
    }

    /** Checks user input syntax that needs no AWS call. */
    public static void checkInput(String targetId, String user, String host) {
        if (targetId == null || !CLUSTER_ID.matcher(targetId).matches()) {
            throw new InvalidInputException("target cluster id", targetId,
                    "a DB cluster id has 1 to 63 letters, digits or hyphens, starts with a letter, "
                            + "and has no two hyphens in a row and no trailing hyphen");
        }
        if (user == null || !USER.matcher(user).matches()) {
            throw new InvalidInputException("replicationUser", user, "use 1 to 32 letters, digits or underscores");
        }
        if (host == null || !HOST.matcher(host).matches()) {
            throw new InvalidInputException("replicationHost", host,
                    "use a host pattern such as % or 10.0.%; Aurora has skip_name_resolve, so give addresses, not names");
        }
    }

    static String account(Settings s) {
        return "'" + s.replicationUser() + "'@'" + s.replicationHost() + "'";
    }

    /** Source exists and is Aurora MySQL, retention in range, target free or ours, source reachable. */
    static final class Validate implements Step {
        public String name() {
            return "validate";
        }

        public String resource(Run run) {
            return run.settings.sourceId();
        }

        public Observation observe(Run run) {
            Settings s = run.settings;
            DBCluster src = run.clusters.requireCluster(s.sourceId());
            String engine = src.engine() == null ? "" : src.engine().toLowerCase(Locale.ROOT);
            if (!engine.equals("aurora-mysql") && !engine.equals("aurora")) {
                throw new InvalidInputException("source engine", src.engine(), "DB cluster '" + s.sourceId()
                        + "' is not Aurora MySQL; binlog replication by this runbook needs engine aurora-mysql");
            }
            EngineVersion version = EngineVersion.of(src.engine(), src.engineVersion());
            version.checkBinlogRetentionHours(s.retentionHours());
            if (src.endpoint() == null) {
                throw new WrongStateException(s.sourceId(), src.status(), "DB cluster '" + s.sourceId()
                        + "' has no endpoint yet (status " + src.status() + "); wait until it is available and run again");
            }
            run.source = src;
            run.engine = version;
            // Independent reads in parallel: the target, the source's first connection, and the
            // parameter groups the next step looks at.
            var targetLook = run.async(run::lookAtTarget);
            if (s.masterPassword() != null && Clusters.writer(src).isPresent()) {
                // No connection to a server that RDS is still restarting (a run killed during the reboot).
                src = settledSource(run, name(), src);
            }
            var ping = s.masterPassword() == null ? null : run.async(() -> run.sourceDb().value("SELECT 1"));
            String group = src.dbClusterParameterGroup();
            if (group != null && group.startsWith("default.")) {
                run.prefetch(GROUP + group, () -> run.clusters.parameterGroup(group));
                run.prefetch(GROUP + s.binlogGroupName(), () -> run.clusters.parameterGroup(s.binlogGroupName()));
            }
            Optional<DBCluster> target = Run.join(targetLook);
            String targetFound;
            if (s.cloning()) {
                if (target.isPresent() && !isCloneOf(target.get(), src)) {
                    throw new ConflictException(s.targetId(), "DB cluster '" + s.targetId()
                            + "' exists but is not a clone of '" + s.sourceId() + "' (no " + Clusters.CLONE_OF_TAG
                            + " tag naming it, and clone group " + target.get().cloneGroupId() + " differs from "
                            + src.cloneGroupId() + "); choose another clone id, or delete that cluster");
                }
                targetFound = target.isPresent() ? "clone '" + s.targetId() + "' exists (" + target.get().status() + ")"
                        : "clone id '" + s.targetId() + "' is free";
            } else {
                DBCluster t = target.orElseThrow(() -> new dev.opskit.core.ResourceNotFoundException("DB cluster",
                        s.targetId(), "the target of to(...) must exist; use cloneTo(...) to create one", null));
                if (!"aurora-mysql".equalsIgnoreCase(t.engine()) && !"aurora".equalsIgnoreCase(t.engine())) {
                    throw new InvalidInputException("target engine", t.engine(),
                            "DB cluster '" + s.targetId() + "' is not Aurora MySQL");
                }
                if (Clusters.writer(t).isEmpty()) {
                    throw new WrongStateException(s.targetId(), t.status(), "DB cluster '" + s.targetId()
                            + "' has no writer instance; add one and run again");
                }
                targetFound = "target '" + s.targetId() + "' exists (" + t.status() + ")";
            }
            if (ping != null) {
                // Connecting now means a wrong password fails before anything changes.
                Run.join(ping);
            }
            return Observation.noChange("source " + version.describe() + " at " + src.endpoint() + ":" + src.port()
                    + ", " + targetFound);
        }

        public String act(Run run, Observation o) {
            return o.found();
        }
    }

    /**
     * Whether a cluster is a clone of the source: its {@code opskit:clone-of} tag decides when it has
     * one (this runbook tags the clones it makes); an untagged cluster (made by hand, or by an
     * account whose tags are not visible) counts when it is in the source's clone group.
     */
    public static boolean isCloneOf(DBCluster candidate, DBCluster source) {
        Optional<String> tagged = Clusters.tag(candidate, Clusters.CLONE_OF_TAG);
        if (tagged.isPresent()) {
            return tagged.get().equalsIgnoreCase(source.dbClusterIdentifier());
        }
        return candidate.cloneGroupId() != null && candidate.cloneGroupId().equals(source.cloneGroupId())
                && !candidate.dbClusterIdentifier().equals(source.dbClusterIdentifier());
    }

    private static final String GROUP = "parameter group ";
    private static final String FORMAT_IN = "binlog_format in ";

    /** A custom cluster parameter group with the wanted binlog_format, attached to the source. */
    static final class BinlogParameterGroup implements Step {
        public String name() {
            return "binlog-parameter-group";
        }

        public String resource(Run run) {
            return run.settings.sourceId();
        }

        public Observation observe(Run run) {
            String want = run.settings.format().name();
            String current = run.source.dbClusterParameterGroup();
            if (current != null && !current.startsWith("default.")) {
                String value = run.clusters.parameterValue(current, "binlog_format").orElse("OFF");
                if (value.equalsIgnoreCase(want)) {
                    return Observation.noChange("custom group '" + current + "' has binlog_format=" + value);
                }
                return Observation.change("custom group '" + current + "' has binlog_format=" + value,
                        "set binlog_format=" + want + " in '" + current + "' (applies on reboot)");
            }
            String mine = run.settings.binlogGroupName();
            Optional<DBClusterParameterGroup> existing = group(run, mine);
            String found = "cluster uses default group '" + current + "'";
            if (existing.isEmpty()) {
                return Observation.change(found, "create group '" + mine + "', set binlog_format=" + want
                        + ", attach it to '" + run.settings.sourceId() + "'");
            }
            String value = run.once(FORMAT_IN + mine,
                    () -> run.clusters.parameterValue(mine, "binlog_format").orElse("OFF"));
            return Observation.change(found + ", group '" + mine + "' exists with binlog_format=" + value,
                    (value.equalsIgnoreCase(want) ? "" : "set binlog_format=" + want + ", ")
                            + "attach '" + mine + "' to '" + run.settings.sourceId() + "'");
        }

        public String act(Run run, Observation o) {
            Settings s = run.settings;
            String want = s.format().name();
            String current = run.source.dbClusterParameterGroup();
            String group;
            if (current != null && !current.startsWith("default.")) {
                group = current;
                run.events.warning(name(), group, "changing binlog_format in custom group '" + group
                        + "', which every cluster using it will pick up on its next reboot", Map.of());
                run.clusters.setParameter(group, "binlog_format", want);
            } else {
                group = s.binlogGroupName();
                boolean created = false;
                if (group(run, group).isEmpty()) {
                    String family = group(run, current)
                            .map(DBClusterParameterGroup::dbParameterGroupFamily)
                            .orElseThrow(() -> new WrongStateException(s.sourceId(), current,
                                    "cannot read the family of parameter group '" + current + "'"));
                    run.clusters.createParameterGroup(group, family,
                            "binlog_format for replication from " + s.sourceId() + " (opskit)", s.sourceId());
                    created = true;
                }
                // A group just created has binlog_format unset (OFF): no need to read it back.
                String name = group;
                boolean set = created || !run.once(FORMAT_IN + group,
                        () -> run.clusters.parameterValue(name, "binlog_format").orElse("OFF")).equalsIgnoreCase(want);
                // Set before attaching: a change to a group already attached makes RDS apply it to the
                // cluster's members again.
                if (set) {
                    run.clusters.setParameter(name, "binlog_format", want);
                }
                run.clusters.attachParameterGroup(s.sourceId(), group);
                run.forget(GROUP + group);
                run.forget(FORMAT_IN + group);
            }
            run.source = waitClusterAvailable(run, name(), s.sourceId());
            return "binlog_format=" + want + " in '" + group + "', attached to '" + s.sourceId() + "'";
        }
    }

    /** A parameter group as this run last saw it (read once per run; see {@link Run#once}). */
    static Optional<DBClusterParameterGroup> group(Run run, String name) {
        return run.once(GROUP + name, () -> run.clusters.parameterGroup(name));
    }

    /**
     * Waits until an instance and its cluster are both available, looking at the two at once, and
     * returns the cluster as last seen.
     */
    static DBCluster waitInstanceAndClusterAvailable(Run run, String step, String instance, String cluster) {
        return run.poller.await("status available", "DB instance '" + instance + "' in cluster '" + cluster + "'",
                step, () -> {
                    var i = run.async(() -> run.clusters.instanceAvailable(instance));
                    Poller.Look<DBCluster> c = run.clusters.clusterAvailable(cluster);
                    Poller.Look<?> il = Run.join(i);
                    if (il.outcome() == Poller.Outcome.FAILED || c.outcome() == Poller.Outcome.FAILED) {
                        return Poller.Look.failed("instance " + il.state() + ", cluster " + c.state());
                    }
                    if (il.outcome() == Poller.Outcome.DONE && c.outcome() == Poller.Outcome.DONE) {
                        return Poller.Look.done("available", c.value());
                    }
                    return Poller.Look.pending("instance " + il.state() + ", cluster " + c.state());
                });
    }

    /**
     * The source cluster once it and its writer instance are both available: at once when they are,
     * else after waiting. A writer still {@code rebooting} (a run killed during the reboot and
     * started again at once) may already answer over JDBC, with the new settings, while RDS has not
     * finished with it; what the server says is trusted only once RDS says it is done. One look at
     * the instance when all is settled; waits publish events and end at the run's deadline. After a
     * wait the source's pool is opened anew: its connections may predate the server's restart.
     *
     * @param seen the source as this run last described it (its status is the cluster's look)
     */
    static DBCluster settledSource(Run run, String step, DBCluster seen) {
        String instance = Clusters.writer(seen).map(DBClusterMember::dbInstanceIdentifier).orElseThrow();
        Poller.Look<?> i = run.clusters.instanceAvailable(instance);
        if (i.outcome() == Poller.Outcome.DONE && "available".equals(seen.status())) {
            return seen;
        }
        run.events.note(step, instance, "DB instance '" + instance + "' is " + i.state() + " and cluster '"
                + seen.dbClusterIdentifier() + "' is " + seen.status() + "; waiting for both to be available before"
                + " using the server", attrs("instanceStatus", i.state(), "clusterStatus", seen.status()));
        DBCluster settled = waitInstanceAndClusterAvailable(run, step, instance, seen.dbClusterIdentifier());
        run.reopenSourceDb();
        return settled;
    }

    static DBCluster waitClusterAvailable(Run run, String step, String id) {
        return run.poller.await("status available", "DB cluster '" + id + "'", step,
                () -> run.clusters.clusterAvailable(id));
    }

    /** Reboots the source's writer once if binary logging is not yet as wanted. */
    static final class RebootWriter implements Step {
        public String name() {
            return "reboot-writer";
        }

        public String resource(Run run) {
            return Clusters.writer(run.source).map(DBClusterMember::dbInstanceIdentifier).orElse(run.settings.sourceId());
        }

        public Observation observe(Run run) {
            DBClusterMember writer = Clusters.writer(run.source).orElseThrow(() -> new WrongStateException(
                    run.settings.sourceId(), run.source.status(), "source cluster '" + run.settings.sourceId()
                            + "' has no writer instance; add one and run again"));
            if (run.settings.masterPassword() == null) {
                return Observation.change("writer '" + writer.dbInstanceIdentifier() + "', parameters "
                        + writer.dbClusterParameterGroupStatus() + " (binlog state unknown without masterPassword)",
                        "reboot it if log_bin is OFF or binlog_format is not " + run.settings.format());
            }
            run.source = settledSource(run, name(), run.source);
            String found = binlogState(run);
            if (found.equals(wanted(run))) {
                return Observation.noChange("writer '" + writer.dbInstanceIdentifier() + "': " + found);
            }
            return Observation.change("writer '" + writer.dbInstanceIdentifier() + "': " + found
                    + ", parameters " + writer.dbClusterParameterGroupStatus(),
                    "reboot '" + writer.dbInstanceIdentifier() + "' and check log_bin=ON, binlog_format="
                            + run.settings.format());
        }

        public String act(Run run, Observation o) {
            String writer = resource(run);
            run.clusters.reboot(writer);
            run.source = waitInstanceAndClusterAvailable(run, name(), writer, run.settings.sourceId());
            // The pool's connections died with the server: open it anew rather than have each one
            // found broken (and logged so) on its next use.
            run.reopenSourceDb();
            // The server may accept connections a moment after the instance shows available.
            String state = run.poller.await("log_bin=ON and binlog_format=" + run.settings.format(), "writer '" + writer + "'", name(), () -> {
                try {
                    String found = binlogState(run);
                    return found.equals(wanted(run)) ? Poller.Look.done(found, found) : Poller.Look.failed(found);
                } catch (OpsException e) {
                    return Poller.Look.pending("not reachable yet");
                }
            });
            return "rebooted '" + writer + "': " + state;
        }

        static String binlogState(Run run) {
            var row = run.sourceDb().rows("SELECT @@log_bin AS log_bin, @@binlog_format AS binlog_format").get(0);
            return "log_bin=" + ("1".equals(row.get("log_bin")) ? "ON" : "OFF") + ", binlog_format="
                    + String.valueOf(row.get("binlog_format")).toUpperCase(Locale.ROOT);
        }

        /** {@link #binlogState} as it reads once binary logging is as wanted. */
        static String wanted(Run run) {
            return "log_bin=ON, binlog_format=" + run.settings.format().name();
        }
    }

    /** The replication user on the source, with its grants and a password the target can use. */
    static final class ReplicationUser implements Step {
        public String name() {
            return "replication-user";
        }

        public String resource(Run run) {
            return run.settings.sourceId();
        }

        public Observation observe(Run run) {
            Settings s = run.settings;
            if (s.masterPassword() == null) {
                return Observation.change("unknown without masterPassword", "ensure user " + account(s)
                        + " with REPLICATION CLIENT, REPLICATION SLAVE");
            }
            boolean exists = userExists(run);
            boolean grants = exists && hasGrants(run);
            Optional<ReplicationStatus> st = exists ? run.targetStatus() : Optional.empty();
            // A target the source refuses (its password no longer matches) is not "in use": the
            // password is set again here and the target re-pointed with it by external-source.
            boolean refused = run.pointsAtSource(st) && IoThreadErrors.deniedAccess(st.get());
            boolean replicating = run.pointsAtSource(st) && !refused;
            // The act that follows changes exactly this, so it need not read it again.
            run.userExists = exists;
            run.userHasGrants = grants;
            run.userInUse = replicating;
            if (exists && grants && replicating) {
                return Observation.noChange("user " + account(s) + " exists with its grants; the target already "
                        + "replicates as it, so its password stays");
            }
            List<String> todo = new ArrayList<>();
            if (!exists) {
                todo.add("create user " + account(s));
            }
            if (!grants) {
                todo.add("grant REPLICATION CLIENT, REPLICATION SLAVE");
            }
            if (exists) {
                todo.add("set a " + (s.replicationPassword() == null ? "fresh generated " : "the given ") + "password");
            }
            String target = refused ? ", but the source refuses the target's IO thread (error "
                    + st.get().lastIoError().get().number() + ")" : ", target not replicating yet";
            return Observation.change(exists ? "user " + account(s) + " exists" + (grants ? " with its grants" : " without all grants")
                    + target : "no user " + account(s), String.join(", ", todo));
        }

        public String act(Run run, Observation o) {
            Settings s = run.settings;
            Database db = run.sourceDb();
            boolean exists = run.userExists;
            if (!(exists && run.userInUse)) {
                Secret password = run.replicationPassword;
                if (exists) {
                    db.execute("ALTER USER " + account(s) + " IDENTIFIED BY ?", password);
                } else {
                    db.execute("CREATE USER IF NOT EXISTS " + account(s) + " IDENTIFIED BY ?", password);
                }
            }
            if (!run.userHasGrants) {
                db.execute("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO " + account(s));
            }
            return (exists ? "updated" : "created") + " user " + account(s);
        }

        static boolean userExists(Run run) {
            return !"0".equals(run.sourceDb().value("SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = ?",
                    run.settings.replicationUser(), run.settings.replicationHost()));
        }

        static boolean hasGrants(Run run) {
            StringBuilder all = new StringBuilder();
            for (var row : run.sourceDb().rows("SHOW GRANTS FOR " + account(run.settings))) {
                row.values().forEach(v -> all.append(v).append('\n'));
            }
            String g = all.toString().toUpperCase(Locale.ROOT);
            if (g.contains("GRANT ALL PRIVILEGES ON *.*")) {
                return true;
            }
            // MariaDB 10.5+ shows REPLICATION CLIENT as BINLOG MONITOR, and REPLICATION SLAVE as REPLICATION REPLICA.
            boolean client = g.contains("REPLICATION CLIENT") || g.contains("BINLOG MONITOR");
            boolean slave = g.contains("REPLICATION SLAVE") || g.contains("REPLICATION REPLICA");
            return client && slave;
        }
    }

    /** {@code binlog retention hours} on the source. */
    static final class BinlogRetention implements Step {
        public String name() {
            return "binlog-retention";
        }

        public String resource(Run run) {
            return run.settings.sourceId();
        }

        public Observation observe(Run run) {
            int want = run.settings.retentionHours();
            if (run.settings.masterPassword() == null) {
                return Observation.change("unknown without masterPassword", "set binlog retention hours to " + want);
            }
            String current = current(run);
            if (Integer.toString(want).equals(current)) {
                return Observation.noChange("binlog retention hours is " + current);
            }
            return Observation.change("binlog retention hours is " + current, "set it to " + want);
        }

        public String act(Run run, Observation o) {
            run.sourceDb().execute(EngineDialect.of(run.engine).setBinlogRetentionCall(), run.settings.retentionHours());
            return "binlog retention hours set to " + current(run);
        }

        static String current(Run run) {
            for (var row : run.sourceDb().rows("CALL mysql.rds_show_configuration")) {
                if ("binlog retention hours".equalsIgnoreCase(row.get("name"))) {
                    String v = row.get("value");
                    return v == null ? "NULL" : v.trim();
                }
            }
            return "NULL";
        }
    }

    /** A copy-on-write clone of the source; an existing clone of it is reused. */
    static final class Clone implements Step {
        public String name() {
            return "clone";
        }

        public String resource(Run run) {
            return run.settings.targetId();
        }

        public Observation observe(Run run) {
            Optional<DBCluster> c = run.lookAtTarget();
            if (c.isEmpty()) {
                return Observation.change("no cluster '" + run.settings.targetId() + "'",
                        "clone '" + run.settings.sourceId() + "' copy-on-write at its latest restorable time");
            }
            if ("available".equals(c.get().status())) {
                return Observation.noChange("clone '" + run.settings.targetId() + "' exists and is available");
            }
            return Observation.change("clone '" + run.settings.targetId() + "' is " + c.get().status(),
                    "wait until it is available");
        }

        public String act(Run run, Observation o) {
            String id = run.settings.targetId();
            boolean created = false;
            if (run.target().isEmpty()) {
                run.clusters.restoreClone(run.settings.sourceId(), id);
                created = true;
            }
            run.sawTarget(Optional.of(waitClusterAvailable(run, name(), id)));
            return (created ? "cloned '" + run.settings.sourceId() + "' to '" : "reused clone '") + id + "'";
        }
    }

    /** A writer instance in the clone. */
    static final class CloneWriter implements Step {
        public String name() {
            return "clone-writer";
        }

        public String resource(Run run) {
            return run.settings.cloneWriterId();
        }

        public Observation observe(Run run) {
            // The clone step has just seen the clone (available): no need to describe it again.
            Optional<DBCluster> c = run.target();
            Optional<DBClusterMember> w = c.flatMap(Clusters::writer);
            if (w.isEmpty()) {
                return Observation.change("clone has no writer instance", "create writer '" + run.settings.cloneWriterId()
                        + "' (" + run.settings.writerInstanceClass() + ") and wait until available");
            }
            String status = run.clusters.instance(w.get().dbInstanceIdentifier()).map(i -> i.dbInstanceStatus()).orElse("unknown");
            if ("available".equals(status)) {
                return Observation.noChange("writer '" + w.get().dbInstanceIdentifier() + "' is available");
            }
            return Observation.change("writer '" + w.get().dbInstanceIdentifier() + "' is " + status, "wait until available");
        }

        public String act(Run run, Observation o) {
            Settings s = run.settings;
            DBCluster c = run.target().orElseThrow(() -> new WrongStateException(s.targetId(), "not found",
                    "the clone '" + s.targetId() + "' is gone; run again to clone anew"));
            String writer = Clusters.writer(c).map(DBClusterMember::dbInstanceIdentifier).orElse(null);
            boolean created = false;
            if (writer == null) {
                writer = s.cloneWriterId();
                // Create first and look only if RDS says the id is taken: the usual path makes one call.
                created = run.clusters.createInstanceUnlessExists(writer, s.targetId(), c.engine(),
                        s.writerInstanceClass());
                if (!created) {
                    var existing = run.clusters.instance(writer);
                    if (existing.isPresent() && !s.targetId().equalsIgnoreCase(existing.get().dbClusterIdentifier())) {
                        throw new ConflictException(writer, "DB instance '" + writer + "' exists in cluster '"
                                + existing.get().dbClusterIdentifier() + "', not in the clone '" + s.targetId()
                                + "'; delete or rename it, or choose another clone id");
                    }
                }
            }
            run.warmTarget();
            run.sawTarget(Optional.of(waitInstanceAndClusterAvailable(run, name(), writer, s.targetId())));
            return (created ? "created writer '" : "writer '") + writer + "' is available";
        }
    }

    /** The binlog position the clone's data matches, from the clone writer's crash-recovery event. */
    static final class StartPosition implements Step {
        public String name() {
            return "start-position";
        }

        public String resource(Run run) {
            return run.settings.cloning() ? run.settings.cloneWriterId() : run.settings.targetId();
        }

        public Observation observe(Run run) {
            if (!run.settings.cloning()) {
                run.startPosition = run.settings.startingAt();
                return Observation.noChange("given: " + run.settings.startingAt());
            }
            Optional<String> writer = writerOf(run);
            // The event is read while the target is asked whether it already replicates.
            var event = writer.isEmpty() ? null
                    : run.async(() -> run.clusters.startPosition(writer.get(), since(run)));
            if (run.settings.masterPassword() != null && run.targetPointsAtSource()) {
                return Observation.noChange("the target already replicates from the source; no start position needed");
            }
            if (writer.isEmpty()) {
                return Observation.change("clone writer does not exist yet",
                        "read 'Binlog position from crash recovery' from its events");
            }
            Optional<BinlogPosition> p = Run.join(event);
            if (p.isPresent()) {
                run.startPosition = p.get();
                return Observation.noChange("'Binlog position from crash recovery' event on '" + writer.get() + "': " + p.get());
            }
            return Observation.change("no crash-recovery event on '" + writer.get() + "' yet", "wait for it");
        }

        public String act(Run run, Observation o) {
            String writer = writerOf(run).orElseThrow(() -> new WrongStateException(run.settings.targetId(), "no writer",
                    "the clone '" + run.settings.targetId() + "' has no writer instance; run again"));
            run.startPosition = run.poller.await("event 'Binlog position from crash recovery'", "DB instance '" + writer + "'", name(), () -> {
                Optional<BinlogPosition> p = run.clusters.startPosition(writer, since(run));
                return p.isPresent() ? Poller.Look.done(p.get().toString(), p.get()) : Poller.Look.pending("no event yet");
            });
            return "start at " + run.startPosition;
        }

        static Optional<String> writerOf(Run run) {
            Optional<String> w = run.target().flatMap(Clusters::writer).map(DBClusterMember::dbInstanceIdentifier);
            // The last look may predate the writer (a resumed run): look again before saying there is none.
            return w.isPresent() ? w : run.lookAtTarget().flatMap(Clusters::writer)
                    .map(DBClusterMember::dbInstanceIdentifier);
        }

        static Instant since(Run run) {
            Instant created = run.target().map(DBCluster::clusterCreateTime).orElse(Instant.now());
            return created.minus(Duration.ofMinutes(5));
        }
    }

    /** Points the target at the source with {@code rds_set_external_master/source}. */
    static final class ExternalSource implements Step {
        public String name() {
            return "external-source";
        }

        public String resource(Run run) {
            return run.settings.targetId();
        }

        public Observation observe(Run run) {
            String src = run.source.endpoint() + ":" + run.source.port();
            String call = EngineDialect.of(run.engine).setExternalSourceCall();
            if (run.settings.masterPassword() == null) {
                return Observation.change("unknown without masterPassword", call.replace("(?, ?, ?, ?, ?, ?, ?)", "")
                        + " to " + src);
            }
            Optional<ReplicationStatus> st = run.targetStatus();
            if (st.isPresent() && !st.get().sourceHost().isEmpty()) {
                ReplicationStatus s = st.get();
                if (run.pointsAtSource(st) && IoThreadErrors.deniedAccess(s)) {
                    // Re-pointed from where it executed: its relay log is dropped and fetched again.
                    run.repointAt = s.executed().orElseThrow(() -> new WrongStateException(run.settings.targetId(),
                            s.toString(), "target '" + run.settings.targetId() + "' is refused by the source and"
                                    + " reports no executed position to resume from; teardown(true) and clone anew"));
                    return Observation.change("target replicates from " + src + " as " + s.sourceUser()
                            + ", but the source refuses it: " + s.lastIoError().get(), "stop replication and point"
                            + " it at " + src + " again with the replication user's password, at " + run.repointAt
                            + " where it executed");
                }
                if (run.pointsAtSource(st)) {
                    return Observation.noChange("target replicates from " + src + " as " + s.sourceUser());
                }
                throw new ConflictException(run.settings.targetId(), "target '" + run.settings.targetId()
                        + "' already replicates from " + s.sourceHost() + ":" + s.sourcePort() + " as '"
                        + s.sourceUser() + "', not from " + src + " as '" + run.settings.replicationUser()
                        + "'; reset its external source (teardown) or choose another target");
            }
            return Observation.change("target has no external source",
                    call.substring(5, call.indexOf('(')) + " to " + src + " at "
                            + (run.startPosition == null ? "the start position" : run.startPosition));
        }

        public String act(Run run, Observation o) {
            Database target = run.targetDb().orElseThrow(() -> new WrongStateException(run.settings.targetId(),
                    "no endpoint", "target '" + run.settings.targetId() + "' has no writer endpoint yet; run again"));
            BinlogPosition p = run.startPosition;
            if (run.repointAt != null) {
                // rds_set_external_master/source refuses a replica whose threads run.
                target.execute(EngineDialect.of(run.engine).stopReplicationCall());
                p = run.repointAt;
            }
            target.execute(EngineDialect.of(run.engine).setExternalSourceCall(), run.source.endpoint(), run.source.port(),
                    run.settings.replicationUser(), run.replicationPassword, p.file(), p.position(), 0);
            return "target replicates from " + run.source.endpoint() + ":" + run.source.port() + " at " + p;
        }
    }

    /** Starts replication unless it runs. */
    static final class StartReplication implements Step {
        public String name() {
            return "start-replication";
        }

        public String resource(Run run) {
            return run.settings.targetId();
        }

        public Observation observe(Run run) {
            if (run.settings.masterPassword() == null) {
                return Observation.change("unknown without masterPassword", "mysql.rds_start_replication");
            }
            Optional<ReplicationStatus> st = run.targetStatus();
            if (st.isPresent() && st.get().isRunning()) {
                return Observation.noChange("replication runs: " + st.get());
            }
            return Observation.change(st.map(Object::toString).orElse("replication not configured yet"),
                    "mysql.rds_start_replication");
        }

        public String act(Run run, Observation o) {
            Database target = run.targetDb().orElseThrow();
            target.execute(EngineDialect.of(run.engine).startReplicationCall());
            return "replication started";
        }
    }

    static Map<String, Object> attrs(Object... kv) {
        return OpsEvent.attributes(kv);
    }
}
