package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EngineVersionTest {
    @Test
    void readsAuroraVersionsOfEachMajor() {
        EngineVersion v1 = EngineVersion.parse("5.6.mysql_aurora.1.22.2");
        EngineVersion v2 = EngineVersion.parse("5.7.mysql_aurora.2.11.2");
        EngineVersion v3 = EngineVersion.parse("8.0.mysql_aurora.3.04.0");
        assertThat(v1.auroraMajor()).isEqualTo(OptionalInt.of(1));
        assertThat(v2.auroraMajor()).isEqualTo(OptionalInt.of(2));
        assertThat(v2.auroraMinor()).isEqualTo(OptionalInt.of(11));
        assertThat(v2.auroraPatch()).isEqualTo(OptionalInt.of(2));
        assertThat(v2.major()).isEqualTo(5);
        assertThat(v2.minor()).isEqualTo(7);
        assertThat(v3.auroraMajor()).isEqualTo(OptionalInt.of(3));
        assertThat(v3.auroraMinor()).isEqualTo(OptionalInt.of(4));
        assertThat(v3.describe()).isEqualTo("Aurora MySQL 3.4.0");
        assertThat(v3).hasToString("8.0.mysql_aurora.3.04.0");
    }

    @Test
    void readsMysqlAndMariaDbVersionsAsServersPrintThem() {
        EngineVersion mysql = EngineVersion.parse("8.0.36");
        assertThat(mysql.flavor()).isEqualTo(EngineVersion.Flavor.MYSQL);
        assertThat(mysql.auroraMajor()).isEmpty();
        EngineVersion maria = EngineVersion.parse("11.4.5-MariaDB-log");
        assertThat(maria.flavor()).isEqualTo(EngineVersion.Flavor.MARIADB);
        assertThat(maria.describe()).isEqualTo("MariaDB 11.4.5");
        assertThat(EngineVersion.of("aurora", "5.6.10a").auroraMajor()).isEqualTo(OptionalInt.of(1));
    }

    @Test
    void retentionIs2160From2Point11On() {
        assertThat(EngineVersion.parse("5.6.mysql_aurora.1.22.2").maxBinlogRetentionHours()).isEqualTo(168);
        assertThat(EngineVersion.parse("5.7.mysql_aurora.2.10.3").maxBinlogRetentionHours()).isEqualTo(168);
        assertThat(EngineVersion.parse("5.7.mysql_aurora.2.11.0").maxBinlogRetentionHours()).isEqualTo(2160);
        assertThat(EngineVersion.parse("8.0.mysql_aurora.3.01.0").maxBinlogRetentionHours()).isEqualTo(2160);
        assertThat(EngineVersion.parse("8.0.36").maxBinlogRetentionHours()).isEqualTo(168);
    }

    @Test
    void retentionAboveTheMaximumIsRejectedWithTheRange() {
        EngineVersion v = EngineVersion.parse("5.7.mysql_aurora.2.10.3");
        assertThatThrownBy(() -> v.checkBinlogRetentionHours(2160))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'2160'").hasMessageContaining("at most 168 on Aurora MySQL 2.10.3")
                .hasMessageContaining("from 1 to 168");
        assertThat(v.checkBinlogRetentionHours(168)).isEqualTo(168);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> EngineVersion.parse("latest")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("8.0.mysql_aurora.3.04.0");
        assertThatThrownBy(() -> EngineVersion.parse("5.7.mysql_aurora.3.04.0"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not based on MySQL 5.7");
        assertThatThrownBy(() -> EngineVersion.of("postgres", "16.1")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("aurora-mysql");
        assertThatThrownBy(() -> EngineVersion.of("aurora-mysql", "8.0.36")).isInstanceOf(InvalidInputException.class);
    }

    @Property
    void auroraVersionsRoundTripAndRetentionStaysInBounds(@ForAll @IntRange(min = 1, max = 3) int major,
                                                         @ForAll @IntRange(min = 0, max = 40) int minor,
                                                         @ForAll @IntRange(min = 0, max = 9) int patch) {
        String mysql = major == 1 ? "5.6" : major == 2 ? "5.7" : "8.0";
        String text = mysql + ".mysql_aurora." + major + "." + String.format("%02d", minor) + "." + patch;
        EngineVersion v = EngineVersion.parse(text);
        assertThat(EngineVersion.parse(v.toString())).isEqualTo(v);
        assertThat(v.auroraMajor()).isEqualTo(OptionalInt.of(major));
        assertThat(v.auroraMinor()).isEqualTo(OptionalInt.of(minor));
        int expected = major == 3 || (major == 2 && minor >= 11) ? 2160 : 168;
        assertThat(v.maxBinlogRetentionHours()).isEqualTo(expected);
        assertThat(v.checkBinlogRetentionHours(expected)).isEqualTo(expected);
        assertThatThrownBy(() -> v.checkBinlogRetentionHours(expected + 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> v.checkBinlogRetentionHours(0)).isInstanceOf(InvalidInputException.class);
    }
}
