package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Secret;
import dev.opskit.rds.internal.jdbc.EngineDialect;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                // a view is not a table to compare
                "CREATE VIEW shop.big_orders AS SELECT id, amount FROM shop.orders WHERE amount > 100",
                "CREATE DATABASE crm",
                "CREATE TABLE crm.customers (code VARCHAR(20) PRIMARY KEY, name VARCHAR(50) NULL)",
                "INSERT INTO crm.customers SELECT CONCAT('C', LPAD(seq, 5, '0')), CONCAT('Name ', seq) FROM seq_1_to_15000",
                "CREATE TABLE crm.audit (msg VARCHAR(100) NULL, at DATETIME NULL)",
                "INSERT INTO crm.audit SELECT CONCAT('event ', seq), TIMESTAMP('2024-01-01') + INTERVAL seq MINUTE FROM seq_1_to_100",
                "CREATE DATABASE scratch",
                "CREATE TABLE scratch.tmp (id INT PRIMARY KEY)",
                // every column type, under a composite binary + fractional DATETIME key
                "CREATE DATABASE types",
                "CREATE TABLE types.t (k VARBINARY(8) NOT NULL, at DATETIME(3) NOT NULL, i BIGINT UNSIGNED NULL,"
                        + " d DECIMAL(20,6) NULL, f FLOAT NULL, g DOUBLE NULL, dt DATE NULL, tm TIME(6) NULL,"
                        + " ts TIMESTAMP(6) NULL, y YEAR NULL, e ENUM('a','b','') NULL, st SET('x','y') NULL, bt BIT(10) NULL,"
                        + " c CHAR(5) NULL, vc VARCHAR(50) NULL, tx TEXT NULL, bl BLOB NULL, j JSON NULL,"
                        + " PRIMARY KEY (k, at))",
                "INSERT INTO types.t SELECT UNHEX(LPAD(HEX(seq DIV 3), 8, '0')), TIMESTAMP('2024-01-01') + INTERVAL (seq % 3) * 1000 MICROSECOND,"
                        + " IF(seq % 11 = 0, NULL, seq * 1000003), seq / 7, seq / 3, seq / 9, DATE('2024-01-01') + INTERVAL seq % 400 DAY,"
                        + " SEC_TO_TIME(seq % 86400 + 0.25), TIMESTAMP('2024-02-01') + INTERVAL seq SECOND, 2000 + seq % 50,"
                        + " ELT(seq % 3 + 1, 'a', 'b', ''), IF(seq % 2, 'x,y', 'y'), seq % 1024, LEFT(MD5(seq), 5),"
                        + " IF(seq % 13 = 0, NULL, CONCAT('v#', seq)), REPEAT('t', seq % 20), UNHEX(MD5(seq)),"
                        + " JSON_OBJECT('n', seq) FROM seq_1_to_25000",
                // 16 rows of NULLs, 300 rows apart after the first 12,000
                "INSERT INTO types.t (k, at) SELECT UNHEX(LPAD(HEX(4000 + 100 * (seq - 1)), 8, '0')), '1999-01-01' FROM seq_1_to_16");
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
        return ConsistencyCheck.between(endpoint(source), endpoint(target)).excludeSchemas("scratch", "live", "types").run();
    }

    @Test
    void anIdenticalCopyIsIdentical() {
        VerificationReport r = check(copy);
        assertThat(r.identical()).as(r.summary()).isTrue();
        assertThat(r.tables()).extracting(TableResult::table)
                .containsExactly("crm.audit", "crm.customers", "shop.order_lines", "shop.orders");
        assertThat(r.tables()).extracting(TableResult::method).containsOnly(TableResult.Method.TABLE_CHECKSUM);
        TableResult orders = r.table("shop.orders").orElseThrow();
        assertThat(orders.sourceRows()).isEqualTo(25_000);
        assertThat(orders.targetRows()).isEqualTo(25_000);
        assertThat(orders.chunks()).isEqualTo(1);
        assertThat(orders).hasToString("shop.orders: identical (25000 rows, whole table by CHECKSUM TABLE)");
        assertThat(r.summary()).startsWith("IDENTICAL: 4 tables (4 by table checksum, 0 in chunks), 58100 source rows, 4 chunks")
                .doesNotContain(PASSWORD.reveal());
    }

    @Test
    void withoutTableChecksumsAnIdenticalCopyIsComparedInChunks() {
        VerificationReport r = ConsistencyCheck.between(endpoint(source), endpoint(copy))
                .excludeSchemas("scratch", "live", "types").tableChecksums(false).run();
        assertThat(r.identical()).as(r.summary()).isTrue();
        assertThat(r.tables()).extracting(TableResult::method).containsOnly(TableResult.Method.CHUNKS);
        assertThat(r.tables()).extracting(TableResult::reason).containsOnly("table checksums turned off");
        assertThat(r.table("shop.orders").orElseThrow().chunks()).isEqualTo(3);
        assertThat(r.table("crm.audit").orElseThrow().chunked()).isFalse();
        assertThat(r.sourceRows()).isEqualTo(58_100);
    }

    /**
     * Table checksums count rows from their own scan on InnoDB, and with {@code COUNT(*)} on
     * engines whose scans visit deleted rows: every count is exact, empty tables included.
     */
    @Test
    void tableChecksumsCountRowsExactlyOnEveryEngine() throws SQLException {
        for (DbServer s : List.of(source, copy)) {
            sql(s, "CREATE DATABASE engines",
                    "CREATE TABLE engines.my (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=MyISAM",
                    "CREATE TABLE engines.aria (id INT, v VARCHAR(10)) ENGINE=Aria",
                    "CREATE TABLE engines.inno (id INT PRIMARY KEY, v VARCHAR(10) NULL) ENGINE=InnoDB",
                    "CREATE TABLE engines.empty (id INT PRIMARY KEY) ENGINE=InnoDB",
                    "INSERT INTO engines.my SELECT seq, 'x' FROM engines.seq_1_to_1000",
                    "INSERT INTO engines.aria SELECT seq, 'x' FROM engines.seq_1_to_1000",
                    "INSERT INTO engines.inno SELECT seq, IF(seq % 2, NULL, '') FROM engines.seq_1_to_1000",
                    "DELETE FROM engines.my WHERE id % 3 = 0",
                    "DELETE FROM engines.aria WHERE id % 3 = 0",
                    "DELETE FROM engines.inno WHERE id % 3 = 0");
        }
        try {
            VerificationReport r = ConsistencyCheck.between(endpoint(source), endpoint(copy))
                    .excludeSchemas("scratch", "live", "types", "shop", "crm").run();
            assertThat(r.tables()).extracting(TableResult::table, TableResult::method, TableResult::sourceRows,
                    TableResult::targetRows).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("engines.aria", TableResult.Method.TABLE_CHECKSUM, 667L, 667L),
                    org.assertj.core.groups.Tuple.tuple("engines.empty", TableResult.Method.TABLE_CHECKSUM, 0L, 0L),
                    org.assertj.core.groups.Tuple.tuple("engines.inno", TableResult.Method.TABLE_CHECKSUM, 667L, 667L),
                    org.assertj.core.groups.Tuple.tuple("engines.my", TableResult.Method.TABLE_CHECKSUM, 667L, 667L));
            sql(copy, "DELETE FROM engines.inno WHERE id = 1000");
            TableResult inno = ConsistencyCheck.between(endpoint(source), endpoint(copy))
                    .excludeSchemas("scratch", "live", "types", "shop", "crm").run().table("engines.inno").orElseThrow();
            assertThat(inno.method()).isEqualTo(TableResult.Method.CHUNKS);
            assertThat(inno.targetRows()).isEqualTo(666);
        } finally {
            sql(source, "DROP DATABASE engines");
            sql(copy, "DROP DATABASE engines");
        }
    }

    @Test
    void serversReportingDifferentVersionsAreComparedInChunksOnly() {
        DbSettings settings = copy.settings();
        // Same binary, so the table checksums would even match: only the reported version differs.
        copy.restart(settings.withEngineVersion("8.0.mysql_aurora.3.04.0"));
        try {
            VerificationReport r = check(copy);
            assertThat(r.identical()).as(r.summary()).isTrue();
            assertThat(r.tables()).extracting(TableResult::method).containsOnly(TableResult.Method.CHUNKS);
            assertThat(r.table("shop.orders").orElseThrow().reason())
                    .matches("server versions differ \\(source 5\\.7\\.12.*, target 8\\.0\\.28.*\\),"
                            + " so table checksums cannot be compared");
            assertThat(r.table("shop.orders").orElseThrow().chunks()).isEqualTo(3);
        } finally {
            copy.restart(settings);
        }
    }

    @Test
    void aTableWhoseDefinitionDiffersIsComparedInChunks() throws SQLException {
        // a wider column: same values, a different record, so CHECKSUM TABLE values are not comparable
        sql(copy, "ALTER TABLE crm.customers MODIFY name VARCHAR(60) NULL");
        try {
            VerificationReport r = check(copy);
            assertThat(r.identical()).as(r.summary()).isTrue();
            TableResult customers = r.table("crm.customers").orElseThrow();
            assertThat(customers.method()).isEqualTo(TableResult.Method.CHUNKS);
            assertThat(customers.reason()).startsWith("table definitions differ");
            assertThat(r.table("shop.orders").orElseThrow().method()).isEqualTo(TableResult.Method.TABLE_CHECKSUM);
        } finally {
            sql(copy, "ALTER TABLE crm.customers MODIFY name VARCHAR(50) NULL");
        }
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
            assertThat(d.afterKey()).containsExactly("10000");
            assertThat(d.upToKey()).containsExactly("20000");
            assertThat(d.sourceRows()).isEqualTo(10_000);
            assertThat(d.targetRows()).isEqualTo(10_000);
            assertThat(d.differingRows()).isEqualTo(1);
            assertThat(d.differingKeys()).containsExactly(List.of("12345"));
            assertThat(r.summary()).contains("shop.orders: DIFFERENT in 1 of 3 chunks",
                    "rows with [id] after [10000] up to [20000]: source 10000 rows, target 10000 rows; 1 row differs: [12345]",
                    "table checksums differed");
            assertThat(r.table("shop.orders").orElseThrow().method()).isEqualTo(TableResult.Method.CHUNKS);
            assertThat(r.table("shop.order_lines").orElseThrow().method()).isEqualTo(TableResult.Method.TABLE_CHECKSUM);
        } finally {
            sql(copy, "UPDATE shop.orders SET amount = amount - 0.01 WHERE id = 12345");
        }
    }

    @Test
    void nullAndTheEmptyStringDiffer() throws SQLException {
        sql(copy, "UPDATE shop.orders SET note = '' WHERE id = 21"); // NULL on the source
        try {
            TableResult orders = check(copy).table("shop.orders").orElseThrow();
            // CHECKSUM TABLE told them apart, or the table would have been found identical whole
            assertThat(orders.reason()).isEqualTo("table checksums differed");
            assertThat(orders.differences()).singleElement()
                    .satisfies(d -> assertThat(d.afterKey()).isEmpty())
                    .satisfies(d -> assertThat(d.upToKey()).containsExactly("10000"));
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
            // 18000 rows; the first 10000 end at order 3334 line 1, so chunks are ranges of 3334 orders
            assertThat(lines.afterKey()).containsExactly("3334");
            assertThat(lines.upToKey()).isEmpty();
            TableResult customers = r.table("crm.customers").orElseThrow();
            assertThat(customers.differences()).singleElement().satisfies(d -> {
                assertThat(d.afterKey()).isEmpty();
                assertThat(d.upToKey()).containsExactly("C10000");
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

    /** One change per column of the all-types table: column → the SQL expression of its new value. */
    private static final Map<String, String> COLUMN_CHANGES = columnChanges();
    /** The empty value of the columns whose type has one other than '' (NULL must differ from it). */
    private static final Map<String, String> EMPTY_VALUES = Map.of("i", "0", "d", "0", "f", "0", "g", "0",
            "y", "0", "bt", "0", "dt", "'0000-00-00'", "tm", "'00:00:00'", "ts", "'0000-00-00 00:00:00'",
            "j", "'\"\"'");

    private static Map<String, String> columnChanges() {
        Map<String, String> changes = new LinkedHashMap<>();
        changes.put("i", "i + 1");
        changes.put("d", "d + 0.000001");
        changes.put("f", "f + 1");
        changes.put("g", "g + 0.000001");
        changes.put("dt", "dt + INTERVAL 1 DAY");
        changes.put("tm", "tm + INTERVAL 1 MICROSECOND");
        changes.put("ts", "ts + INTERVAL 1 MICROSECOND");
        changes.put("y", "y + 1");
        changes.put("e", "IF(e = 'a', 'b', 'a')");
        changes.put("st", "IF(st = 'y', 'x', 'y')");
        changes.put("bt", "bt ^ 1");
        changes.put("c", "CONCAT(LEFT(c, 4), 'z')");
        changes.put("vc", "CONCAT(vc, '#')");
        changes.put("tx", "CONCAT(tx, ' ')");
        changes.put("bl", "CONCAT(bl, X'00')");
        changes.put("j", "JSON_OBJECT('n', -1)");
        return Collections.unmodifiableMap(changes);
    }

    /**
     * Each column of each type, changed in one row, set to NULL in another, and set to its empty
     * value where it was NULL in a third, is found: every changed row is in a chunk of its own
     * (chunks of 100 rows, changes 300 rows apart), and exactly those chunks differ.
     */
    @Test
    void aChangeInAnyColumnOfAnyTypeIsFound() throws SQLException {
        Map<String, String> changes = COLUMN_CHANGES;
        Map<String, String> blanks = EMPTY_VALUES;
        List<String> statements = new ArrayList<>(List.of("SET SESSION sql_mode = ''"));
        List<String> touched = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, String> c : changes.entrySet()) {
            String col = c.getKey();
            // rows seq 1000 + 600n (changed) and 1300 + 600n (set to NULL); none of them has a NULL
            String changed = row(nonNullSeq(1000 + 600 * n));
            String nulled = row(nonNullSeq(1300 + 600 * n));
            touched.add("(" + changed + ") OR (" + nulled + ")");
            statements.add("UPDATE types.t SET " + col + " = " + c.getValue() + " WHERE " + changed);
            statements.add("UPDATE types.t SET " + col + " = NULL WHERE " + nulled);
            // the all-NULL rows, one every 300 rows after the changed ones: the empty value instead of NULL
            statements.add("UPDATE types.t SET " + col + " = " + blanks.getOrDefault(col, "''")
                    + " WHERE k = UNHEX(LPAD(HEX(" + (4000 + 100 * n) + "), 8, '0')) AND at = '1999-01-01'");
            n++;
        }
        sql(copy, "CREATE OR REPLACE TABLE scratch.orig AS SELECT * FROM types.t WHERE " + String.join(" OR ", touched));
        sql(copy, statements.toArray(String[]::new));
        try {
            VerificationReport r = ConsistencyCheck.between(endpoint(source), endpoint(copy))
                    .excludeSchemas("scratch", "live", "shop", "crm").chunkSize(100).run();
            TableResult t = r.table("types.t").orElseThrow();
            assertThat(t.differences()).as(r.summary()).hasSize(3 * changes.size())
                    .allSatisfy(d -> assertThat(d.targetRows()).isEqualTo(d.sourceRows()))
                    // each chunk has exactly its changed row, its binary + DATETIME(3) key read alike on both sides
                    .allSatisfy(d -> assertThat(d.differingKeys()).singleElement()
                            .satisfies(k -> assertThat(k.get(0)).startsWith("0x")));
        } finally {
            sql(copy, "DELETE FROM types.t WHERE (k, at) IN (SELECT k, at FROM scratch.orig)",
                    "INSERT INTO types.t SELECT * FROM scratch.orig",
                    "UPDATE types.t SET " + String.join(" = NULL, ", changes.keySet()) + " = NULL WHERE at = '1999-01-01'",
                    "DROP TABLE scratch.orig");
        }
        VerificationReport r = checkTypes();
        assertThat(r.identical()).as(r.summary()).isTrue();
        TableResult t = r.table("types.t").orElseThrow();
        assertThat(t.chunks()).isEqualTo(3);
        assertThat(t.sourceRows()).isEqualTo(25_000 + 16);
    }

    /**
     * {@code CHECKSUM TABLE} itself sees each change of the test above, one at a time: a value
     * changed, set to NULL, or set to its empty value where it was NULL, in any column type. Each
     * change runs in a transaction that is rolled back, on a copy of the changed rows.
     */
    @Test
    void tableChecksumsSeeAChangeInAnyColumnOfAnyTypeAndNullAgainstEmpty() throws SQLException {
        Map<String, String> changes = COLUMN_CHANGES;
        Map<String, String> blanks = EMPTY_VALUES;
        String full = row(nonNullSeq(1000));
        String empty = "at = '1999-01-01' AND k = UNHEX(LPAD(HEX(4000), 8, '0'))";
        sql(copy, "CREATE OR REPLACE TABLE scratch.tt LIKE types.t",
                "INSERT INTO scratch.tt SELECT * FROM types.t WHERE (" + full + ") OR (" + empty + ")");
        List<String> unseen = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(copy.jdbcUrl(), USER, PASSWORD.reveal());
             Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_mode = ''");
            long before = tableChecksum(st);
            c.setAutoCommit(false);
            for (Map.Entry<String, String> e : changes.entrySet()) {
                String col = e.getKey();
                for (String change : List.of(col + " = " + e.getValue() + " WHERE " + full, col + " = NULL WHERE " + full,
                        col + " = " + blanks.getOrDefault(col, "''") + " WHERE " + empty)) {
                    assertThat(st.executeUpdate("UPDATE scratch.tt SET " + change)).as(change).isEqualTo(1);
                    if (tableChecksum(st) == before) {
                        unseen.add(change);
                    }
                    c.rollback();
                }
            }
            assertThat(tableChecksum(st)).isEqualTo(before);
        } finally {
            sql(copy, "DROP TABLE scratch.tt");
        }
        assertThat(unseen).isEmpty();
    }

    private static long tableChecksum(Statement st) throws SQLException {
        try (java.sql.ResultSet rs = st.executeQuery("CHECKSUM TABLE scratch.tt EXTENDED")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    /** The first seq from {@code seq} on whose row has no NULL (see the insert into types.t). */
    private static int nonNullSeq(int seq) {
        return seq % 11 == 0 || seq % 13 == 0 ? nonNullSeq(seq + 1) : seq;
    }

    /** The key condition of the row inserted for {@code seq} into types.t. */
    private static String row(int seq) {
        return "k = UNHEX(LPAD(HEX(" + seq + " DIV 3), 8, '0')) AND at = TIMESTAMP('2024-01-01') + INTERVAL "
                + (seq % 3) * 1000 + " MICROSECOND";
    }

    private static VerificationReport checkTypes() {
        return ConsistencyCheck.between(endpoint(source), endpoint(copy))
                .excludeSchemas("scratch", "live", "shop", "crm").run();
    }

    /**
     * Property: two rows that differ in one column only, NULL against '' included, never give the
     * same string to hash. Random values from an alphabet made of the separator, empty strings and
     * NULLs, hashed by the server itself.
     */
    @Test
    void rowsDifferingInOneColumnNeverShareTheRowHashInput() throws SQLException {
        sql(source, "CREATE TABLE IF NOT EXISTS scratch.pairs (id INT PRIMARY KEY, a VARCHAR(10) NULL, b VARCHAR(10) NULL,"
                + " c VARCHAR(10) NULL, n INT NULL)", "TRUNCATE scratch.pairs");
        String[] alphabet = {null, "", "#", "##", "a", "a#", "#a", "0", "1"};
        java.util.Random random = new java.util.Random(20240501);
        StringBuilder insert = new StringBuilder("INSERT INTO scratch.pairs VALUES ");
        for (int pair = 0; pair < 2000; pair++) {
            // every fourth pair starts from a row of NULLs, where only the null flags tell '' from NULL
            Object[] row = pair % 4 == 0 ? new Object[4] : new Object[] {pick(random, alphabet), pick(random, alphabet),
                    pick(random, alphabet), random.nextInt(4) == 0 ? null : random.nextInt(3)};
            Object[] other = row.clone();
            int col = random.nextInt(4);
            while (java.util.Objects.equals(other[col], row[col])) {
                other[col] = col == 3 ? (random.nextInt(4) == 0 ? null : random.nextInt(3))
                        : pick(random, alphabet);
            }
            insert.append(pair == 0 ? "" : ", ").append(values(2 * pair, row)).append(", ").append(values(2 * pair + 1, other));
        }
        sql(source, insert.toString());
        dev.opskit.rds.internal.verify.TableSpec t = new dev.opskit.rds.internal.verify.TableSpec("scratch", "pairs",
                List.of("id", "a", "b", "c", "n"), java.util.Set.of("a", "b", "c", "n"), List.of("id"));
        String input = dev.opskit.rds.internal.verify.ChecksumSql.rowHashInput(t).replace("`id`, ", "");
        List<String> collisions = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), USER, PASSWORD.reveal());
             Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT id, a, b, c, n, " + input + " FROM scratch.pairs ORDER BY id")) {
            while (rs.next()) {
                String first = rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|" + rs.getString(5);
                byte[] firstInput = rs.getBytes(6);
                rs.next();
                if (java.util.Arrays.equals(firstInput, rs.getBytes(6))) {
                    collisions.add(first + " vs " + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4)
                            + "|" + rs.getString(5));
                }
            }
        }
        assertThat(collisions).isEmpty();
    }

    private static String pick(java.util.Random random, String[] alphabet) {
        return alphabet[random.nextInt(alphabet.length)];
    }

    private static String values(int id, Object[] row) {
        StringBuilder b = new StringBuilder("(").append(id);
        for (Object v : row) {
            b.append(", ").append(v == null ? "NULL" : v instanceof String str ? "'" + str + "'" : v.toString());
        }
        return b.append(')').toString();
    }

    @Test
    void aLiveSourceWithRunningReplicationShowsNoFalseDifference() throws Exception {
        sql(source, "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY '" + PASSWORD.reveal() + "'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%'",
                "CREATE DATABASE live",
                "CREATE TABLE live.orders (id INT PRIMARY KEY, note VARCHAR(100) NULL, amount DECIMAL(10,2) NOT NULL)",
                "INSERT INTO live.orders SELECT seq, CONCAT('note ', seq), seq / 100 FROM live.seq_1_to_30000",
                "CREATE TABLE live.customers (code VARCHAR(20) PRIMARY KEY, name VARCHAR(50) NULL)",
                "INSERT INTO live.customers SELECT CONCAT('C', LPAD(seq, 5, '0')), CONCAT('Name ', seq) FROM live.seq_1_to_15000",
                // one row rewritten all the time: it differs in every round of re-checks
                "CREATE TABLE live.counters (id INT PRIMARY KEY, n BIGINT NOT NULL)",
                "INSERT INTO live.counters VALUES (1, 0), (2, 0)");
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
        AtomicLong hotWrites = new AtomicLong();
        Thread hot = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(source.jdbcUrl(), USER, PASSWORD.reveal());
                 Statement st = c.createStatement()) {
                while (writing.get()) {
                    st.execute("UPDATE live.counters SET n = n + 1 WHERE id = 1");
                    hotWrites.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "hot-row-writer");
        writer.start();
        hot.start();
        try {
            Thread.sleep(200); // let the writer get ahead of the replica
            long before = writes.get();
            VerificationReport r = ConsistencyCheck.between(endpoint(source), endpoint(replica))
                    .excludeSchemas("scratch").catchUpTimeout(Duration.ofSeconds(30)).run();
            assertThat(writes.get()).as("writes during the check").isGreaterThan(before);
            assertThat(r.identical()).as(r.summary()).isTrue();
            assertThat(r.table("live.orders").orElseThrow().sourceRows()).isGreaterThan(30_000);
            assertThat(r.table("shop.orders").orElseThrow().sourceRows()).isEqualTo(25_000);
            // a table checksum can fail only on the tables being written; chunks decided those
            assertThat(r.tables()).filteredOn(t -> t.reason().equals("table checksums differed"))
                    .extracting(TableResult::table).isSubsetOf("live.orders", "live.customers");
            // Which method decided live.orders is timing: if the writer happened to pause for the
            // whole checksum (the source's position unchanged before and after), equal table
            // checksums are a valid decision. What must hold is that nothing differs falsely.
            assertThat(r.table("live.orders").orElseThrow().method())
                    .isIn(TableResult.Method.CHUNKS, TableResult.Method.TABLE_CHECKSUM);
            // the cost of failed table checksums under writes, against chunks only, for the record
            long t0 = System.nanoTime();
            VerificationReport chunksOnly = ConsistencyCheck.between(endpoint(source), endpoint(replica))
                    .excludeSchemas("scratch").catchUpTimeout(Duration.ofSeconds(30)).tableChecksums(false).run();
            long chunksMs = (System.nanoTime() - t0) / 1_000_000;
            t0 = System.nanoTime();
            VerificationReport again = ConsistencyCheck.between(endpoint(source), endpoint(replica))
                    .excludeSchemas("scratch").catchUpTimeout(Duration.ofSeconds(30)).run();
            long defaultMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(chunksOnly.identical()).as(chunksOnly.summary()).isTrue();
            assertThat(again.identical()).as(again.summary()).isTrue();
            System.out.printf("live source: default %d ms (%s), chunks only %d ms; rows read under a lock: %d, %d, %d%n",
                    defaultMs, again.summary().lines().findFirst().orElseThrow(), chunksMs, r.lockedRows(),
                    chunksOnly.lockedRows(), again.lockedRows());
        } finally {
            writing.set(false);
            writer.join(10_000);
            hot.join(10_000);
        }
        System.out.printf("live source: %d writes, %d updates of the hot row%n", writes.get(), hotWrites.get());
        // And a real difference on the live replica is still found.
        sql(replica, "SET SESSION sql_log_bin = 0", "UPDATE live.customers SET name = 'only here' WHERE code = 'C14000'");
        VerificationReport r = ConsistencyCheck.between(endpoint(source), endpoint(replica))
                .excludeSchemas("scratch").maxRechecks(2).run();
        assertThat(r.differences()).extracting(TableResult::table).containsExactly("live.customers");
        assertThat(r.rechecks()).isEqualTo(2);
        assertThat(r.lockedRows()).as("the row that differed in every round, read again locked").isEqualTo(1);
        List<ChunkDifference> d = r.table("live.customers").orElseThrow().differences();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.afterKey()).containsExactly("C10000");
            assertThat(x.differingKeys()).containsExactly(List.of("C14000"));
        });
    }
}
