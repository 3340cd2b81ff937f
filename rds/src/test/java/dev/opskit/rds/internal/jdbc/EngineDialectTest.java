package dev.opskit.rds.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.rds.EngineVersion;
import org.junit.jupiter.api.Test;

class EngineDialectTest {
    @Test
    void eachAuroraMajorHasItsDialect() {
        assertThat(EngineDialect.of(EngineVersion.parse("5.6.mysql_aurora.1.22.2"))).isEqualTo(EngineDialect.AURORA_MYSQL_1);
        assertThat(EngineDialect.of(EngineVersion.parse("5.7.mysql_aurora.2.11.2"))).isEqualTo(EngineDialect.AURORA_MYSQL_2);
        assertThat(EngineDialect.of(EngineVersion.parse("8.0.mysql_aurora.3.04.0"))).isEqualTo(EngineDialect.AURORA_MYSQL_3);
        assertThat(EngineDialect.of(EngineVersion.of("aurora", "5.6.10a"))).isEqualTo(EngineDialect.AURORA_MYSQL_1);
    }

    @Test
    void mysqlAndMariaDbVersionsAsServersPrintThemHaveTheirDialect() {
        assertThat(EngineDialect.of(EngineVersion.parse("8.0.36"))).isEqualTo(EngineDialect.MYSQL_8_0);
        assertThat(EngineDialect.of(EngineVersion.parse("8.4.3"))).isEqualTo(EngineDialect.MYSQL_8_4);
        assertThat(EngineDialect.of(EngineVersion.parse("5.7.12-log"))).isEqualTo(EngineDialect.MYSQL_5_7);
        assertThat(EngineDialect.of(EngineVersion.parse("11.4.5-MariaDB-log"))).isEqualTo(EngineDialect.MARIADB);
        assertThat(EngineDialect.of(EngineVersion.of("mariadb", "10.11.8"))).isEqualTo(EngineDialect.MARIADB);
    }

    @Test
    void dialectsNameTheProceduresAndColumnsOfTheirEngine() {
        EngineDialect d2 = EngineDialect.AURORA_MYSQL_2;
        EngineDialect d3 = EngineDialect.AURORA_MYSQL_3;
        assertThat(d2.setExternalSourceCall()).isEqualTo("CALL mysql.rds_set_external_master(?, ?, ?, ?, ?, ?, ?)");
        assertThat(d3.setExternalSourceCall()).isEqualTo("CALL mysql.rds_set_external_source(?, ?, ?, ?, ?, ?, ?)");
        assertThat(d2.resetExternalSourceCall()).isEqualTo("CALL mysql.rds_reset_external_master");
        assertThat(d3.resetExternalSourceCall()).isEqualTo("CALL mysql.rds_reset_external_source");
        assertThat(d2.replicaStatusStatement()).isEqualTo("SHOW SLAVE STATUS");
        assertThat(d3.replicaStatusStatement()).isEqualTo("SHOW REPLICA STATUS");
        assertThat(d2.secondsBehindColumn()).isEqualTo("Seconds_Behind_Master");
        assertThat(d3.secondsBehindColumn()).isEqualTo("Seconds_Behind_Source");
        assertThat(d3.executedFileColumn()).isEqualTo("Relay_Source_Log_File");
        assertThat(d2.executedPositionColumn()).isEqualTo("Exec_Master_Log_Pos");
        assertThat(EngineDialect.MYSQL_8_4.sourceStatusStatement()).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(EngineDialect.MARIADB.setExternalSourceCall()).contains("rds_set_external_master");
    }
}
