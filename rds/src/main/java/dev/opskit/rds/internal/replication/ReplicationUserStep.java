package dev.opskit.rds.internal.replication;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Secret;
import dev.opskit.core.Step;
import dev.opskit.rds.ReplicationStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The replication user on the source, with {@code REPLICATION CLIENT, REPLICATION SLAVE} and a
 * password the target can use: the run's password is set unless the target already replicates as
 * the user (then its password stays).
 */
final class ReplicationUserStep implements Step {
    private final ReplicationRun run;
    /** What the observation found, for the act that follows it. */
    private boolean exists;
    private boolean hasGrants;
    private boolean inUse;

    ReplicationUserStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "replication-user";
    }

    @Override
    public String resource() {
        return run.settings.sourceId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        ReplicationSettings s = run.settings;
        if (s.masterPassword() == null) {
            return Observation.change("unknown without masterPassword", "ensure user " + s.account()
                    + " with REPLICATION CLIENT, REPLICATION SLAVE");
        }
        exists = userExists();
        hasGrants = exists && hasGrants();
        Optional<ReplicationStatus> st = exists ? run.targetStatus() : Optional.empty();
        // A target the source refuses (its password no longer matches) is not "in use": the
        // password is set again here and the target re-pointed with it by external-source.
        boolean refused = run.pointsAtSource(st) && IoThreadErrors.deniedAccess(st.get());
        inUse = run.pointsAtSource(st) && !refused;
        if (exists && hasGrants && inUse) {
            return Observation.noChange("user " + s.account() + " exists with its grants; the target already "
                    + "replicates as it, so its password stays");
        }
        List<String> todo = new ArrayList<>();
        if (!exists) {
            todo.add("create user " + s.account());
        }
        if (!hasGrants) {
            todo.add("grant REPLICATION CLIENT, REPLICATION SLAVE");
        }
        if (exists) {
            todo.add("set a " + (s.replicationPassword() == null ? "fresh generated " : "the given ") + "password");
        }
        String target = refused ? ", but the source refuses the target's IO thread (error "
                + st.get().lastIoError().get().number() + ")" : ", target not replicating yet";
        return Observation.change(exists ? "user " + s.account() + " exists"
                + (hasGrants ? " with its grants" : " without all grants") + target
                : "no user " + s.account(), String.join(", ", todo));
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        ReplicationSettings s = run.settings;
        Database db = run.sourceDb();
        if (!(exists && inUse)) {
            Secret password = run.replicationPassword;
            if (exists) {
                db.execute("ALTER USER " + s.account() + " IDENTIFIED BY ?", password);
            } else {
                db.execute("CREATE USER IF NOT EXISTS " + s.account() + " IDENTIFIED BY ?", password);
            }
        }
        if (!hasGrants) {
            db.execute("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO " + s.account());
        }
        return (exists ? "updated" : "created") + " user " + s.account();
    }

    private boolean userExists() {
        return !"0".equals(run.sourceDb().value("SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = ?",
                run.settings.replicationUser(), run.settings.replicationHost()));
    }

    private boolean hasGrants() {
        StringBuilder all = new StringBuilder();
        for (var row : run.sourceDb().rows("SHOW GRANTS FOR " + run.settings.account())) {
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
