package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Secret;
import dev.opskit.testkit.internal.db.BinlogCoordinates;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbServers;
import dev.opskit.testkit.internal.db.DbSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks real MariaDB servers: a static copy changed in known places, and a live replica. */
class ConsistencyCheckIT {
    private static final String USER = "admin";
    private static final Secret PASSWORD = Secret.generate(20);

    private static DbServers servers;
    private static DbServer source;
    private static DbServer copy;

    @BeforeAll
    static void startServers() throws Exception {
        String tmp = System.getenv("TMPDIR");
        if (tmp != null) {
            java.nio.file.Files.createDirectories(Path.of(tmp)); // the servers' temporary tables go there
        }
        servers = new DbServers(Path.of("/tmp/opskit-rds-it"));
        source = servers.start("source", new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "ROW", 1),
                USER, PASSWORD.reveal());
        sql(source,
                "CREATE DATABASE shop",
                "USE shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, note VARCHAR(100) NULL,"
                        + " amount DECIMAL(10,2) NOT NULL, created DATETIME(3) NOT NULL, payload BLOB NULL)",
                "INSERT INTO shop.orders SELECT seq, CONCAT('customer-', seq % 977), IF(seq % 7 = 0, NULL, CONCAT('note ', seq)),"
                        + " seq / 100, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND, IF(seq % 5 = 0, NULL, UNHEX(MD5(seq)))"
                        + " FROM seq_1_to_25000",
                "CREATE TABLE shop.order_lines (order_id INT NOT NULL, line INT NOT NULL, sku VARCHAR(20) NOT NULL,"
                        + " PRIMARY KEY (order_id, line))",
                "INSERT INTO shop.order_lines SELECT o.seq, l.seq, CONCAT('sku-', o.seq * l.seq) FROM seq_1_to_6000 o, seq_1_to_3 l",
                "CREATE DATABASE crm",
                "CREATE TABLE crm.customers (code VARCHAR(20) PRIMARY KEY, name VARCHAR(50) NULL)",
                "INSERT INTO crm.customers SELECT CONCAT('C', LPAD(seq, 5, '0')), CONCAT('Name ', seq) FROM seq_1_to_15000",
                "CREATE TABLE crm.audit (msg VARCHAR(100) NULL, at DATETIME NULL)",
                "INSERT INTO crm.audit SELECT CONCAT('event ', seq), TIMESTAMP('2024-01-01') + INTERVAL seq MINUTE FROM seq_1_to_100",
                "CREATE DATABASE scratch",
                "CREATE TABLE scratch.tmp (id INT PRIMARY KEY)");
        copy = servers.cloneOf(source, "copy", new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "ROW", 2));
        sql(copy, "INSERT INTO scratch.tmp VALUES (1)"); // differs, but excluded below
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    private static DatabaseEndpoint endpoint(DbServer s) {
        return DatabaseEndpoint.of(s.host(), s.port(), USER, PASSWORD);
    }

    private static void sql(DbServer s, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), USER, PASSWORD.reveal());
             Statement st = c.createStatement()) {
            for (String q : statements) {
                st.execute(q);
            }
        }
    }

    private static VerificationReport check(DbServer target) {
        // "live" belongs to the replication test, which writes to it while other tests run.
        return ConsistencyCheck.between(endpoint(source), endpoint(target)).excludeSchemas("scratch", "live").run();
    }

    @Test
    void anIdenticalCopyIsIdentical() {
        VerificationReport r = check(copy);
        assertThat(r.identical()).as(r.summary()).isTrue();
        assertThat(r.tables()).extracting(TableResult::table)
                .containsExactly("crm.audit", "crm.customers", "shop.order_lines", "shop.orders");
        TableResult orders = r.table("shop.orders").orElseThrow();
        assertThat(orders.sourceRows()).isEqualTo(25_000);
        assertThat(orders.targetRows()).isEqualTo(25_000);
        assertThat(orders.chunks()).isEqualTo(3);
        assertThat(r.table("crm.audit").orElseThrow().chunked()).isFalse();
        assertThat(r.summary()).doesNotContain(PASSWORD.reveal());
    }

    @Test
    void aRowChangedOnTheTargetOnlyIsReportedAsItsChunkWithItsKeyRange() throws SQLException {
        sql(copy, "UPDATE shop.orders SET amount = amount + 0.01 WHERE id = 12345");
        try {
            VerificationReport r = check(copy);
            assertThat(r.identical()).isFalse();
            assertThat(r.differences()).extracting(TableResult::table).containsExactly("shop.orders");
            ChunkDifference d = r.table("shop.orders").orElseThrow().differences().get(0);
            assertThat(r.table("shop.orders").orElseThrow().differences()).hasSize(1);
            assertThat(d.keyColumns()).containsExactly("id");
            assertThat(d.lowerKey()).containsExactly("10001");
            assertThat(d.upperKey()).containsExactly("20001");
            assertThat(d.sourceRows()).isEqualTo(10_000);
            assertThat(d.targetRows()).isEqualTo(10_000);
            assertThat(r.summary()).contains("shop.orders: DIFFERENT in 1 of 3 chunks",
                    "rows with [id] from [10001] to before [20001]");
        } finally {
            sql(copy, "UPDATE shop.orders SET amount = amount - 0.01 WHERE id = 12345");
        }
    }

    @Test
    void nullAndTheEmptyStringDiffer() throws SQLException {
        sql(copy, "UPDATE shop.orders SET note = '' WHERE id = 21"); // NULL on the source
        try {
            TableResult orders = check(copy).table("shop.orders").orElseThrow();
            assertThat(orders.differences()).singleElement()
                    .satisfies(d -> assertThat(d.lowerKey()).isEmpty())
                    .satisfies(d -> assertThat(d.upperKey()).containsExactly("10001"));
        } finally {
            sql(copy, "UPDATE shop.orders SET note = NULL WHERE id = 21");
        }
        assertThat(check(copy).identical()).isTrue();
    }

    @Test
    void compositeAndStringKeysAndTablesWithoutKeyAreCompared() throws SQLException {
        sql(copy, "UPDATE shop.order_lines SET sku = 'other' WHERE order_id = 4000 AND line = 2",
                "DELETE FROM crm.customers WHERE code = 'C07500'",
                "UPDATE crm.audit SET msg = 'changed' WHERE msg = 'event 50'");
        try {
            VerificationReport r = check(copy);
            ChunkDifference lines = r.table("shop.order_lines").orElseThrow().differences().get(0);
            assertThat(r.table("shop.order_lines").orElseThrow().differences()).hasSize(1);
            assertThat(lines.keyColumns()).containsExactly("order_id", "line");
            // 18000 rows in chunks of 10000: rows 1..10000 (orders 1..3334 line 1), then the rest
            assertThat(lines.lowerKey()).containsExactly("3334", "2");
            assertThat(lines.upperKey()).isEmpty();
            TableResult customers = r.table("crm.customers").orElseThrow();
            assertThat(customers.differences()).singleElement().satisfies(d -> {
                assertThat(d.lowerKey()).isEmpty();
                assertThat(d.upperKey()).containsExactly("C10001");
                assertThat(d.sourceRows()).isEqualTo(10_000);
                assertThat(d.targetRows()).isEqualTo(9_999);
            });
            assertThat(customers.targetRows()).isEqualTo(14_999);
            TableResult audit = r.table("crm.audit").orElseThrow();
            assertThat(audit.identical()).isFalse();
            assertThat(audit.differences()).singleElement().satisfies(d -> assertThat(d.isWholeTable()).isTrue());
            assertThat(audit.toString()).contains("whole table, no primary key");
        } finally {
            sql(copy, "UPDATE shop.order_lines SET sku = 'sku-8000' WHERE order_id = 4000 AND line = 2",
                    "INSERT INTO crm.customers VALUES ('C07500', 'Name 7500')",
                    "UPDATE crm.audit SET msg = 'event 50' WHERE msg = 'changed'");
        }
        assertThat(check(copy).identical()).isTrue();
    }

    @Test
    void aLiveSourceWithRunningReplicationShowsNoFalseDifference() throws Exception {
        sql(source, "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY '" + PASSWORD.reveal() + "'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%'",
                "CREATE DATABASE live",
                "CREATE TABLE live.orders (id INT PRIMARY KEY, note VARCHAR(100) NULL, amount DECIMAL(10,2) NOT NULL)",
                "INSERT INTO live.orders SELECT seq, CONCAT('note ', seq), seq / 100 FROM live.seq_1_to_30000",
                "CREATE TABLE live.customers (code VARCHAR(20) PRIMARY KEY, name VARCHAR(50) NULL)",
                "INSERT INTO live.customers SELECT CONCAT('C', LPAD(seq, 5, '0')), CONCAT('Name ', seq) FROM live.seq_1_to_15000");
        DbServer replica = servers.cloneOf(source, "replica",
                new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "ROW", 3));
        BinlogCoordinates at = replica.clonedAt().orElseThrow();
        try (Connection c = DriverManager.getConnection(replica.jdbcUrl(), USER, PASSWORD.reveal());
             var call = c.prepareCall(EngineDialect.AURORA_MYSQL_2.setExternalSourceCall())) {
            call.setString(1, source.host());
            call.setInt(2, source.port());
            call.setString(3, "repl");
            call.setString(4, PASSWORD.reveal());
            call.setString(5, at.file());
            call.setLong(6, at.position());
            call.setInt(7, 0);
            call.execute();
            c.createStatement().execute(EngineDialect.AURORA_MYSQL_2.startReplicationCall());
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(source.jdbcUrl(), USER, PASSWORD.reveal());
                 Statement st = c.createStatement()) {
                int next = 100_000;
                while (writing.get()) {
                    int id = ThreadLocalRandom.current().nextInt(1, 30_000);
                    st.execute("UPDATE live.orders SET note = CONCAT('w', " + writes.get() + ") WHERE id = " + id);
                    st.execute("INSERT INTO live.orders VALUES (" + next++ + ", NULL, 1)");
                    st.execute("UPDATE live.customers SET name = CONCAT('n', RAND()) WHERE code = 'C0" + (1000 + id % 9000) + "'");
                    writes.incrementAndGet();
                    // A busy but realistic writer: a few hundred transactions a second over 45k rows.
                    Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "writer");
        writer.start();
        try {
            Thread.sleep(200); // let the writer get ahead of the replica
            long before = writes.get();
            VerificationReport r = ConsistencyCheck.between(endpoint(source), endpoint(replica))
                    .excludeSchemas("scratch").catchUpTimeout(Duration.ofSeconds(30)).run();
            assertThat(writes.get()).as("writes during the check").isGreaterThan(before);
            assertThat(r.identical()).as(r.summary()).isTrue();
            assertThat(r.table("live.orders").orElseThrow().sourceRows()).isGreaterThan(30_000);
            assertThat(r.table("shop.orders").orElseThrow().sourceRows()).isEqualTo(25_000);
        } finally {
            writing.set(false);
            writer.join(10_000);
        }
        // And a real difference on the live replica is still found.
        sql(replica, "SET SESSION sql_log_bin = 0", "UPDATE live.customers SET name = 'only here' WHERE code = 'C14000'");
        VerificationReport r = ConsistencyCheck.between(endpoint(source), endpoint(replica))
                .excludeSchemas("scratch").maxRechecks(2).run();
        assertThat(r.differences()).extracting(TableResult::table).containsExactly("live.customers");
        assertThat(r.rechecks()).isEqualTo(2);
        List<ChunkDifference> d = r.table("live.customers").orElseThrow().differences();
        assertThat(d).singleElement().satisfies(x -> assertThat(x.lowerKey()).containsExactly("C10001"));
    }
}
