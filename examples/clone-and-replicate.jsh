// The Aurora MySQL clone + binlog replication runbook, replayed on LocalAws: a source cluster
// (Aurora MySQL 2) with a writer and some data, a writer thread that keeps changing it, then
// one call that turns binlog on, creates the replication user, sets binlog retention, clones the
// cluster, reads the clone's start position from its RDS events and starts replication. Then:
// wait until the clone caught up, verify it table by table, stop the writes, cut over.
//
// Run from the repository root:
//   bin/opskit-shell examples/clone-and-replicate.jsh
//
// For real AWS, drop LocalAws and use `var ctx = AwsContext.defaults();` (the SDK's default
// credentials and region chains), name your own cluster, and pass its master password.

import dev.opskit.core.*;
import dev.opskit.core.event.*;
import dev.opskit.rds.*;
import dev.opskit.testkit.*;
import java.sql.*;
import java.time.Duration;
import java.util.concurrent.atomic.*;
import software.amazon.awssdk.services.rds.RdsClient;

var aws = LocalAws.start();
var ctx = aws.context();
var rds = ctx.client(RdsClient.class, RdsClient::builder);
var master = Secret.generate(20);

// --- the seed's setup: a source cluster with a writer and a little shop -----------------------
rds.createDBCluster(r -> r.dbClusterIdentifier("orders").engine("aurora-mysql")
        .engineVersion("5.7.mysql_aurora.2.11.2").masterUsername("admin").masterUserPassword(master.reveal()));
rds.createDBInstance(r -> r.dbInstanceIdentifier("orders-1").dbClusterIdentifier("orders")
        .engine("aurora-mysql").dbInstanceClass("db.r6g.large"));
Waiter.forResource("DB instance orders-1").waitingFor("available").
        poll(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier("orders-1")).dbInstances().get(0)).
        state(i -> i.dbInstanceStatus()).succeedWhen(i -> i.dbInstanceStatus().equals("available")).
        backoff(Backoff.fixed(Duration.ofMillis(100))).await();
var source = rds.describeDBClusters(r -> r.dbClusterIdentifier("orders")).dbClusters().get(0);
var url = "jdbc:mysql://" + source.endpoint() + ":" + source.port() + "/?useSSL=false&allowPublicKeyRetrieval=true";
try (var c = DriverManager.getConnection(url, "admin", master.reveal()); var s = c.createStatement()) {
    s.execute("CREATE DATABASE shop");
    s.execute("CREATE TABLE shop.customers (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, note VARCHAR(50) NULL)");
    s.execute("CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL,"
            + " status VARCHAR(16) NOT NULL, KEY (status), FOREIGN KEY (customer_id) REFERENCES shop.customers (id) ON DELETE CASCADE)");
    for (int i = 0; i < 200; i++) {
        s.execute("INSERT INTO shop.customers (email, note) VALUES ('c" + i + "@example.com', " + (i % 3 == 0 ? "NULL" : "''") + ")");
        s.execute("INSERT INTO shop.orders (customer_id, amount, status) VALUES (" + (i + 1) + ", " + i + ".5, 'new')");
    }
}

// --- a writer that keeps changing the source while the runbook runs --------------------------
var writing = new AtomicBoolean(true);
var writes = new AtomicLong();
var writer = new Thread(() -> {
    var rnd = new java.util.Random();
    while (writing.get()) {
        try (var c = DriverManager.getConnection(url, "admin", master.reveal()); var s = c.createStatement()) {
            while (writing.get()) {
                int k = rnd.nextInt(100);
                if (k < 40) s.execute("INSERT INTO shop.customers (email) VALUES ('w" + rnd.nextLong() + "@example.com')");
                else if (k < 70) s.execute("INSERT INTO shop.orders (customer_id, amount, status) SELECT MAX(id), 9.99, 'new' FROM shop.customers");
                else if (k < 90) s.execute("UPDATE shop.orders SET status = 'paid', amount = amount + 1 WHERE id % 7 = " + rnd.nextInt(7));
                else s.execute("DELETE FROM shop.orders WHERE id % 13 = " + rnd.nextInt(13) + " LIMIT 1");
                writes.incrementAndGet();
                Thread.sleep(5);
            }
        } catch (Exception e) {
            // The source's writer reboots once to turn binlog on; reconnect and go on.
            try { Thread.sleep(50); } catch (InterruptedException ie) { return; }
        }
    }
});
writer.start();

// --- the runbook: one call, safe to run again ------------------------------------------------
var setup = Replication.from("orders", ctx).cloneTo("orders-next").
        masterPassword(master).
        binlogFormat(BinlogFormat.MIXED).
        binlogRetentionHours(72).
        listener(e -> { if (!(e instanceof Waiting)) System.out.println("  " + e.message()); });
System.out.println("plan:\n" + setup.plan());
var handle = setup.start();
System.out.println("replicating from " + handle.startPosition() + "; " + handle.status());

handle.awaitCaughtUp(Duration.ofMinutes(2));
var report = handle.verify();
System.out.println(report.summary());

writing.set(false);
writer.join();
var cut = handle.cutover();
System.out.println(cut + " after " + writes.get() + " concurrent writes");

// --- report and clean up ---------------------------------------------------------------------
System.out.println(report.identical() ? "RESULT: clone identical to source" : "RESULT: clone DIFFERS: " + report.differences());
handle.close();
ctx.close();
aws.close();
/exit
