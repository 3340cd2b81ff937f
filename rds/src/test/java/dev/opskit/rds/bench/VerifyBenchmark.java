package dev.opskit.rds.bench;

import dev.opskit.core.Secret;
import dev.opskit.rds.ConsistencyCheck;
import dev.opskit.rds.DatabaseEndpoint;
import dev.opskit.rds.internal.jdbc.EngineDialect;
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
import java.util.List;

/**
 * Measures {@link ConsistencyCheck} against {@code pt-table-checksum} on the same replicating
 * pair of local MariaDB servers holding 1.2M rows in two tables, caught up and not written to:
 * opskit with its defaults (table checksums first), opskit in chunks only
 * ({@code tableChecksums(false)}) and pt, interleaved. Run by {@code benchmarks/verify/run}.
 * Prints, per tool, the best and median wall time, rows/s, the ratio to pt, and the CPU both
 * servers and the tool itself used; and the load average while it ran. Arguments: [work dir] [runs per tool]
 * [opskit chunk size, default the library's].
 */
public final class VerifyBenchmark {
    private static final String USER = "admin";
    private static final int ORDERS = 800_000;
    private static final int LINES_ORDERS = 100_000; // x4 lines = 400,000 rows

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/opskit-bench-verify");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int chunkSize = args.length > 2 ? Integer.parseInt(args[2]) : 0; // 0: the library's default
        int bufferPoolMb = args.length > 3 ? Integer.parseInt(args[3]) : 256; // 0: LocalAws's own
        Secret password = Secret.generate(24);
        Files.createDirectories(work);
        try (DbServers servers = new DbServers(work.resolve("servers"))) {
            DbServer source = servers.start("bench-source",
                    new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "MIXED", 1), USER, password.reveal());
            bufferPool(source, password, bufferPoolMb);
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
            bufferPool(replica, password, bufferPoolMb);
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
            long sourcePid = pid(source, password);
            long replicaPid = pid(replica, password);
            List<long[]> opskit = new ArrayList<>(); // {wall ms, cpu ms}: default, table checksums first
            List<long[]> chunks = new ArrayList<>(); // table checksums off: chunks only
            List<long[]> pt = new ArrayList<>();
            String loadBefore = load();
            // Interleaved, so that load from elsewhere on the machine hits all three alike. CPU is
            // both servers' and the tool's own (this JVM for opskit, the reaped child for pt).
            for (int i = 0; i < runs; i++) {
                for (boolean tableChecksums : new boolean[] {true, false}) {
                    long src0 = cpu(sourcePid);
                    long dst0 = cpu(replicaPid);
                    long jvm0 = selfCpu();
                    long s = System.nanoTime();
                    ConsistencyCheck check = ConsistencyCheck.between(src, dst).excludeSchemas("percona")
                            .tableChecksums(tableChecksums);
                    if (chunkSize > 0) {
                        check.chunkSize(chunkSize);
                    }
                    VerificationReport r = check.run();
                    long ms = (System.nanoTime() - s) / 1_000_000;
                    long srcMs = cpu(sourcePid) - src0;
                    long dstMs = cpu(replicaPid) - dst0;
                    long jvmMs = selfCpu() - jvm0;
                    long cpuMs = srcMs + dstMs + jvmMs;
                    if (!r.identical() || r.sourceRows() != rows) {
                        throw new IllegalStateException("opskit verify() did not see identical data:\n" + r.summary());
                    }
                    (tableChecksums ? opskit : chunks).add(new long[] {ms, cpuMs});
                    System.out.printf("%-19s run %d: %5d ms, %5d ms CPU (source %d, replica %d, JVM %d) (%s), load %s%n",
                            tableChecksums ? "opskit verify()" : "opskit chunks only", i + 1, ms, cpuMs, srcMs, dstMs, jvmMs,
                            r.summary().lines().findFirst().orElseThrow().replaceFirst(" in \\d+ ms", ""), load());
                }

                long cpu0 = cpu(sourcePid) + cpu(replicaPid) + childrenCpu();
                long s = System.nanoTime();
                Process p = new ProcessBuilder("/usr/bin/pt-table-checksum",
                        "h=127.0.0.1,P=" + source.port() + ",F=" + defaults,
                        "--databases=bench", "--no-check-binlog-format", "--no-version-check",
                        "--recursion-method=dsn=h=127.0.0.1,P=" + source.port() + ",F=" + defaults + ",D=percona,t=dsns")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                int exit = p.waitFor();
                long ms = (System.nanoTime() - s) / 1_000_000;
                long cpuMs = cpu(sourcePid) + cpu(replicaPid) + childrenCpu() - cpu0;
                // exit 0: no differences; anything else (differences, errors) makes the comparison void
                if (exit != 0 || !out.contains("bench.orders") || !out.contains("bench.order_lines")) {
                    throw new IllegalStateException("pt-table-checksum exited " + exit + ":\n" + out);
                }
                pt.add(new long[] {ms, cpuMs});
                System.out.printf("pt-table-checksum   run %d: %5d ms, %5d ms CPU, load %s%n", i + 1, ms, cpuMs, load());
                if (i == 0) {
                    System.out.print(out.replace(password.reveal(), Secret.REDACTED));
                }
                // pt's own writes to percona.checksums replicate; let them land before opskit's next run
                awaitCaughtUp(source, replica, password);
            }
            System.out.printf("%nrows: %,d in 2 tables, %d interleaved runs per tool; load average before %s, after %s%n",
                    rows, runs, loadBefore, load());
            System.out.printf("opskit: %s, other options at their defaults; InnoDB buffer pool %s%n",
                    chunkSize > 0 ? String.format("chunks of %,d rows", chunkSize) : "default chunk size",
                    bufferPoolMb > 0 ? bufferPoolMb + " MB on both servers" : "LocalAws's 16 MB");
            Stats o = Stats.of(opskit, rows);
            Stats c = Stats.of(chunks, rows);
            Stats t = Stats.of(pt, rows);
            System.out.printf("%-19s %8s %8s %12s %13s %10s %16s%n", "", "best ms", "median", "best rows/s", "median rows/s",
                    "median CPU", "ratio to pt b/m");
            print("opskit verify()", o, t);
            print("opskit chunks only", c, t);
            print("pt-table-checksum", t, t);
            System.out.printf("CPU used, pt/opskit: %.2fx default, %.2fx chunks only%n",
                    (double) t.medianCpu / o.medianCpu, (double) t.medianCpu / c.medianCpu);
            System.out.printf("all runs (wall ms/CPU ms): opskit %s; chunks only %s; pt %s%n", text(opskit), text(chunks),
                    text(pt));
        } finally {
            Files.deleteIfExists(work.resolve("client.cnf"));
        }
    }

    private record Stats(long best, long median, double bestRate, double medianRate, long medianCpu) {
        static Stats of(List<long[]> runs, long rows) {
            List<Long> wall = runs.stream().map(r -> r[0]).sorted().toList();
            List<Long> cpu = runs.stream().map(r -> r[1]).sorted().toList();
            long best = wall.get(0);
            long median = wall.get(wall.size() / 2);
            return new Stats(best, median, rows * 1000.0 / best, rows * 1000.0 / median, cpu.get(cpu.size() / 2));
        }
    }

    private static void print(String tool, Stats s, Stats pt) {
        System.out.printf("%-19s %8d %8d %,12.0f %,13.0f %7d ms %7.2fx/%.2fx%n", tool, s.best, s.median, s.bestRate,
                s.medianRate, s.medianCpu, s.bestRate / pt.bestRate, s.medianRate / pt.medianRate);
    }

    private static String text(List<long[]> runs) {
        return runs.stream().map(r -> r[0] + "/" + r[1]).toList().toString();
    }

    /**
     * Resizes the server's InnoDB buffer pool (online); the data's pages are then read from disk
     * once and stay in memory, as on an instance whose working set fits its buffer pool.
     */
    private static void bufferPool(DbServer s, Secret password, int mb) throws SQLException, IOException {
        if (mb > 0) {
            sql(s, password, "SET GLOBAL innodb_buffer_pool_size = " + mb + " * 1024 * 1024");
        }
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The server's process id, from its pid file. */
    private static long pid(DbServer s, Secret password) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), USER, password.reveal());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@pid_file")) {
            rs.next();
            return Long.parseLong(Files.readString(Path.of(rs.getString(1))).trim());
        }
    }

    /** User + system CPU of a process in ms, from /proc (clock ticks of 10 ms). */
    private static long cpu(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")), 11, 12) * 10;
    }

    private static long selfCpu() throws IOException {
        return ticks(Files.readString(Path.of("/proc/self/stat")), 11, 12) * 10;
    }

    /** CPU of the children this JVM has waited for (pt-table-checksum, once reaped). */
    private static long childrenCpu() throws IOException {
        return ticks(Files.readString(Path.of("/proc/self/stat")), 13, 14) * 10;
    }

    /** Sums two fields of a /proc stat line, counted after the command name in parentheses. */
    private static long ticks(String stat, int a, int b) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[a]) + Long.parseLong(f[b]);
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
