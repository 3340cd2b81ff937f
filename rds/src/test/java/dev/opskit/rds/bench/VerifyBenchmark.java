package dev.opskit.rds.bench;

import dev.opskit.core.Secret;
import dev.opskit.rds.ConsistencyCheck;
import dev.opskit.rds.DatabaseEndpoint;
import dev.opskit.rds.EngineDialect;
import dev.opskit.rds.VerificationReport;
import dev.opskit.testkit.internal.db.BinlogCoordinates;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbServers;
import dev.opskit.testkit.internal.db.DbSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Measures {@link ConsistencyCheck} against {@code pt-table-checksum} on the same replicating
 * pair of local MariaDB servers holding 1.2M rows in two tables. Run by {@code benchmarks/verify/run}.
 * Arguments: [work dir] [runs per tool].
 */
public final class VerifyBenchmark {
    private static final String USER = "admin";
    private static final int ORDERS = 800_000;
    private static final int LINES_ORDERS = 100_000; // x4 lines = 400,000 rows

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/opskit-bench-verify");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Secret password = Secret.generate(24);
        Files.createDirectories(work);
        try (DbServers servers = new DbServers(work.resolve("servers"))) {
            DbServer source = servers.start("bench-source",
                    new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "MIXED", 1), USER, password.reveal());
            long t0 = System.nanoTime();
            sql(source, password,
                    "CREATE DATABASE bench",
                    "USE bench",
                    "CREATE TABLE bench.orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, note VARCHAR(100) NULL,"
                            + " amount DECIMAL(12,2) NOT NULL, created DATETIME NOT NULL)",
                    "INSERT INTO bench.orders SELECT seq, CONCAT('customer-', seq % 9973), IF(seq % 7 = 0, NULL, CONCAT('note ', seq)),"
                            + " seq / 100, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND FROM seq_1_to_" + ORDERS,
                    "CREATE TABLE bench.order_lines (order_id INT NOT NULL, line INT NOT NULL, sku VARCHAR(20) NOT NULL,"
                            + " qty INT NOT NULL, PRIMARY KEY (order_id, line))",
                    "INSERT INTO bench.order_lines SELECT o.seq, l.seq, CONCAT('sku-', o.seq * l.seq), l.seq"
                            + " FROM seq_1_to_" + LINES_ORDERS + " o, seq_1_to_4 l",
                    "CREATE USER 'repl'@'%' IDENTIFIED BY '" + password.reveal() + "'",
                    "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%'",
                    "CREATE DATABASE percona",
                    "CREATE TABLE percona.dsns (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT NULL, dsn VARCHAR(255) NOT NULL)");
            long rows = ORDERS + LINES_ORDERS * 4L;
            System.out.printf("loaded %,d rows in %d ms%n", rows, (System.nanoTime() - t0) / 1_000_000);

            DbServer replica = servers.cloneOf(source, "bench-replica",
                    new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "MIXED", 2));
            startReplication(source, replica, password);
            // pt-table-checksum finds the replica through this table (its default methods cannot on one host)
            Path defaults = work.resolve("client.cnf");
            Files.writeString(defaults, "[client]\nuser=" + USER + "\npassword=" + password.reveal() + "\n");
            Files.setPosixFilePermissions(defaults, PosixFilePermissions.fromString("rw-------"));
            sql(source, password, "INSERT INTO percona.dsns (dsn) VALUES ('h=127.0.0.1,P=" + replica.port() + ",F=" + defaults + "')");
            awaitCaughtUp(source, replica, password);
            System.out.printf("source 127.0.0.1:%d, replica 127.0.0.1:%d, replication running%n", source.port(), replica.port());

            DatabaseEndpoint src = DatabaseEndpoint.of(source.host(), source.port(), USER, password);
            DatabaseEndpoint dst = DatabaseEndpoint.of(replica.host(), replica.port(), USER, password);
            List<Long> opskit = new ArrayList<>();
            List<Long> pt = new ArrayList<>();
            // Interleaved, so that load from elsewhere on the machine hits both tools alike.
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                VerificationReport r = ConsistencyCheck.between(src, dst).excludeSchemas("percona").run();
                long ms = (System.nanoTime() - s) / 1_000_000;
                if (!r.identical() || r.sourceRows() != rows) {
                    throw new IllegalStateException("opskit verify() did not see identical data:\n" + r.summary());
                }
                opskit.add(ms);
                System.out.printf("opskit verify()     run %d: %5d ms (%d chunks)%n", i + 1, ms, r.chunks());

                s = System.nanoTime();
                Process p = new ProcessBuilder("/usr/bin/pt-table-checksum",
                        "h=127.0.0.1,P=" + source.port() + ",F=" + defaults,
                        "--databases=bench", "--no-check-binlog-format", "--no-version-check",
                        "--recursion-method=dsn=h=127.0.0.1,P=" + source.port() + ",F=" + defaults + ",D=percona,t=dsns")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                int exit = p.waitFor();
                ms = (System.nanoTime() - s) / 1_000_000;
                // exit 0: no differences; anything else (differences, errors) makes the comparison void
                if (exit != 0 || !out.contains("bench.orders") || !out.contains("bench.order_lines")) {
                    throw new IllegalStateException("pt-table-checksum exited " + exit + ":\n" + out);
                }
                pt.add(ms);
                System.out.printf("pt-table-checksum   run %d: %5d ms%n", i + 1, ms);
                if (i == 0) {
                    System.out.print(out.replace(password.reveal(), Secret.REDACTED));
                }
            }
            long bestOpskit = Collections.min(opskit);
            long bestPt = Collections.min(pt);
            double opskitRate = rows * 1000.0 / bestOpskit;
            double ptRate = rows * 1000.0 / bestPt;
            System.out.printf("%nrows: %,d in 2 tables (best of %d interleaved runs each; all: opskit %s ms, pt %s ms)%n", rows, runs, opskit, pt);
            System.out.printf("opskit verify():   %6d ms  %,12.0f rows/s%n", bestOpskit, opskitRate);
            System.out.printf("pt-table-checksum: %6d ms  %,12.0f rows/s%n", bestPt, ptRate);
            System.out.printf("ratio opskit/pt: %.2fx%n", opskitRate / ptRate);
        } finally {
            Files.deleteIfExists(work.resolve("client.cnf"));
        }
    }

    private static void startReplication(DbServer source, DbServer replica, Secret password) throws SQLException {
        BinlogCoordinates at = replica.clonedAt().orElseThrow();
        EngineDialect d = EngineDialect.AURORA_MYSQL_2;
        try (Connection c = DriverManager.getConnection(replica.jdbcUrl(), USER, password.reveal());
             CallableStatement call = c.prepareCall(d.setExternalSourceCall());
             Statement st = c.createStatement()) {
            call.setString(1, source.host());
            call.setInt(2, source.port());
            call.setString(3, "repl");
            call.setString(4, password.reveal());
            call.setString(5, at.file());
            call.setLong(6, at.position());
            call.setInt(7, 0);
            call.execute();
            st.execute(d.startReplicationCall());
        }
    }

    private static void awaitCaughtUp(DbServer source, DbServer replica, Secret password) throws Exception {
        BinlogCoordinates target = source.binlogPosition().orElseThrow();
        for (int i = 0; i < 600; i++) {
            try (Connection c = DriverManager.getConnection(replica.jdbcUrl(), USER, password.reveal());
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
                if (rs.next() && rs.getString("Relay_Master_Log_File").equals(target.file())
                        && rs.getLong("Exec_Master_Log_Pos") >= target.position()) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the replica did not catch up within 60 s");
    }

    private static void sql(DbServer s, Secret password, String... statements) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), USER, password.reveal());
             Statement st = c.createStatement()) {
            for (String q : statements) {
                st.execute(q);
            }
        }
    }
}
