package dev.opskit.rds;

import dev.opskit.core.Secret;
import dev.opskit.core.Waiter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * Test scaffolding for the replication runbook on LocalAws: a source Aurora MySQL cluster with a
 * writer and a small shop schema (foreign keys, secondary indexes, composite and string keys,
 * NULLs), and a concurrent writer doing inserts, updates and deletes.
 */
public final class ReplicationFixture {
    private ReplicationFixture() {
    }

    /** Creates a cluster and its writer, waits until both are available; returns the cluster. */
    public static DBCluster createSource(RdsClient rds, String id, String version, Secret password) {
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-mysql").engineVersion(version)
                .masterUsername("admin").masterUserPassword(password.reveal()));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id + "-1").dbClusterIdentifier(id).engine("aurora-mysql")
                .dbInstanceClass("db.r6g.large"));
        Waiter.forResource("DB instance " + id + "-1").waitingFor("available")
                .poll(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(id + "-1")).dbInstances().get(0))
                .state(i -> i.dbInstanceStatus())
                .failWhen(i -> "failed".equals(i.dbInstanceStatus()), i -> "the DB server did not start; see the LocalAws log")
                .succeedWhen(i -> "available".equals(i.dbInstanceStatus()))
                .backoff(dev.opskit.core.Backoff.fixed(Duration.ofMillis(50)))
                .deadline(Duration.ofMinutes(2)).await();
        return rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().get(0);
    }

    /** {@link #createSource} with the {@link #seed} schema and rows. */
    static DBCluster seededSource(RdsClient rds, String id, String version, Secret password, long seed)
            throws SQLException {
        DBCluster source = createSource(rds, id, version, password);
        try (Connection c = connect(source, password)) {
            seed(c, seed);
        }
        return source;
    }

    /**
     * Stops and starts replication on a cluster: the IO thread connects anew, which proves (or
     * disproves) the password it holds, as a running thread keeps its session.
     */
    static void restartReplication(RdsClient rds, String cluster, Secret password) throws SQLException {
        DBCluster c = rds.describeDBClusters(r -> r.dbClusterIdentifier(cluster)).dbClusters().get(0);
        try (Connection db = connect(c, password); Statement s = db.createStatement()) {
            s.execute("CALL mysql.rds_stop_replication");
            s.execute("CALL mysql.rds_start_replication");
        }
    }

    public static Connection connect(DBCluster c, Secret password) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://" + c.endpoint() + ":" + c.port()
                + "/?useSSL=false&allowPublicKeyRetrieval=true", "admin", password.reveal());
    }

    /** The schema and a few hundred rows. */
    public static void seed(Connection c, long seed) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE shop");
            s.execute("CREATE TABLE shop.customers (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL,"
                    + " name VARCHAR(100) NULL, note VARCHAR(100) NULL, UNIQUE KEY (email)) ENGINE=InnoDB");
            s.execute("CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,"
                    + " amount DECIMAL(10,2) NOT NULL, status VARCHAR(16) NOT NULL, KEY (status),"
                    + " FOREIGN KEY (customer_id) REFERENCES shop.customers (id) ON DELETE CASCADE) ENGINE=InnoDB");
            s.execute("CREATE TABLE shop.order_lines (order_id BIGINT NOT NULL, line INT NOT NULL, sku VARCHAR(20) NOT NULL,"
                    + " qty INT NOT NULL, PRIMARY KEY (order_id, line), KEY (sku),"
                    + " FOREIGN KEY (order_id) REFERENCES shop.orders (id) ON DELETE CASCADE) ENGINE=InnoDB");
            s.execute("CREATE TABLE shop.settings (name VARCHAR(40) PRIMARY KEY, value VARCHAR(100) NULL) ENGINE=InnoDB");
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < 60; i++) {
            new Workload.Op(rnd).apply(c);
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Random inserts, updates and deletes on every table, from a background thread. */
    public static final class Workload implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final Thread thread;

        public Workload(DBCluster source, Secret password, long seed, int maxPauseMillis) {
            thread = new Thread(() -> {
                Random rnd = new Random(seed);
                Connection c = null;
                while (!stop.get()) {
                    try {
                        if (c == null || !c.isValid(1)) {
                            c = connect(source, password);
                        }
                        new Op(rnd).apply(c);
                        done.incrementAndGet();
                    } catch (SQLException e) {
                        // The source reboots during the runbook; writes fail then and go on after.
                        failed.incrementAndGet();
                        c = null;
                        sleep(20);
                    }
                    if (maxPauseMillis > 0) {
                        sleep(rnd.nextInt(maxPauseMillis + 1));
                    }
                }
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (SQLException ignored) {
                    // closing at the end
                }
            }, "replication-workload");
            thread.setDaemon(true);
            thread.start();
        }

        public long done() {
            return done.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** One random change. */
        record Op(Random rnd) {
            void apply(Connection c) throws SQLException {
                int k = rnd.nextInt(100);
                if (k < 25) {
                    exec(c, "INSERT INTO shop.customers (email, name, note) VALUES (?, ?, ?)",
                            "u" + rnd.nextLong() + "@example.com", rnd.nextBoolean() ? "n" + rnd.nextInt(1000) : null,
                            switch (rnd.nextInt(3)) { case 0 -> null; case 1 -> ""; default -> "x" + rnd.nextInt(9); });
                } else if (k < 50) {
                    exec(c, "INSERT INTO shop.orders (customer_id, amount, status) SELECT id, ?, 'new' FROM shop.customers"
                            + " ORDER BY id DESC LIMIT 1", rnd.nextInt(100000) / 100.0);
                } else if (k < 65) {
                    exec(c, "INSERT INTO shop.order_lines (order_id, line, sku, qty) SELECT o.id,"
                            + " (SELECT COALESCE(MAX(line), 0) + 1 FROM shop.order_lines l WHERE l.order_id = o.id), ?, ?"
                            + " FROM shop.orders o ORDER BY o.id DESC LIMIT 1", "sku-" + rnd.nextInt(50), 1 + rnd.nextInt(5));
                } else if (k < 75) {
                    exec(c, "INSERT INTO shop.settings (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)",
                            "k" + rnd.nextInt(40), rnd.nextBoolean() ? null : "v" + rnd.nextInt(1000));
                } else if (k < 88) {
                    exec(c, "UPDATE shop.orders SET status = ?, amount = amount + 1 WHERE id % 7 = ?",
                            rnd.nextBoolean() ? "paid" : "sent", rnd.nextInt(7));
                } else if (k < 94) {
                    exec(c, "UPDATE shop.customers SET note = ? WHERE id % 11 = ?",
                            rnd.nextBoolean() ? null : "", rnd.nextInt(11));
                } else if (k < 97) {
                    exec(c, "DELETE FROM shop.orders WHERE id % 13 = ? ORDER BY id LIMIT 2", rnd.nextInt(13));
                } else {
                    exec(c, "DELETE FROM shop.customers WHERE id % 17 = ? ORDER BY id LIMIT 1", rnd.nextInt(17));
                }
            }

            private static void exec(Connection c, String sql, Object... args) throws SQLException {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    for (int i = 0; i < args.length; i++) {
                        s.setObject(i + 1, args[i]);
                    }
                    s.executeUpdate();
                }
            }
        }
    }
}
