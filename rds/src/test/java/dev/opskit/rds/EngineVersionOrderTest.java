package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How engine versions order and what counts as a major version upgrade. */
class EngineVersionOrderTest {

    @Test
    void auroraVersionsOrderByTheirAuroraRelease() {
        List<String> released = List.of("5.6.10a", "5.6.mysql_aurora.1.22.2", "5.6.mysql_aurora.1.23.4",
                "5.7.mysql_aurora.2.07.2", "5.7.mysql_aurora.2.07.10", "5.7.mysql_aurora.2.09.1",
                "5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.03.1", "8.0.mysql_aurora.3.04.0",
                "8.0.mysql_aurora.3.08.0");
        List<EngineVersion> shuffled = new ArrayList<>(released.stream().map(v -> EngineVersion.of(
                v.startsWith("5.6.10") ? "aurora" : "aurora-mysql", v)).toList());
        Collections.shuffle(shuffled, new java.util.Random(7));
        Collections.sort(shuffled);
        assertThat(shuffled).extracting(EngineVersion::toString).containsExactlyElementsOf(released);
        // 2.07.10 is newer than 2.07.2: numbers, not text
        assertThat(EngineVersion.parse("5.7.mysql_aurora.2.07.10"))
                .isGreaterThan(EngineVersion.parse("5.7.mysql_aurora.2.07.2"));
    }

    @Test
    void mysqlAndMariaDbVersionsOrderByTheirNumbers() {
        assertThat(EngineVersion.parse("8.0.36")).isGreaterThan(EngineVersion.parse("8.0.4"))
                .isLessThan(EngineVersion.parse("8.4.0"));
        assertThat(EngineVersion.parse("11.4.5-MariaDB-log")).isGreaterThan(EngineVersion.parse("10.11.8"));
        EngineVersion a = EngineVersion.parse("8.0.36");
        assertThat(a.compareTo(EngineVersion.parse("8.0.36"))).isZero();
        assertThat(a).isEqualTo(EngineVersion.parse("8.0.36"));
    }

    @Test
    void theOrderIsConsistentWithEquals() {
        List<EngineVersion> all = List.of(EngineVersion.parse("8.0.36"), EngineVersion.parse("8.0.36-log"),
                EngineVersion.parse("5.7.mysql_aurora.2.11.2"), EngineVersion.parse("5.7.mysql_aurora.2.11.2.x"),
                EngineVersion.parse("11.4.5"), EngineVersion.of("aurora", "5.6.10a"));
        for (EngineVersion x : all) {
            for (EngineVersion y : all) {
                assertThat(Integer.signum(x.compareTo(y))).as(x + " vs " + y).isEqualTo(-Integer.signum(y.compareTo(x)));
                assertThat(x.compareTo(y) == 0).as(x + " vs " + y).isEqualTo(x.equals(y));
            }
        }
    }

    @Test
    void aMajorUpgradeChangesTheReleaseSeries() {
        EngineVersion v56 = EngineVersion.parse("5.6.mysql_aurora.1.22.2");
        EngineVersion v57 = EngineVersion.parse("5.7.mysql_aurora.2.09.1");
        EngineVersion v57b = EngineVersion.parse("5.7.mysql_aurora.2.11.2");
        EngineVersion v80 = EngineVersion.parse("8.0.mysql_aurora.3.04.0");
        assertThat(v56.isMajorUpgradeTo(v57)).isTrue();
        assertThat(v57.isMajorUpgradeTo(v80)).isTrue();
        assertThat(v57.isMajorUpgradeTo(v57b)).isFalse();
        assertThat(v57.series()).isEqualTo("5.7");
        assertThat(v80.series()).isEqualTo("8.0");
        assertThat(EngineVersion.parse("11.4.5-MariaDB-log").series()).isEqualTo("11.4");
    }
}
