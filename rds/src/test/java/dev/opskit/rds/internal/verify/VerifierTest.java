package dev.opskit.rds.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.WaitTimeoutException;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ChunkDifference;
import dev.opskit.rds.TableResult;
import dev.opskit.rds.VerificationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifierTest {
    private static final TableSpec ORDERS = new TableSpec("shop", "orders", List.of("id", "note"), Set.of("note"), List.of("id"));
    private static final TableSpec LINES = new TableSpec("shop", "lines", List.of("order_id", "line", "sku"), Set.of(),
            List.of("order_id", "line"));
    private static final TableSpec LOG = new TableSpec("shop", "log", List.of("msg"), Set.of("msg"), List.of());

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

    private VerificationReport verify(ReplicaSync sync) {
        return new Verifier(source, target, sync, new Verifier.Options(100, 3, 3, false, true))
                .verify(List.of(ORDERS, LINES, LOG), List.of(ORDERS, LINES, LOG));
    }

    @Test
    void identicalServersAreReportedIdenticalWithEveryRowCounted() {
        fill(source);
        fill(target);
        VerificationReport r = verify(ReplicaSync.none());
        assertThat(r.identical()).isTrue();
        TableResult orders = r.table("shop.orders").orElseThrow();
        assertThat(orders.sourceRows()).isEqualTo(1000);
        assertThat(orders.targetRows()).isEqualTo(1000);
        assertThat(orders.chunks()).isEqualTo(10); // 9 bounded chunks of 100 and the open-ended last one
        assertThat(source.scans).as("one source query per chunk, boundaries included, and one to find the end")
                .isEqualTo(10 + 1 + 5 + 1);
        assertThat(source.checksums).as("the source reads a table without key as a whole").isEqualTo(1);
        assertThat(target.checksums).isEqualTo(10 + 5 + 1);
        assertThat(r.table("shop.lines").orElseThrow().sourceRows()).isEqualTo(500);
        TableResult log = r.table("shop.log").orElseThrow();
        assertThat(log.chunked()).isFalse();
        assertThat(log.toString()).contains("whole table, no primary key");
        assertThat(r.summary()).startsWith("IDENTICAL: 3 tables (0 by table checksum, 3 in chunks), 1501 source rows");
        assertThat(orders.method()).isEqualTo(TableResult.Method.CHUNKS);
        assertThat(orders).hasToString("shop.orders: identical (1000 rows, 10 chunks by [id]; table checksums turned off)");
        assertThat(source.tableChecksums + target.tableChecksums).isZero();
    }

    @Test
    void aChangedRowIsReportedAsExactlyItsChunk() {
        fill(source);
        fill(target);
        target.table("shop.orders").put(List.of(250), "changed");
        VerificationReport r = verify(ReplicaSync.none());
        assertThat(r.identical()).isFalse();
        TableResult orders = r.table("shop.orders").orElseThrow();
        assertThat(orders.differences()).containsExactly(new ChunkDifference(List.of("id"), List.of("200"),
                List.of("300"), 100, 100, 1, List.of(List.of("250"))));
        assertThat(orders.differences().get(0).whereClause()).isEqualTo("`id` > '200' AND `id` <= '300'");
        assertThat(r.table("shop.lines").orElseThrow().identical()).isTrue();
        assertThat(r.differences()).extracting(TableResult::table).containsExactly("shop.orders");
        assertThat(r.summary()).contains("shop.orders: DIFFERENT in 1 of 10 chunks",
                "rows with [id] after [200] up to [300]: source 100 rows, target 100 rows; 1 row differs: [250]");
    }

    @Test
    void compositeKeysChunkOnAllTheirColumnsAndMissingRowsAreCounted() {
        fill(source);
        fill(target);
        target.table("shop.lines").remove(List.of(99, 5));
        TableResult lines = verify(ReplicaSync.none()).table("shop.lines").orElseThrow();
        assertThat(lines.differences()).hasSize(1);
        ChunkDifference d = lines.differences().get(0);
        assertThat(d.afterKey()).containsExactly("80", "5");
        assertThat(d.upToKey()).isEmpty(); // the last chunk goes to the table's end
        assertThat(d.whereClause()).isEqualTo("(`order_id`, `line`) > ('80', '5')");
        assertThat(d.sourceRows()).isEqualTo(100);
        assertThat(d.targetRows()).isEqualTo(99);
        assertThat(lines.targetRows()).isEqualTo(499);
    }

    @Test
    void tablesMissingOnOneSideOrWithOtherColumnsAreReported() {
        fill(source);
        fill(target);
        TableSpec extra = new TableSpec("shop", "extra", List.of("id"), Set.of(), List.of("id"));
        TableSpec ordersWider = new TableSpec("shop", "orders", List.of("id", "note", "added"), Set.of(), List.of("id"));
        VerificationReport r = new Verifier(source, target, ReplicaSync.none(), new Verifier.Options(100, 2, 3, false, true))
                .verify(List.of(ORDERS, LINES, LOG), List.of(ordersWider, LINES, extra));
        assertThat(r.table("shop.log").orElseThrow().problem()).contains("missing on the target");
        assertThat(r.table("shop.extra").orElseThrow().problem()).contains("missing on the source, present on the target");
        assertThat(r.table("shop.orders").orElseThrow().problem().orElseThrow()).contains("columns differ");
        assertThat(r.table("shop.lines").orElseThrow().identical()).isTrue();
    }

    @Test
    void rowsOnlyTheTargetHasBeyondTheSourcesLastKeyAreFound() {
        fill(source);
        fill(target);
        target.table("shop.orders").put(List.of(5000), "only on the target");
        target.table("shop.lines").put(List.of(0, 1), "before the first key");
        VerificationReport r = verify(ReplicaSync.none());
        assertThat(r.table("shop.orders").orElseThrow().differences()).singleElement().satisfies(d -> {
            assertThat(d.afterKey()).containsExactly("900");
            assertThat(d.upToKey()).isEmpty();
            assertThat(d.targetRows()).isEqualTo(101);
        });
        assertThat(r.table("shop.lines").orElseThrow().differences()).singleElement().satisfies(d -> {
            assertThat(d.afterKey()).isEmpty();
            assertThat(d.upToKey()).containsExactly("20", "5");
            assertThat(d.targetRows()).isEqualTo(101);
        });
    }

    @Test
    void emptyAndShortTablesAreOneChunkEach() {
        fill(target);
        source.table("shop.orders").put(List.of(1), "order 1");
        VerificationReport r = verify(ReplicaSync.none());
        TableResult orders = r.table("shop.orders").orElseThrow();
        assertThat(orders.chunks()).isEqualTo(1);
        assertThat(orders.differences()).singleElement().satisfies(d -> {
            assertThat(d.isWholeTable()).isTrue();
            assertThat(d.sourceRows()).isEqualTo(1);
            assertThat(d.targetRows()).isEqualTo(1000);
        });
        TableResult lines = r.table("shop.lines").orElseThrow();
        assertThat(lines.chunks()).isEqualTo(1);
        assertThat(lines.sourceRows()).isZero();
        assertThat(lines.targetRows()).isEqualTo(500);
    }

    private static final TableSpec IDS = new TableSpec("shop", "ids", List.of("id", "v"), Set.of(), List.of("id"), true, 1000);

    private VerificationReport verifyIds() {
        return new Verifier(source, target, ReplicaSync.none(), new Verifier.Options(100, 3, 3, false, true)).verify(List.of(IDS), List.of(IDS));
    }

    @Test
    void anIntegerKeyIsCutIntoRangesAsWideAsTheFirstChunkAndTheSourceIsNotWalked() {
        for (long i = 1; i <= 1000; i++) { // long keys, as the driver reads an INT key's MIN and MAX
            source.table("shop.ids").put(List.of(i), "v" + i);
            target.table("shop.ids").put(List.of(i), "v" + i);
        }
        target.table("shop.ids").put(List.of(450L), "changed");
        target.table("shop.ids").put(List.of(5000L), "only on the target");
        TableResult ids = verifyIds().table("shop.ids").orElseThrow();
        assertThat(source.scans).as("only the first chunk is scanned").isEqualTo(1);
        assertThat(ids.chunks()).isEqualTo(10);
        assertThat(ids.sourceRows()).isEqualTo(1000);
        assertThat(ids.targetRows()).isEqualTo(1001);
        assertThat(ids.differences()).extracting(ChunkDifference::afterKey, ChunkDifference::upToKey).containsExactly(
                org.assertj.core.groups.Tuple.tuple(List.of("400"), List.of("500")),
                org.assertj.core.groups.Tuple.tuple(List.of("900"), List.of()));
    }

    @Test
    void aCompositeKeyStartingWithAnIntegerIsCutIntoRangesOfItsFirstColumn() {
        TableSpec lines = new TableSpec("shop", "lines", List.of("order_id", "line", "sku"), Set.of(),
                List.of("order_id", "line"), true, 500);
        for (long o = 1; o <= 100; o++) {
            for (long l = 1; l <= 5; l++) {
                source.table("shop.lines").put(List.of(o, l), "sku-" + (o * l));
                target.table("shop.lines").put(List.of(o, l), "sku-" + (o * l));
            }
        }
        source.textKeys = true;
        target.table("shop.lines").remove(List.of(40L, 5L));
        target.table("shop.lines").put(List.of(20L, 6L), "the first chunk ends at (20, 5): this row is in the next");
        VerificationReport r = new Verifier(source, target, ReplicaSync.none(), new Verifier.Options(100, 3, 3, false, true))
                .verify(List.of(lines), List.of(lines));
        TableResult t = r.table("shop.lines").orElseThrow();
        assertThat(t.chunks()).isEqualTo(5);
        assertThat(t.sourceRows()).isEqualTo(500);
        assertThat(t.differences()).extracting(ChunkDifference::afterKey, ChunkDifference::upToKey,
                ChunkDifference::targetRows).containsExactly(
                org.assertj.core.groups.Tuple.tuple(List.of(), List.of("20"), 101L),
                org.assertj.core.groups.Tuple.tuple(List.of("20"), List.of("40"), 99L));
        assertThat(t.differences().get(1).whereClause()).isEqualTo("`order_id` > '20' AND `order_id` <= '40'");
        assertThat(t.differences().get(0).differingKeys()).containsExactly(List.of("20", "6"));
        assertThat(t.differences().get(1)).hasToString(
                "rows with [order_id] after [20] up to [40]: source 100 rows, target 99 rows; 1 row differs: [40, 5]");
    }

    @Test
    void aSparseIntegerKeyIsWalkedRatherThanCutIntoMostlyEmptyRanges() {
        for (int i = 1; i <= 1000; i++) {
            long id = i <= 100 ? i : 1_000_000L * i; // dense first chunk, then ids a million apart
            source.table("shop.ids").put(List.of(id), "v" + i);
            target.table("shop.ids").put(List.of(id), "v" + i);
        }
        target.table("shop.ids").remove(List.of(1_000_000L * 500));
        TableResult ids = verifyIds().table("shop.ids").orElseThrow();
        assertThat(source.keyRanges).isEqualTo(1);
        assertThat(source.scans).isEqualTo(11);
        assertThat(ids.chunks()).isEqualTo(10);
        assertThat(ids.differences()).singleElement().satisfies(d -> {
            assertThat(d.afterKey()).containsExactly("400000000");
            assertThat(d.targetRows()).isEqualTo(99);
        });
    }

    @Test
    void rangesFollowTheFirstChunksWidthAndEndOpen() {
        TableSpec t = new TableSpec("s", "t", List.of("id"), Set.of(), List.of("id"), true, 400);
        assertThat(ChunkWalk.ranges(t, new ChunkSource.KeyRange(-50, 300), 49, 100)).hasValueSatisfying(r -> assertThat(r).containsExactly(
                new ChunkBounds(List.of(49L), List.of(149L)), new ChunkBounds(List.of(149L), List.of(249L)),
                new ChunkBounds(List.of(249L), List.of())));
        assertThat(ChunkWalk.ranges(t, new ChunkSource.KeyRange(Long.MIN_VALUE, Long.MAX_VALUE), 0, 100)).isEmpty();
        TableSpec big = new TableSpec("s", "t", List.of("id"), Set.of(), List.of("id"), true, 100_000);
        assertThat(ChunkWalk.ranges(big, new ChunkSource.KeyRange(1, 300), 100, 100)).as("clustered: 1000 chunks expected, 2 cut")
                .isEmpty();
    }

    /**
     * A replica that has not applied some writes yet; waiting for a position applies them, unless
     * it is a bounded wait (made with a row locked) and the replica is set to fall behind.
     */
    private final class LaggingReplica implements ReplicaSync {
        final List<Runnable> pending = new ArrayList<>();
        final List<BinlogPosition> awaited = new ArrayList<>();
        final List<Duration> boundedWaits = new ArrayList<>();
        boolean behindUnderLock;
        long sourcePos = 1000;

        @Override
        public synchronized boolean awaitExecuted(BinlogPosition position, Duration atMost) {
            boundedWaits.add(atMost);
            if (behindUnderLock) {
                return false;
            }
            awaitExecuted(position);
            return true;
        }

        @Override
        public Optional<BinlogPosition> sourcePosition() {
            return Optional.of(BinlogPosition.of("mysql-bin.000001", sourcePos));
        }

        @Override
        public void awaitExecuted(BinlogPosition position) {
            awaited.add(position);
            pending.forEach(Runnable::run);
            pending.clear();
        }
    }

    @Test
    void aChunkThatDiffersOnlyBecauseTheReplicaLagsIsNotReported() {
        fill(source);
        fill(target);
        source.table("shop.orders").put(List.of(1001), "new order");
        LaggingReplica replica = new LaggingReplica();
        replica.pending.add(() -> target.table("shop.orders").put(List.of(1001), "new order"));
        VerificationReport r = verify(replica);
        assertThat(r.identical()).isTrue();
        assertThat(r.rechecks()).isEqualTo(1);
        assertThat(replica.awaited).containsExactly(BinlogPosition.of("mysql-bin.000001", 1000));
        assertThat(r.table("shop.orders").orElseThrow().targetRows()).isEqualTo(1001);
    }

    @Test
    void aDifferenceThatPersistsAfterCatchingUpIsReportedAfterTheLastRecheck() {
        fill(source);
        fill(target);
        target.table("shop.orders").put(List.of(5), ""); // '' where the source has text
        LaggingReplica replica = new LaggingReplica();
        int before = target.checksums;
        VerificationReport r = verify(replica);
        assertThat(r.identical()).isFalse();
        assertThat(r.rechecks()).isEqualTo(3);
        // once per round, then once more with row 5 locked on the source
        assertThat(replica.awaited).hasSize(3 + 1);
        assertThat(r.lockedRows()).isEqualTo(1);
        assertThat(source.lockedKeys).containsExactly(List.of(5));
        assertThat(target.checksums - before).isEqualTo(10 + 5 + 1); // the first pass
        assertThat(target.rowHashReads).as("the chunk re-checked row by row, 3 times").isEqualTo(3);
        assertThat(r.table("shop.orders").orElseThrow().differences()).singleElement()
                .satisfies(d -> assertThat(d.afterKey()).isEmpty());
    }

    /**
     * A writer appending to the end of shop.orders before every read of the source; the replica
     * applies each append once it is waited for, so its copy is always one append behind.
     */
    private LaggingReplica appendingBeforeEveryRead() {
        LaggingReplica replica = new LaggingReplica();
        int[] next = {1001};
        source.beforeRead = () -> {
            List<Object> key = List.of(next[0]++);
            source.table("shop.orders").put(key, "appended");
            replica.pending.add(() -> target.table("shop.orders").put(key, "appended"));
        };
        return replica;
    }

    @Test
    void aChunkAppendedToBeforeEveryReadSettlesRowByRowInTwoRounds() {
        fill(source);
        fill(target);
        LaggingReplica replica = appendingBeforeEveryRead();
        VerificationReport r = verify(replica);
        assertThat(r.identical()).as(r.summary()).isTrue();
        assertThat(r.rechecks()).as(r.summary()).isEqualTo(2);
        assertThat(r.table("shop.orders").orElseThrow().sourceRows()).isGreaterThan(1000);
    }

    @Test
    void aRowThatDiffersInEveryRoundIsReportedAmongRowsInFlight() {
        fill(source);
        fill(target);
        target.table("shop.orders").put(List.of(999), "changed on the target only");
        LaggingReplica replica = appendingBeforeEveryRead();
        VerificationReport r = verify(replica);
        assertThat(r.identical()).isFalse();
        assertThat(r.rechecks()).isEqualTo(3);
        assertThat(r.table("shop.orders").orElseThrow().differences()).singleElement()
                .satisfies(d -> assertThat(d.afterKey()).containsExactly("900"));
    }

    /**
     * A writer rewriting shop.orders row 5 before every read of the source, unless the row is
     * locked; the replica applies each write once it is waited for, so its copy is always one
     * write behind whenever both are read without a lock.
     */
    private LaggingReplica rewritingRowFiveBeforeEveryRead() {
        LaggingReplica replica = new LaggingReplica();
        int[] n = {0};
        source.beforeRead = () -> {
            List<Object> key = List.of(5);
            if (!source.locked.contains(key)) {
                String value = "rewritten " + ++n[0];
                source.table("shop.orders").put(key, value);
                replica.pending.add(() -> target.table("shop.orders").put(key, value));
            }
        };
        return replica;
    }

    @Test
    void aRowRewrittenBeforeEveryReadIsComparedUnderALockAndNotReported() {
        fill(source);
        fill(target);
        LaggingReplica replica = rewritingRowFiveBeforeEveryRead();
        VerificationReport r = verify(replica);
        assertThat(r.identical()).as(r.summary()).isTrue();
        assertThat(r.rechecks()).as("the row differed in every round").isEqualTo(3);
        assertThat(r.lockedRows()).isEqualTo(1);
        assertThat(source.lockedKeys).containsExactly(List.of(5));
        assertThat(source.locked).as("released").isEmpty();
        assertThat(r.summary()).contains("3 re-checks after catching up, 1 row read under a lock on the source");
    }

    @Test
    void aRowRewrittenBeforeEveryReadIsReportedWithoutLocksOrWhenNoLockIsGranted() {
        fill(source);
        fill(target);
        LaggingReplica replica = rewritingRowFiveBeforeEveryRead();
        VerificationReport off = new Verifier(source, target, replica, new Verifier.Options(100, 3, 3, false, false))
                .verify(List.of(ORDERS, LINES, LOG), List.of(ORDERS, LINES, LOG));
        assertThat(off.identical()).isFalse();
        assertThat(off.lockedRows()).isZero();
        assertThat(source.lockedKeys).isEmpty();
        assertThat(off.table("shop.orders").orElseThrow().differences()).singleElement()
                .satisfies(d -> assertThat(d.differingKeys()).containsExactly(List.of("5")));

        source.grantLocks = false;
        VerificationReport refused = verify(replica);
        assertThat(refused.identical()).isFalse();
        assertThat(refused.lockedRows()).as("none granted").isZero();
        assertThat(refused.table("shop.orders").orElseThrow().differences()).singleElement()
                .satisfies(d -> assertThat(d.differingKeys()).containsExactly(List.of("5")));
    }

    @Test
    void aLockedRowWhoseReplicaDoesNotCatchUpInTimeIsReportedAndReleased() {
        fill(source);
        fill(target);
        LaggingReplica lagging = rewritingRowFiveBeforeEveryRead();
        lagging.behindUnderLock = true;
        VerificationReport r = verify(lagging);
        assertThat(lagging.boundedWaits).containsExactly(Rechecks.LOCK_HOLD);
        assertThat(r.identical()).isFalse();
        assertThat(r.lockedRows()).isEqualTo(1);
        assertThat(source.lockedKeys).containsExactly(List.of(5));
        assertThat(source.locked).as("released").isEmpty();
    }

    @Test
    void onceTheReplicaDoesNotCatchUpWithALockedRowNoFurtherRowIsLocked() {
        fill(source);
        fill(target);
        for (int i = 1; i <= 20; i++) {
            target.table("shop.orders").put(List.of(i * 40), "changed on the target only");
        }
        LaggingReplica lagging = new LaggingReplica();
        lagging.behindUnderLock = true;
        VerificationReport r = verify(lagging); // 3 queries at a time per server
        assertThat(source.lockedKeys).hasSizeBetween(1, 3);
        assertThat(lagging.boundedWaits).hasSameSizeAs(source.lockedKeys).containsOnly(Rechecks.LOCK_HOLD);
        assertThat(r.lockedRows()).isEqualTo(source.lockedKeys.size());
        assertThat(source.locked).as("released").isEmpty();
        assertThat(r.table("shop.orders").orElseThrow().differences().stream()
                .mapToLong(ChunkDifference::differingRows).sum()).isEqualTo(20);
    }

    @Test
    void aRealDifferenceIsStillReportedAfterTheLockedComparison() {
        fill(source);
        fill(target);
        target.table("shop.orders").put(List.of(5), "changed on the target only");
        target.table("shop.orders").remove(List.of(6));
        target.table("shop.orders").put(List.of(1_000_000), "only on the target");
        VerificationReport r = verify(new LaggingReplica());
        assertThat(r.identical()).isFalse();
        assertThat(r.lockedRows()).isEqualTo(3);
        assertThat(source.lockedKeys).containsExactlyInAnyOrder(List.of(5), List.of(6), List.of(1_000_000));
        assertThat(r.table("shop.orders").orElseThrow().differences())
                .flatExtracting(ChunkDifference::differingKeys)
                .containsExactlyInAnyOrder(List.of("5"), List.of("6"), List.of("1000000"));
    }

    @Test
    void moreRowsDifferingThanCanBeLockedAreReportedWithoutLocking() {
        fill(source);
        fill(target);
        for (int i = 1; i <= Rechecks.MAX_LOCKED_ROWS + 1; i++) {
            target.table("shop.orders").put(List.of(i), "changed " + i);
        }
        VerificationReport r = verify(new LaggingReplica());
        assertThat(r.lockedRows()).isZero();
        assertThat(source.lockedKeys).isEmpty();
        assertThat(r.table("shop.orders").orElseThrow().differences().stream()
                .mapToLong(ChunkDifference::differingRows).sum()).isEqualTo(Rechecks.MAX_LOCKED_ROWS + 1);
    }

    @Test
    void aReplicaThatNeverCatchesUpFailsWithItsState() {
        fill(source);
        fill(target);
        target.table("shop.orders").remove(List.of(7));
        ReplicaSync stuck = new ReplicaSync() {
            @Override
            public Optional<BinlogPosition> sourcePosition() {
                return Optional.of(BinlogPosition.of("mysql-bin.000001", 500));
            }

            @Override
            public void awaitExecuted(BinlogPosition position) {
                throw new WaitTimeoutException("replica clone", "executed up to source position " + position, "sql=no",
                        40, Duration.ofMinutes(2), Duration.ofMinutes(2), false, null);
            }
        };
        assertThatThrownBy(() -> verify(stuck)).isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("mysql-bin.000001 500");
    }
}
