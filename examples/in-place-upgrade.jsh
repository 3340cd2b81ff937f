// The Aurora MySQL in-place major version upgrade, replayed on LocalAws: the seed's Aurora MySQL 1
// (5.6) cluster with a writer, a custom cluster parameter group and some data is upgraded to
// 5.7.mysql_aurora.2.09.1. First the pre-check report (nothing changed), then the run: the custom
// group is recreated in the aurora-mysql5.7 family with the same parameters, ModifyDBCluster is
// sent, the RDS events are printed as they arrive, and a reconnecting JDBC probe measures how long
// connections were lost and reads SELECT VERSION() on the upgraded server.
//
// Run from the repository root:
//   bin/opskit-shell examples/in-place-upgrade.jsh
//
// For real AWS, drop LocalAws and use `var ctx = AwsContext.defaults();`, name your own cluster,
// and pass its master password.

import dev.opskit.core.*;
import dev.opskit.core.event.*;
import dev.opskit.rds.*;
import dev.opskit.rds.event.*;
import dev.opskit.testkit.*;
import java.sql.*;
import java.time.Duration;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.*;

var aws = LocalAws.start();
var ctx = aws.context();
var rds = ctx.client(RdsClient.class, RdsClient::builder);
var master = Secret.generate(20);

// --- the seed: an Aurora MySQL 1 cluster on a tuned custom parameter group ---------------------
rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("legacy-params")
        .dbParameterGroupFamily("aurora5.6").description("legacy tuning"));
rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("legacy-params").parameters(
        Parameter.builder().parameterName("time_zone").parameterValue("UTC").applyMethod(ApplyMethod.PENDING_REBOOT).build(),
        Parameter.builder().parameterName("innodb_print_all_deadlocks").parameterValue("1").applyMethod(ApplyMethod.PENDING_REBOOT).build()));
rds.createDBCluster(r -> r.dbClusterIdentifier("legacy").engine("aurora").engineVersion("5.6.mysql_aurora.1.22.2")
        .dbClusterParameterGroupName("legacy-params").masterUsername("admin").masterUserPassword(master.reveal()));
rds.createDBInstance(r -> r.dbInstanceIdentifier("legacy-1").dbClusterIdentifier("legacy")
        .engine("aurora").dbInstanceClass("db.r6g.large"));
Waiter.forResource("DB instance legacy-1").waitingFor("available").
        poll(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier("legacy-1")).dbInstances().get(0)).
        state(i -> i.dbInstanceStatus()).succeedWhen(i -> i.dbInstanceStatus().equals("available")).
        backoff(Backoff.fixed(Duration.ofMillis(100))).await();
var legacy = rds.describeDBClusters(r -> r.dbClusterIdentifier("legacy")).dbClusters().get(0);
var url = "jdbc:mysql://" + legacy.endpoint() + ":" + legacy.port() + "/?useSSL=false&allowPublicKeyRetrieval=true";
try (var c = DriverManager.getConnection(url, "admin", master.reveal()); var s = c.createStatement()) {
    s.execute("CREATE DATABASE shop");
    s.execute("CREATE TABLE shop.orders (id INT PRIMARY KEY, amount DECIMAL(10,2))");
    s.execute("INSERT INTO shop.orders VALUES (1, 10.00), (2, 25.50), (3, 7.25)");
}

// --- the runbook --------------------------------------------------------------------------------
var upgrade = AuroraUpgrades.inPlace("legacy", ctx).to("5.7.mysql_aurora.2.09.1").
        masterPassword(master).
        listener(UpgradeRdsEventSeen.class, e -> System.out.println("  " + e.message())).
        listener(UpgradeConnectionRestored.class, e -> System.out.println("  " + e.message())).
        deadline(Duration.ofMinutes(5));
System.out.println(upgrade.plan());
var result = upgrade.run();
System.out.println(result);

try (var c = DriverManager.getConnection(url, "admin", master.reveal()); var s = c.createStatement();
     var rs = s.executeQuery("SELECT VERSION(), COUNT(*) FROM shop.orders")) {
    rs.next();
    System.out.println("after the upgrade: VERSION() " + rs.getString(1) + ", " + rs.getInt(2) + " orders");
}

ctx.close();
aws.close();
/exit
