package dev.opskit.rds.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ChunkDifference;
import dev.opskit.rds.TableResult;
import dev.opskit.rds.TableResult.Method;
import dev.opskit.rds.VerificationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When whole-table checksums decide, and that they never report a difference on their own. */
class TableChecksumFastPathTest {
    private static final TableSpec ORDERS = new TableSpec("shop", "orders", List.of("id", "note"), Set.of("note"),
            List.of("id"), false, 1000);
    private static final TableSpec LINES = new TableSpec("shop", "lines", List.of("order_id", "line", "sku"), Set.of(),
            List.of("order_id", "line"), false, 500);
    private static final TableSpec LOG = new TableSpec("shop", "log", List.of("msg"), Set.of("msg"), List.of(), false, 1);

    private final InMemoryTables source = new InMemoryTables();
    private final InMemoryTables target = new InMemoryTables();

    private void fill(InMemoryTables db) {
        for (int i = 1; i <= 1000; i++) {
            db.table("shop.orders").put(List.of(i), "order " + i);
        }
        for (int o = 1; o <= 100; o++) {
            for (int l = 1; l <= 5; l++) {
                db.table("shop.lines").put(List.of(o, l), "sku-" + (o * l));
            }
        }
        db.table("shop.log").put(List.of(1), "started");
    }

    private VerificationReport verify(ReplicaSync sync, int parallelism) {
        return new Verifier(source, target, sync, new Verifier.Options(100, parallelism, 3, true, true))
                .verify(List.of(ORDERS, LINES, LOG), List.of(ORDERS, LINES, LOG));
    }

    private int chunkQueries() {
        return source.scans + source.checksums + target.scans + target.checksums;
    }

    @Test
    void identicalTablesAreDecidedByTableChecksumsWithoutAnyChunkQuery() {
        fill(source);
        fill(target);
        VerificationReport r = verify(ReplicaSync.none(), 2);
        assertThat(r.identical()).isTrue();
        assertThat(r.tables()).extracting(TableResult::method).containsOnly(Method.TABLE_CHECKSUM);
        assertThat(chunkQueries()).isZero();
        assertThat(source.tableChecksums).isEqualTo(3);
        assertThat(target.tableChecksums).isEqualTo(3);
        TableResult orders = r.table("shop.orders").orElseThrow();
        assertThat(orders.sourceRows()).isEqualTo(1000);
        assertThat(orders.targetRows()).isEqualTo(1000);
        assertThat(orders.chunks()).isEqualTo(1);
        assertThat(orders.chunked()).isFalse();
        assertThat(orders).hasToString("shop.orders: identical (1000 rows, whole table by CHECKSUM TABLE)");
        assertThat(r.summary()).startsWith("IDENTICAL: 3 tables (3 by table checksum, 0 in chunks), 1501 source rows, 3 chunks");
    }

    @Test
    void theLargestTablesAreChecksummedFirst() {
        fill(source);
        fill(target);
        verify(ReplicaSync.none(), 1);
        assertThat(source.tableChecksummed).containsExactly("shop.orders", "shop.lines", "shop.log");
    }

    @Test
    void aChangedRowFailsTheTableChecksumAndChunksFindExactlyItsRange() {
        fill(source);
        fill(target);
        target.table("shop.orders").put(List.of(250), "changed");
        VerificationReport r = verify(ReplicaSync.none(), 2);
        assertThat(r.identical()).isFalse();
        TableResult orders = r.table("shop.orders").orElseThrow();
        assertThat(orders.method()).isEqualTo(Method.CHUNKS);
        assertThat(orders.reason()).isEqualTo("table checksums differed");
        assertThat(orders.differences()).containsExactly(new ChunkDifference(List.of("id"), List.of("200"),
                List.of("300"), 100, 100, 1, List.of(List.of("250"))));
        assertThat(orders.chunks()).isEqualTo(10);
        assertThat(r.table("shop.lines").orElseThrow().method()).isEqualTo(Method.TABLE_CHECKSUM);
        assertThat(r.summary()).contains("1 in chunks",
                "shop.orders: DIFFERENT in 1 of 10 chunks (source 1000 rows, target 1000 rows, 10 chunks by [id];"
                        + " table checksums differed)");
    }

    @Test
    void tableChecksumsThatDifferWhereEveryChunkMatchesReportNoDifference() {
        fill(source);
        fill(target);
        target.tableChecksumSkew = 1; // as if the servers hashed records differently
        VerificationReport r = verify(ReplicaSync.none(), 2);
        assertThat(r.identical()).as(r.summary()).isTrue();
        assertThat(r.tables()).extracting(TableResult::method).containsOnly(Method.CHUNKS);
        assertThat(r.tables()).extracting(TableResult::reason).containsOnly("table checksums differed");
        assertThat(r.table("shop.orders").orElseThrow().chunks()).isEqualTo(10);
    }

    @Test
    void aRowCountThatDiffersFailsTheTableChecksumEvenWithEqualSums() {
        fill(source);
        fill(target);
        target.table("shop.log").put(List.of(2), "x");
        // the same sum with one row more: skew the target by minus the new row's checksum
        target.tableChecksumSkew = -((target.tableChecksum(LOG, "").orElseThrow().crc()
                - source.tableChecksum(LOG, "").orElseThrow().crc()) & 0xFFFF_FFFFL);
        assertThat(target.tableChecksum(LOG, "").orElseThrow().crc()).isEqualTo(source.tableChecksum(LOG, "").orElseThrow().crc());
        source.tableChecksummed.clear();
        TableResult log = verify(ReplicaSync.none(), 2).table("shop.log").orElseThrow();
        assertThat(log.method()).isEqualTo(Method.CHUNKS);
        assertThat(log.differences()).singleElement().satisfies(d -> assertThat(d.targetRows()).isEqualTo(2));
    }

    @Test
    void differentServerVersionsUseChunksOnlyAndSaySo() {
        fill(source);
        fill(target);
        target.version = "8.0.28 (Source distribution)";
        VerificationReport r = verify(ReplicaSync.none(), 2);
        assertThat(r.identical()).isTrue();
        assertThat(source.tableChecksums + target.tableChecksums).isZero();
        assertThat(r.tables()).extracting(TableResult::method).containsOnly(Method.CHUNKS);
        assertThat(r.table("shop.orders").orElseThrow().reason()).isEqualTo("server versions differ (source "
                + source.version + ", target 8.0.28 (Source distribution)), so table checksums cannot be compared");
    }

    @Test
    void aTableWhoseDefinitionDiffersUsesChunksWithoutATableChecksum() {
        fill(source);
        fill(target);
        target.definitions.put("shop.orders", "CREATE TABLE `shop`.`orders` ROW_FORMAT=COMPACT");
        VerificationReport r = verify(ReplicaSync.none(), 2);
        assertThat(r.identical()).isTrue();
        assertThat(source.tableChecksummed).doesNotContain("shop.orders").hasSize(2);
        assertThat(r.table("shop.orders").orElseThrow().reason()).startsWith("table definitions differ");
        assertThat(r.table("shop.log").orElseThrow().method()).isEqualTo(Method.TABLE_CHECKSUM);
    }

    @Test
    void aServerWithoutTableChecksumsUsesChunks() {
        fill(source);
        fill(target);
        target.noTableChecksums = true;
        VerificationReport r = verify(ReplicaSync.none(), 2);
        assertThat(r.identical()).isTrue();
        assertThat(r.tables()).extracting(TableResult::reason).containsOnly("CHECKSUM TABLE returned NULL");
    }

    /** A replica that has not applied some writes yet; waiting for a position applies them. */
    private static final class LaggingReplica implements ReplicaSync {
        final List<Runnable> pending = new ArrayList<>();

        @Override
        public Optional<BinlogPosition> sourcePosition() {
            return Optional.of(BinlogPosition.of("mysql-bin.000001", 1000));
        }

        @Override
        public void awaitExecuted(BinlogPosition position) {
            pending.forEach(Runnable::run);
            pending.clear();
        }
    }

    @Test
    void aSourceWrittenDuringAFailedTableChecksumSendsTheRemainingTablesToChunksAndTheReplicaCatchesUp() {
        fill(source);
        fill(target);
        source.written = true;
        // the replica lags by one row in every table
        LaggingReplica replica = new LaggingReplica();
        source.table("shop.orders").put(List.of(1001), "new");
        source.table("shop.lines").put(List.of(101, 1), "new");
        source.table("shop.log").put(List.of(2), "new");
        replica.pending.add(() -> {
            target.table("shop.orders").put(List.of(1001), "new");
            target.table("shop.lines").put(List.of(101, 1), "new");
            target.table("shop.log").put(List.of(2), "new");
        });
        VerificationReport r = verify(replica, 1);
        assertThat(r.identical()).as(r.summary()).isTrue();
        assertThat(r.rechecks()).isEqualTo(1);
        assertThat(source.tableChecksummed).as("only the first table pays a whole-table read").containsExactly("shop.orders");
        assertThat(r.table("shop.orders").orElseThrow().reason()).isEqualTo("table checksums differed");
        assertThat(r.table("shop.lines").orElseThrow().reason()).isEqualTo("source being written, table checksums skipped");
        assertThat(r.table("shop.log").orElseThrow().method()).isEqualTo(Method.CHUNKS);
    }

    @Test
    void aSourceSeenMovingSendsTheTablesNotStartedYetToChunksEvenAfterAMatch() {
        fill(source);
        fill(target);
        source.written = true; // moves during each table checksum, which still match
        VerificationReport r = verify(ReplicaSync.none(), 1);
        assertThat(r.identical()).isTrue();
        assertThat(r.table("shop.orders").orElseThrow().method()).isEqualTo(Method.TABLE_CHECKSUM);
        assertThat(r.tables()).filteredOn(t -> t.method() == Method.CHUNKS).extracting(TableResult::reason)
                .containsExactly("source being written, table checksums skipped",
                        "source being written, table checksums skipped");
        assertThat(source.tableChecksummed).containsExactly("shop.orders");
    }

    @Test
    void aSourceAlreadyMovingWhenTheFirstTableStartsPaysNoTableChecksumAtAll() {
        fill(source);
        fill(target);
        source.busy = true;
        VerificationReport r = verify(ReplicaSync.none(), 2);
        assertThat(r.identical()).isTrue();
        assertThat(source.tableChecksums + target.tableChecksums).isZero();
        assertThat(r.tables()).extracting(TableResult::reason).containsOnly("source being written, table checksums skipped");
    }

    @Test
    void aStillSourceKeepsTheFastPathAfterAFailedTableChecksum() {
        fill(source);
        fill(target);
        target.table("shop.orders").remove(List.of(7));
        VerificationReport r = verify(ReplicaSync.none(), 1);
        assertThat(r.table("shop.orders").orElseThrow().method()).isEqualTo(Method.CHUNKS);
        assertThat(r.table("shop.lines").orElseThrow().method()).isEqualTo(Method.TABLE_CHECKSUM);
        assertThat(r.table("shop.log").orElseThrow().method()).isEqualTo(Method.TABLE_CHECKSUM);
    }

    @Test
    void aResultDecidedByTableChecksumCannotCarryDifferences() {
        List<ChunkDifference> one = List.of(new ChunkDifference(List.of(), List.of(), List.of(), 1, 2));
        assertThatThrownBy(() -> new TableResult("shop.log", List.of(), 1, 2, 1, one, Optional.empty(),
                Method.TABLE_CHECKSUM, "")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("report differences from chunks");
    }
}
