package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicationStatusTest {
    static Map<String, Object> slaveRow() {
        Map<String, Object> r = new HashMap<>();
        r.put("Slave_IO_State", "Waiting for master to send event");
        r.put("Master_Host", "10.0.0.5");
        r.put("Master_User", "repl");
        r.put("Master_Port", 3306L);
        r.put("Master_Log_File", "mysql-bin-changelog.000003");
        r.put("Read_Master_Log_Pos", 2000L);
        r.put("Relay_Master_Log_File", "mysql-bin-changelog.000003");
        r.put("Exec_Master_Log_Pos", 1500L);
        r.put("Slave_IO_Running", "Yes");
        r.put("Slave_SQL_Running", "Yes");
        r.put("Seconds_Behind_Master", 0L);
        r.put("Last_IO_Errno", 0L);
        r.put("Last_IO_Error", "");
        r.put("Last_SQL_Errno", 0L);
        r.put("Last_SQL_Error", "");
        r.put("Slave_SQL_Running_State", "Slave has read all relay log");
        return r;
    }

    @Test
    void readsTheMasterNaming() {
        ReplicationStatus s = ReplicationStatus.fromRow(slaveRow());
        assertThat(s.isRunning()).isTrue();
        assertThat(s.isCaughtUp()).isTrue();
        assertThat(s.secondsBehind()).hasValue(0);
        assertThat(s.sourceRead()).contains(BinlogPosition.of("mysql-bin-changelog.000003", 2000));
        assertThat(s.executed()).contains(BinlogPosition.of("mysql-bin-changelog.000003", 1500));
        assertThat(s.hasExecuted(BinlogPosition.of("mysql-bin-changelog.000003", 1500))).isTrue();
        assertThat(s.hasExecuted(BinlogPosition.of("mysql-bin-changelog.000003", 1501))).isFalse();
        assertThat(s.lastError()).isEmpty();
        assertThat(s.sourceHost()).isEqualTo("10.0.0.5");
        assertThat(s.sourcePort()).isEqualTo(3306);
        assertThat(s.toString()).contains("io=yes", "sql=yes", "behind=0s", "executed=mysql-bin-changelog.000003 1500");
    }

    @Test
    void readsTheSourceNamingInAnyCase() {
        Map<String, Object> r = new HashMap<>();
        r.put("REPLICA_IO_RUNNING", "Connecting");
        r.put("Replica_SQL_Running", "Yes");
        r.put("Seconds_Behind_Source", null);
        r.put("Source_Log_File", "binlog.000002");
        r.put("Read_Source_Log_Pos", "154");
        r.put("Relay_Source_Log_File", "binlog.000002");
        r.put("Exec_Source_Log_Pos", "154");
        r.put("Source_Host", "db");
        r.put("Source_Port", "3307");
        r.put("Last_IO_Errno", "2003");
        r.put("Last_IO_Error", "error connecting to source 'repl@db:3307' - retry-time: 60 retries: 1");
        ReplicationStatus s = ReplicationStatus.fromRow(r);
        assertThat(s.ioRunning()).isEqualTo("Connecting");
        assertThat(s.ioThreadRunning()).isFalse();
        assertThat(s.sqlThreadRunning()).isTrue();
        assertThat(s.secondsBehind()).isEmpty();
        assertThat(s.isCaughtUp()).isFalse();
        assertThat(s.executed()).contains(BinlogPosition.of("binlog.000002", 154));
        assertThat(s.sourcePort()).isEqualTo(3307);
        assertThat(s.lastIoError()).map(ReplicationError::number).contains(2003);
        assertThat(s.lastError()).isEqualTo(s.lastIoError());
    }

    @Test
    void lagAboveZeroOrAStoppedThreadIsNotCaughtUp() {
        Map<String, Object> r = slaveRow();
        r.put("Seconds_Behind_Master", 12L);
        assertThat(ReplicationStatus.fromRow(r).isCaughtUp()).isFalse();
        r = slaveRow();
        r.put("Slave_SQL_Running", "No");
        assertThat(ReplicationStatus.fromRow(r).isCaughtUp()).isFalse();
    }

    @Test
    void explainsADuplicateKeyErrorOfAStatement() {
        Map<String, Object> r = slaveRow();
        r.put("Slave_SQL_Running", "No");
        r.put("Seconds_Behind_Master", null);
        r.put("Last_SQL_Errno", 1062L);
        r.put("Last_SQL_Error", "Error 'Duplicate entry '42' for key 'PRIMARY'' on query. Default database: 'shop'."
                + " Query: 'INSERT INTO orders (id, note) VALUES (42, 'it''s')'");
        ReplicationStatus s = ReplicationStatus.fromRow(r);
        ReplicationError e = s.lastSqlError().orElseThrow();
        assertThat(e.isDuplicateKey()).isTrue();
        assertThat(e.duplicateEntry()).contains("42");
        assertThat(e.key()).contains("PRIMARY");
        assertThat(e.defaultDatabase()).contains("shop");
        assertThat(e.statement()).contains("INSERT INTO orders (id, note) VALUES (42, 'it''s')");
        assertThat(e.table()).contains("shop.orders");
        assertThat(s.toString()).contains("sql error 1062");
    }

    @Test
    void explainsADuplicateKeyErrorOfARowEvent() {
        ReplicationError e = new ReplicationError(1062, "Could not execute Write_rows_v1 event on table shop.order_lines;"
                + " Duplicate entry '7-3' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY;"
                + " the event's master log mysql-bin-changelog.000003, end_log_pos 4242");
        assertThat(e.table()).contains("shop.order_lines");
        assertThat(e.duplicateEntry()).contains("7-3");
        assertThat(e.key()).contains("PRIMARY");
        assertThat(e.eventEnd()).contains(BinlogPosition.of("mysql-bin-changelog.000003", 4242));
        assertThat(e.statement()).isEmpty();
    }

    @Test
    void qualifiedAndBackquotedTablesAreRead() {
        ReplicationError e = new ReplicationError(1032, "Error 'x' on query. Default database: 'a'. Query: 'update `b`.`t` set x=1'");
        assertThat(e.table()).contains("b.t");
        ReplicationError d = new ReplicationError(1032, "Error 'x' on query. Default database: ''. Query: 'DELETE FROM t2 WHERE id=1'");
        assertThat(d.table()).contains("t2");
        assertThat(d.defaultDatabase()).isEmpty();
    }

    @Test
    void passwordsInFailingStatementsAreRedacted() {
        ReplicationError e = new ReplicationError(1396, "Error 'Operation CREATE USER failed' on query. Default database: ''."
                + " Query: 'CREATE USER 'app'@'%' IDENTIFIED BY 'hunter2-secret''");
        assertThat(e.message()).doesNotContain("hunter2-secret").contains("IDENTIFIED BY '********'");
        assertThat(e.toString()).doesNotContain("hunter2-secret");
        ReplicationError c = new ReplicationError(1227, "Query: 'CHANGE MASTER TO MASTER_PASSWORD='s3cr3t', MASTER_HOST='x''");
        assertThat(c.toString()).doesNotContain("s3cr3t");
        ReplicationError p = new ReplicationError(1227, "Query: 'SET PASSWORD FOR u = PASSWORD(\"pw123\")'");
        assertThat(p.toString()).doesNotContain("pw123");
    }

    @Test
    void aRowWithoutStatusColumnsIsRejected() {
        assertThatThrownBy(() -> ReplicationStatus.fromRow(Map.of("File", "x")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("SHOW REPLICA STATUS");
        assertThat(ReplicationStatus.fromRow(Map.of("Slave_IO_Running", "No")).executed()).isEqualTo(Optional.empty());
    }
}
