package dev.opskit.testkit.internal.db;

import dev.opskit.core.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DbSettingsTest {

    @Test
    void reportsTheVersionAuroraReports() {
        assertThat(new DbSettings("aurora", "5.6.mysql_aurora.1.22.2", null, 1).reportedVersion()).isEqualTo("5.6.10");
        assertThat(new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.09.1", null, 1).reportedVersion()).isEqualTo("5.7.12");
        assertThat(new DbSettings("aurora-mysql", "8.0.mysql_aurora.3.02.0", null, 1).reportedVersion()).isEqualTo("8.0.23");
        assertThat(new DbSettings("aurora-mysql", "8.0.mysql_aurora.3.04.0", null, 1).reportedVersion()).isEqualTo("8.0.28");
        assertThat(new DbSettings("aurora-mysql", "8.0.mysql_aurora.3.08.1", null, 1).reportedVersion()).isEqualTo("8.0.39");
    }

    @Test
    void derivesMajorVersionAndBinlogRetentionLimit() {
        DbSettings v1 = new DbSettings("aurora", "5.6.mysql_aurora.1.22.2", "MIXED", 1);
        DbSettings v209 = new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.09.1", "ROW", 1);
        DbSettings v211 = new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "ROW", 1);
        DbSettings v3 = new DbSettings("aurora-mysql", "8.0.mysql_aurora.3.04.0", null, 1);
        assertThat(v1.majorAuroraVersion()).isEqualTo(1);
        assertThat(v211.majorAuroraVersion()).isEqualTo(2);
        assertThat(v3.majorAuroraVersion()).isEqualTo(3);
        assertThat(v1.maxBinlogRetentionHours()).isEqualTo(168);
        assertThat(v209.maxBinlogRetentionHours()).isEqualTo(168);
        assertThat(v211.maxBinlogRetentionHours()).isEqualTo(2160);
        assertThat(v3.maxBinlogRetentionHours()).isEqualTo(2160);
    }

    @Test
    void normalisesBinlogFormatAndCopies() {
        DbSettings s = new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "mixed", 7);
        assertThat(s.binlogFormat()).isEqualTo("MIXED");
        assertThat(s.binlogEnabled()).isTrue();
        assertThat(s.withBinlogFormat(null).binlogEnabled()).isFalse();
        DbSettings upgraded = s.withEngineVersion("8.0.mysql_aurora.3.05.2");
        assertThat(upgraded.engine()).isEqualTo("aurora-mysql");
        assertThat(upgraded.reportedVersion()).isEqualTo("8.0.32");
        assertThat(upgraded.serverId()).isEqualTo(7);
    }

    @Test
    void rejectsBadInputSayingWhatIsAllowed() {
        assertThatThrownBy(() -> new DbSettings("mysql", "5.7.mysql_aurora.2.11.2", null, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'mysql'").hasMessageContaining("aurora-mysql");
        assertThatThrownBy(() -> new DbSettings("aurora-mysql", "5.7.12", null, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("5.7.mysql_aurora.2.11.2");
        assertThatThrownBy(() -> new DbSettings("aurora", "5.7.mysql_aurora.2.11.2", null, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Aurora MySQL 1");
        assertThatThrownBy(() -> new DbSettings("aurora-mysql", "5.7.mysql_aurora.3.04.0", null, 1))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "BINARY", 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ROW, MIXED, STATEMENT");
        assertThatThrownBy(() -> new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", null, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("serverId");
        assertThatThrownBy(() -> new DbSettings("aurora-mysql", "8.0.mysql_aurora.3.99.0", null, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("known minors");
    }

    @Test
    void binlogCoordinatesRejectNonsense() {
        assertThat(new BinlogCoordinates("mysql-bin-changelog.000002", 154)).hasToString("mysql-bin-changelog.000002:154");
        assertThatThrownBy(() -> new BinlogCoordinates("", 154)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new BinlogCoordinates("x.000001", 3)).isInstanceOf(InvalidInputException.class);
    }
}
