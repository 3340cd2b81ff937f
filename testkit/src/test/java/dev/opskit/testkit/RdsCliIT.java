package dev.opskit.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real AWS CLI v2 driving the RDS emulator's control plane, and the scenario an operator
 * runs by hand with the CLI and the {@code mariadb} client: binlog on, clone under writes,
 * replication from the clone's event position, an identical copy.
 */
@ExtendWith(AwsCli.Installed.class)
class RdsCliIT {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.perClass();
    @Test
    void parameterGroupClusterInstanceRebootCloneAndEvents() throws Exception {
        ok("rds", "create-db-cluster-parameter-group", "--db-cluster-parameter-group-name", "cli-binlog",
                "--db-parameter-group-family", "aurora-mysql5.7", "--description", "binlog on");
        ok("rds", "modify-db-cluster-parameter-group", "--db-cluster-parameter-group-name", "cli-binlog",
                "--parameters", "ParameterName=binlog_format,ParameterValue=MIXED,ApplyMethod=pending-reboot");
        String params = ok("rds", "describe-db-cluster-parameters", "--db-cluster-parameter-group-name",
                "cli-binlog", "--source", "user");
        assertThat(params).contains("\"ParameterName\": \"binlog_format\"").contains("\"ParameterValue\": \"MIXED\"");

        String created = ok("rds", "create-db-cluster", "--db-cluster-identifier", "cli-src", "--engine",
                "aurora-mysql", "--engine-version", "5.7.mysql_aurora.2.11.2", "--master-username", "admin",
                "--master-user-password", "Sup3rSecretPw", "--db-cluster-parameter-group-name", "cli-binlog");
        assertThat(created).contains("\"Status\": \"creating\"").doesNotContain("Sup3rSecretPw");
        ok("rds", "create-db-instance", "--db-instance-identifier", "cli-src-1", "--db-cluster-identifier",
                "cli-src", "--db-instance-class", "db.r6g.large", "--engine", "aurora-mysql");
        awaitAvailable("cli-src-1");
        ok("rds", "wait", "db-instance-available", "--db-instance-identifier", "cli-src-1");
        ok("rds", "wait", "db-cluster-available", "--db-cluster-identifier", "cli-src");

        assertThat(ok("rds", "reboot-db-instance", "--db-instance-identifier", "cli-src-1"))
                .contains("\"DBInstanceStatus\": \"rebooting\"");
        awaitAvailable("cli-src-1");
        ok("rds", "restore-db-cluster-to-point-in-time", "--db-cluster-identifier", "cli-clone",
                "--source-db-cluster-identifier", "cli-src", "--restore-type", "copy-on-write",
                "--use-latest-restorable-time");
        ok("rds", "create-db-instance", "--db-instance-identifier", "cli-clone-1", "--db-cluster-identifier",
                "cli-clone", "--db-instance-class", "db.r6g.large", "--engine", "aurora-mysql");
        awaitAvailable("cli-clone-1");

        String events = ok("rds", "describe-events", "--source-type", "db-instance", "--source-identifier",
                "cli-clone-1", "--duration", "60");
        assertThat(events).contains("DB instance created")
                .containsPattern("Binlog position from crash recovery is mysql-bin-changelog\\.\\d+ \\d+");
        assertThat(ok("rds", "describe-events", "--source-type", "db-instance", "--source-identifier",
                "cli-src-1")).contains("DB instance restarted");

        AwsCli.Result missing = AwsCli.against(AWS.aws()).run("rds", "describe-db-clusters", "--db-cluster-identifier", "nope");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("DBClusterNotFoundFault");
    }

    /** Polls instead of `aws rds wait` first: the CLI's waiter sleeps 30 s after a miss. */
    @Test
    void operatorScenarioWithTheCliAndTheMariadbClientGivesAnIdenticalCopy() throws Exception {
        assumeTrue(Files.isExecutable(MARIADB), "the mariadb client is not installed at /usr/bin/mariadb");
        ok("rds", "create-db-cluster-parameter-group", "--db-cluster-parameter-group-name", "op-binlog",
                "--db-parameter-group-family", "aurora-mysql5.7", "--description", "binlog on");
        ok("rds", "modify-db-cluster-parameter-group", "--db-cluster-parameter-group-name", "op-binlog",
                "--parameters", "ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=pending-reboot");
        ok("rds", "create-db-cluster", "--db-cluster-identifier", "op-src", "--engine", "aurora-mysql",
                "--engine-version", "5.7.mysql_aurora.2.11.2", "--master-username", "admin",
                "--master-user-password", OP_PASSWORD);
        ok("rds", "create-db-instance", "--db-instance-identifier", "op-src-1", "--db-cluster-identifier",
                "op-src", "--db-instance-class", "db.r6g.large", "--engine", "aurora-mysql");
        awaitAvailable("op-src-1");
        // Binlog on the way an operator does it: attach the custom group, reboot the writer.
        ok("rds", "modify-db-cluster", "--db-cluster-identifier", "op-src", "--db-cluster-parameter-group-name",
                "op-binlog", "--apply-immediately");
        awaitClusterAvailable("op-src");
        ok("rds", "reboot-db-instance", "--db-instance-identifier", "op-src-1");
        awaitAvailable("op-src-1");
        int srcPort = port("op-src");
        assertThat(sql(srcPort, "SELECT @@log_bin, @@binlog_format")).isEqualTo("1\tROW");

        sql(srcPort, "CREATE DATABASE shop; "
                + "CREATE TABLE shop.customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40)); "
                + "CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, "
                + "amount DECIMAL(10,2), KEY (amount), FOREIGN KEY (customer_id) REFERENCES shop.customers (id)); "
                + "CREATE USER 'repl'@'%' IDENTIFIED BY 'Repl1cationPw'; "
                + "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'repl'@'%'");

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> {
            String url = "jdbc:mysql://127.0.0.1:" + srcPort + "/shop?sslMode=DISABLED&allowPublicKeyRetrieval=true";
            try (Connection c = DriverManager.getConnection(url, "admin", OP_PASSWORD); Statement s = c.createStatement()) {
                while (writing.get()) {
                    s.execute("INSERT INTO customers (name) VALUES ('c" + writes.get() + "')");
                    s.execute("INSERT INTO orders (customer_id, amount) SELECT MAX(id), 10.5 FROM customers");
                    s.execute("UPDATE orders SET amount = amount + 1 WHERE id % 5 = " + (writes.get() % 5));
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "application-writer");
        writer.start();
        try {
            Thread.sleep(300);
            ok("rds", "restore-db-cluster-to-point-in-time", "--db-cluster-identifier", "op-clone",
                    "--source-db-cluster-identifier", "op-src", "--restore-type", "copy-on-write",
                    "--use-latest-restorable-time");
            ok("rds", "create-db-instance", "--db-instance-identifier", "op-clone-1", "--db-cluster-identifier",
                    "op-clone", "--db-instance-class", "db.r6g.large", "--engine", "aurora-mysql");
            awaitAvailable("op-clone-1");
            Thread.sleep(200);
        } finally {
            writing.set(false);
            writer.join();
        }
        assertThat(writes.get()).as("writes during the clone").isPositive();

        String event = ok("rds", "describe-events", "--source-type", "db-instance", "--source-identifier",
                "op-clone-1", "--duration", "60", "--query",
                "Events[?starts_with(Message, 'Binlog position from crash recovery is')].Message | [0]",
                "--output", "text").trim();
        Matcher m = Pattern.compile("Binlog position from crash recovery is (\\S+) (\\d+)").matcher(event);
        assertThat(m.matches()).as(event).isTrue();
        int clonePort = port("op-clone");
        sql(clonePort, "CALL mysql.rds_set_external_master('127.0.0.1', " + srcPort + ", 'repl', "
                + "'Repl1cationPw', '" + m.group(1) + "', " + m.group(2) + ", 0); CALL mysql.rds_start_replication()");

        String[] sourceEnd = sql(srcPort, "SHOW MASTER STATUS").split("\t");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Map<String, String> status = verticalRow(sql(clonePort, "SHOW SLAVE STATUS\\G", "--vertical"));
            assertThat(status.get("Last_SQL_Errno")).as(status.toString()).isEqualTo("0");
            if (status.get("Relay_Master_Log_File").equals(sourceEnd[0])
                    && Long.parseLong(status.get("Exec_Master_Log_Pos")) >= Long.parseLong(sourceEnd[1])
                    && "0".equals(status.get("Seconds_Behind_Master"))) {
                break;
            }
            assertThat(System.nanoTime()).as("clone caught up within 60 s: " + status).isLessThan(deadline);
            Thread.sleep(100);
        }
        for (String table : List.of("shop.customers", "shop.orders")) {
            String counts = "SELECT COUNT(*) FROM " + table;
            String checksum = "CHECKSUM TABLE " + table;
            assertThat(sql(clonePort, counts)).as(counts).isEqualTo(sql(srcPort, counts));
            assertThat(sql(clonePort, checksum)).as(checksum).isEqualTo(sql(srcPort, checksum));
        }
        assertThat(Long.parseLong(sql(srcPort, "SELECT COUNT(*) FROM shop.orders"))).isEqualTo(writes.get());
    }

    private static final Path MARIADB = Path.of("/usr/bin/mariadb");
    private static final String OP_PASSWORD = "Op3ratorPassw0rd";

    private static int port(String cluster) throws Exception {
        return Integer.parseInt(ok("rds", "describe-db-clusters", "--db-cluster-identifier", cluster, "--query",
                "DBClusters[0].Port", "--output", "text").trim());
    }

    /** Runs SQL with the {@code mariadb} client as the master user; returns its tab-separated output. */
    private static String sql(int port, String statements) throws Exception {
        return sql(port, statements, "-N");
    }

    private static String sql(int port, String statements, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(MARIADB.toString(), "-h", "127.0.0.1", "-P",
                Integer.toString(port), "-u", "admin", "--skip-ssl", "-B"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-e", statements));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MYSQL_PWD", OP_PASSWORD);
        Path out = Files.createTempFile("mariadb-out", ".txt");
        Path err = Files.createTempFile("mariadb-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("mariadb finished: " + statements).isTrue();
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(statements + "\n" + stderr).isZero();
            return Files.readString(out, StandardCharsets.UTF_8).strip();
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Parses the client's {@code \G} output ("Name: value" lines). */
    private static Map<String, String> verticalRow(String text) {
        Map<String, String> row = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("*")) {
                row.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return row;
    }

    private static void awaitClusterAvailable(String cluster) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String out = ok("rds", "describe-db-clusters", "--db-cluster-identifier", cluster, "--query",
                    "DBClusters[0].Status", "--output", "text");
            if (out.trim().equals("available")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(cluster + " did not become available within 60 s");
    }

    private static void awaitAvailable(String instance) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String out = ok("rds", "describe-db-instances", "--db-instance-identifier", instance, "--query",
                    "DBInstances[0].DBInstanceStatus", "--output", "text");
            if (out.trim().equals("available")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(instance + " did not become available within 60 s");
    }

    private static String ok(String... args) throws Exception {
        return AwsCli.against(AWS.aws()).ok(args);
    }
}
