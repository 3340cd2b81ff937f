package dev.opskit.rds.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChecksumSqlTest {
    @Test
    void nullableColumnsAddIsNullFlagsSoNullAndEmptyDiffer() {
        TableSpec t = new TableSpec("s", "t", List.of("id", "a", "b"), Set.of("b"), List.of("id"));
        assertThat(ChecksumSql.rowHash(t)).isEqualTo("CRC32(CONCAT_WS('#', `id`, `a`, `b`, CONCAT(ISNULL(`b`))))");
        TableSpec notNull = new TableSpec("s", "t", List.of("id"), Set.of(), List.of("id"));
        assertThat(ChecksumSql.rowHash(notNull)).isEqualTo("CRC32(CONCAT_WS('#', `id`))");
    }

    @Test
    void compositeRangesExpandToIndexFriendlyComparisons() {
        TableSpec t = new TableSpec("s", "t`x", List.of("a", "b", "v"), Set.of(), List.of("a", "b"));
        ChunkBounds bounds = new ChunkBounds(List.of(1, "x"), List.of(2, "y"));
        assertThat(ChecksumSql.checksum(t, bounds)).isEqualTo(
                "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `a`, `b`, `v`))), 0) FROM `s`.`t``x`"
                        + " FORCE INDEX (PRIMARY) WHERE (`a` > ? OR (`a` = ? AND `b` >= ?))"
                        + " AND (`a` < ? OR (`a` = ? AND `b` < ?))");
        assertThat(ChecksumSql.parameters(t, bounds)).containsExactly(1, 1, "x", 2, 2, "y");
        assertThat(ChecksumSql.keyAfter(t, true, 9999)).isEqualTo(
                "SELECT `a`, `b` FROM `s`.`t``x` FORCE INDEX (PRIMARY) WHERE (`a` > ? OR (`a` = ? AND `b` >= ?))"
                        + " ORDER BY `a`, `b` LIMIT 1 OFFSET 9999");
    }

    @Test
    void singleColumnKeysAndWholeTables() {
        TableSpec t = new TableSpec("s", "t", List.of("id"), Set.of(), List.of("id"));
        assertThat(ChecksumSql.checksum(t, new ChunkBounds(List.of(), List.of(10))))
                .endsWith("FORCE INDEX (PRIMARY) WHERE `id` < ?");
        TableSpec noKey = new TableSpec("s", "t", List.of("v"), Set.of("v"), List.of());
        assertThat(ChecksumSql.checksum(noKey, ChunkBounds.WHOLE_TABLE)).endsWith("FROM `s`.`t`");
        assertThat(ChecksumSql.keyAfter(t, false, 5)).isEqualTo("SELECT `id` FROM `s`.`t` FORCE INDEX (PRIMARY) ORDER BY `id` LIMIT 1 OFFSET 5");
    }
}
