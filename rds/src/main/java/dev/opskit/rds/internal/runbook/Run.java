package dev.opskit.rds.internal.runbook;

import dev.opskit.core.Secret;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.ReplicationStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * The state of one run of the replication runbook: settings, what earlier steps found, and the
 * database pools it opened. Steps read and fill it in order.
 */
public final class Run implements AutoCloseable {
    public final Settings settings;
    public final Clusters clusters;
    public final Events events;
    public final Poller poller;

    DBCluster source;
    EngineVersion engine;
    Secret replicationPassword;
    BinlogPosition startPosition;
    private Database sourceDb;
    private Database targetDb;
    private String targetEndpoint;

    public Run(Settings settings, Clusters clusters, Events events) {
        this.settings = settings;
        this.clusters = clusters;
        this.events = events;
        // A 5 ms floor: a wait that ends within the first second loses milliseconds, not tens of them;
        // later delays grow with the time waited, so long real waits poll every few seconds.
        this.poller = new Poller(Duration.ofMillis(5), Duration.ofSeconds(10), settings.deadline(), events);
    }

    public DBCluster source() {
        return source;
    }

    public EngineVersion engine() {
        return engine;
    }

    public Optional<BinlogPosition> startPosition() {
        return Optional.ofNullable(startPosition);
    }

    /** The pool to the source's writer endpoint, opened on first use. */
    public Database sourceDb() {
        if (sourceDb == null) {
            sourceDb = new Database("source cluster '" + settings.sourceId() + "'", source.endpoint(), source.port(),
                    source.masterUsername(), settings.masterPassword());
            sourceDb.scrub(replicationPassword);
            sourceDb.scrub(settings.replicationPassword());
        }
        return sourceDb;
    }

    /** The pool to the target's writer endpoint, if the target exists and has an endpoint. */
    public Optional<Database> targetDb() {
        if (targetDb != null) {
            return Optional.of(targetDb);
        }
        Optional<DBCluster> t = clusters.cluster(settings.targetId());
        if (t.isEmpty() || t.get().endpoint() == null || Clusters.writer(t.get()).isEmpty()) {
            return Optional.empty();
        }
        targetEndpoint = t.get().endpoint();
        // A clone shares the source's master user and password.
        targetDb = new Database("target cluster '" + settings.targetId() + "'", targetEndpoint, t.get().port(),
                t.get().masterUsername() != null ? t.get().masterUsername() : source.masterUsername(),
                settings.masterPassword());
        targetDb.scrub(replicationPassword);
        targetDb.scrub(settings.replicationPassword());
        return Optional.of(targetDb);
    }

    /** The target's replication status, or empty when it has no replication configured or does not exist. */
    public Optional<ReplicationStatus> targetStatus() {
        Optional<Database> db = targetDb();
        if (db.isEmpty()) {
            return Optional.empty();
        }
        if (!reachable(db.get())) {
            return Optional.empty();
        }
        List<Map<String, String>> rows = db.get().rows(engine.dialect().replicaStatusStatement());
        return rows.isEmpty() ? Optional.empty() : Optional.of(ReplicationStatus.fromRow(rows.get(0)));
    }

    /** Whether the target already replicates from this source as the replication user. */
    public boolean targetPointsAtSource() {
        return targetStatus().map(s -> s.sourceHost().equalsIgnoreCase(source.endpoint())
                && s.sourcePort() == source.port() && s.sourceUser().equals(settings.replicationUser()))
                .orElse(false);
    }

    private static boolean reachable(Database db) {
        try {
            db.value("SELECT 1");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Hands the pools over to a handle (which then closes them), leaving this run without. */
    public Database[] releasePools() {
        Database[] out = {sourceDb, targetDb};
        sourceDb = null;
        targetDb = null;
        return out;
    }

    public Secret replicationPassword() {
        return replicationPassword;
    }

    @Override
    public void close() {
        if (sourceDb != null) {
            sourceDb.close();
        }
        if (targetDb != null) {
            targetDb.close();
        }
    }
}
