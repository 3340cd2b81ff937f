package dev.opskit.rds.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChecksumSqlTest {
    @Test
    void nullableColumnsAddOneTermOfNullFlagsSoNullAndEmptyDiffer() {
        TableSpec t = new TableSpec("s", "t", List.of("id", "a", "b", "c"), Set.of("b", "c"), List.of("id"));
        assertThat(ChecksumSql.rowHash(t))
                .isEqualTo("CRC32(CONCAT_WS('#', `id`, `a`, `b`, `c`, ISNULL(`b`) | ISNULL(`c`) << 1))");
        TableSpec one = new TableSpec("s", "t", List.of("id", "b"), Set.of("b"), List.of("id"));
        assertThat(ChecksumSql.rowHash(one)).isEqualTo("CRC32(CONCAT_WS('#', `id`, `b`, ISNULL(`b`)))");
        TableSpec notNull = new TableSpec("s", "t", List.of("id"), Set.of(), List.of("id"));
        assertThat(ChecksumSql.rowHash(notNull)).isEqualTo("CRC32(CONCAT_WS('#', `id`))");
    }

    @Test
    void moreThan64NullableColumnsTakeOneFlagTermPer64() {
        List<String> cols = new ArrayList<>(IntStream.rangeClosed(1, 70).mapToObj(i -> "n" + i).toList());
        TableSpec t = new TableSpec("s", "t", cols, Set.copyOf(cols), List.of());
        String input = ChecksumSql.rowHashInput(t);
        assertThat(input).contains(", ISNULL(`n1`) | ISNULL(`n2`) << 1", "ISNULL(`n64`) << 63, ISNULL(`n65`) | ISNULL(`n66`) << 1")
                .endsWith("ISNULL(`n70`) << 5)")
                .doesNotContain("<< 64");
    }

    @Test
    void rangesAreExclusiveBelowAndInclusiveAboveExpandedForCompositeKeys() {
        TableSpec t = new TableSpec("s", "t`x", List.of("a", "b", "v"), Set.of(), List.of("a", "b"));
        ChunkBounds bounds = new ChunkBounds(List.of(1, "x"), List.of(2, "y"));
        assertThat(ChecksumSql.checksum(t, bounds)).isEqualTo(
                "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `a`, `b`, `v`))), 0) FROM `s`.`t``x`"
                        + " FORCE INDEX (PRIMARY) WHERE (`a` > ? OR (`a` = ? AND `b` > ?))"
                        + " AND (`a` < ? OR (`a` = ? AND `b` <= ?))");
        assertThat(ChecksumSql.parameters(t, bounds)).containsExactly(1, 1, "x", 2, 2, "y");
        // the row-by-row re-check reads the same range, each row's key and hash
        assertThat(ChecksumSql.rowHashes(t, bounds)).isEqualTo(
                "SELECT `a`, `b`, CRC32(CONCAT_WS('#', `a`, `b`, `v`)) FROM `s`.`t``x`"
                        + " FORCE INDEX (PRIMARY) WHERE (`a` > ? OR (`a` = ? AND `b` > ?))"
                        + " AND (`a` < ? OR (`a` = ? AND `b` <= ?))");
        // a row that differs in every round is read by its key, on the source under a shared lock
        assertThat(ChecksumSql.rowHashByKey(t, false)).isEqualTo(
                "SELECT CRC32(CONCAT_WS('#', `a`, `b`, `v`)) FROM `s`.`t``x` WHERE `a` = ? AND `b` = ?");
        assertThat(ChecksumSql.rowHashByKey(t, true)).isEqualTo(
                "SELECT CRC32(CONCAT_WS('#', `a`, `b`, `v`)) FROM `s`.`t``x` WHERE `a` = ? AND `b` = ? LOCK IN SHARE MODE");
    }

    @Test
    void aScanChecksumsTheNextRowsAndReturnsTheLastKeyInTheSameQuery() {
        TableSpec single = new TableSpec("s", "t", List.of("id", "v"), Set.of("v"), List.of("id"));
        assertThat(ChecksumSql.scan(single, true, 10_000)).isEqualTo(
                "SELECT COUNT(*), COALESCE(BIT_XOR(h), 0), MAX(k1) FROM (SELECT CRC32(CONCAT_WS('#', `id`, `v`,"
                        + " ISNULL(`v`))) AS h, `id` AS k1 FROM `s`.`t` FORCE INDEX (PRIMARY) WHERE `id` > ?"
                        + " ORDER BY `id` LIMIT 10000) x");
        TableSpec composite = new TableSpec("s", "t", List.of("a", "b"), Set.of(), List.of("a", "b"));
        assertThat(ChecksumSql.scan(composite, false, 500)).isEqualTo(
                "SELECT COUNT(*), COALESCE(BIT_XOR(h), 0), @opskit_k1, @opskit_k2 FROM (SELECT"
                        + " CRC32(CONCAT_WS('#', `a`, `b`)) AS h, @opskit_k1 := `a` AS k1, @opskit_k2 := `b` AS k2"
                        + " FROM `s`.`t` FORCE INDEX (PRIMARY) ORDER BY `a`, `b` LIMIT 500) x");
    }

    @Test
    void boundsOfTheFirstKeyColumnOnlyBoundThatColumn() {
        TableSpec t = new TableSpec("s", "t", List.of("a", "b", "v"), Set.of(), List.of("a", "b"), true, 0);
        ChunkBounds bounds = new ChunkBounds(List.of(100L), List.of(200L));
        assertThat(ChecksumSql.checksum(t, bounds)).endsWith("FORCE INDEX (PRIMARY) WHERE `a` > ? AND `a` <= ?");
        assertThat(ChecksumSql.parameters(t, bounds)).containsExactly(100L, 200L);
    }

    @Test
    void singleColumnKeysAndWholeTables() {
        TableSpec t = new TableSpec("s", "t", List.of("id"), Set.of(), List.of("id"));
        assertThat(ChecksumSql.checksum(t, new ChunkBounds(List.of(), List.of(10))))
                .endsWith("FORCE INDEX (PRIMARY) WHERE `id` <= ?");
        assertThat(ChecksumSql.checksum(t, new ChunkBounds(List.of(10), List.of())))
                .endsWith("FORCE INDEX (PRIMARY) WHERE `id` > ?");
        TableSpec noKey = new TableSpec("s", "t", List.of("v"), Set.of("v"), List.of());
        assertThat(ChecksumSql.checksum(noKey, ChunkBounds.WHOLE_TABLE)).endsWith("FROM `s`.`t`");
    }
}
