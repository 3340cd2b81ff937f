package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.rds.internal.replication.ReplicationInternalsTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user reads when replication stops. */
class ReplicationExceptionTest {
    @Test
    void duplicateKeyNamesNumberTableStatementAndTheSkipOption() {
        ReplicationError e = new ReplicationError(1062, "Error 'Duplicate entry '42' for key 'PRIMARY'' on query."
                + " Default database: 'shop'. Query: 'INSERT INTO customers (id, email) VALUES (42, 'a@b')'");
        ReplicationException x = new ReplicationException("orders-next", e, null);
        assertThat(x.getMessage()).contains("orders-next", "1062", "shop.customers",
                "INSERT INTO customers (id, email) VALUES (42, 'a@b')", "ErrorPolicy.skip(1062)");
        assertThat(x.resourceId()).contains("orders-next");
        assertThat(x.error()).isEqualTo(e);
    }

    @Test
    void rowEventErrorsNameTheTable() {
        ReplicationError e = new ReplicationError(1032, "Could not execute Delete_rows_v1 event on table shop.orders;"
                + " Can't find record in 'orders', Error_code: 1032; handler error HA_ERR_KEY_NOT_FOUND;"
                + " the event's master log mysql-bin.000002, end_log_pos 1234");
        assertThat(new ReplicationException("next", e, null).getMessage())
                .contains("1032", "shop.orders", "ErrorPolicy.skip(1032)");
    }

    @Test
    void passwordsInStatementsAreRedacted() {
        ReplicationError e = new ReplicationError(1396, "Error 'Operation CREATE USER failed' on query."
                + " Default database: ''. Query: 'CREATE USER 'x'@'%' IDENTIFIED BY 'hunter2-secret''");
        assertThat(new ReplicationException("next", e, null).getMessage()).doesNotContain("hunter2-secret");
    }

    @Test
    void cutoverSaysWhereItStopped() {
        BinlogPosition p = BinlogPosition.parse("mysql-bin.000003 1234");
        assertThat(new ReplicationCutover(p, p, 2, Duration.ofMillis(700)).toString())
                .contains("mysql-bin.000003 1234", "2 events skipped");
    }

    @Test
    void aRefusedReplicationUserSaysThePasswordNoLongerMatchesAndHowToSetItAgain() {
        ReplicationStatus st = ReplicationInternalsTest.io("Connecting", 1045, "error connecting to master"
                + " 'opskit_repl@10.0.0.5:3306' - retry-time: 60  maximum-retries: 86400  message: Access denied for"
                + " user 'opskit_repl'@'10.0.0.9' (using password: YES)");
        ReplicationException x = new ReplicationException("orders-next", st.lastIoError().get(), st);
        assertThat(x.getMessage()).contains("orders-next", "1045", "refuses replication user 'opskit_repl'",
                "127.0.0.1:3306", "password the target holds no longer matches", "start() again",
                "replicationPassword(", "freshly generated").doesNotContain("ErrorPolicy.skip");
        assertThat(x.error().number()).isEqualTo(1045);
    }

    @Test
    void aPurgedBinlogSaysToRaiseRetentionAndCloneAnew() {
        ReplicationStatus st = ReplicationInternalsTest.io("No", 1236, "Got fatal error 1236 from master when reading"
                + " data from binary log: 'Could not find first log file name in binary log index file'");
        assertThat(new ReplicationException("orders-next", st.lastIoError().get(), st).getMessage())
                .contains("1236", "no longer has the binlog", "binlogRetentionHours(", "teardown(true)", "clone anew")
                .doesNotContain("ErrorPolicy.skip");
    }

    @Test
    void anotherIoErrorIsNotOfferedTheSkipPolicy() {
        ReplicationStatus st = ReplicationInternalsTest.io("No", 2003, "Can't connect to server on '127.0.0.1'");
        assertThat(new ReplicationException("next", st.lastIoError().get(), st).getMessage())
                .contains("2003", "IO thread cannot read from the source 127.0.0.1:3306")
                .doesNotContain("ErrorPolicy.skip");
    }
}
