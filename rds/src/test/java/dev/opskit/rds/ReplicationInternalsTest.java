package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Backoff;
import dev.opskit.rds.internal.runbook.Clusters;
import dev.opskit.rds.internal.runbook.IoThreadErrors;
import dev.opskit.rds.internal.runbook.Poller;
import dev.opskit.rds.internal.runbook.Run;
import dev.opskit.rds.internal.runbook.Steps;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Decisions of the runbook that need no servers: clone ownership, polling cadence, and which
 * replica IO errors end a wait.
 */
class ReplicationInternalsTest {
    static final DBCluster SOURCE = DBCluster.builder().dbClusterIdentifier("orders").cloneGroupId("g-1").build();

    @Test
    void aCloneIsRecognisedByItsTagOrItsCloneGroup() {
        DBCluster tagged = DBCluster.builder().dbClusterIdentifier("next")
                .tagList(Tag.builder().key(Clusters.CLONE_OF_TAG).value("orders").build()).build();
        DBCluster sameGroup = DBCluster.builder().dbClusterIdentifier("next").cloneGroupId("g-1").build();
        DBCluster unrelated = DBCluster.builder().dbClusterIdentifier("next").cloneGroupId("g-2").build();
        DBCluster noGroup = DBCluster.builder().dbClusterIdentifier("next").build();
        DBCluster taggedForOther = DBCluster.builder().dbClusterIdentifier("next")
                .tagList(Tag.builder().key(Clusters.CLONE_OF_TAG).value("billing").build()).build();
        assertThat(Steps.isCloneOf(tagged, SOURCE)).isTrue();
        assertThat(Steps.isCloneOf(sameGroup, SOURCE)).isTrue();
        assertThat(Steps.isCloneOf(unrelated, SOURCE)).isFalse();
        assertThat(Steps.isCloneOf(noGroup, SOURCE)).isFalse();
        assertThat(Steps.isCloneOf(taggedForOther, SOURCE)).isFalse();
        DBCluster otherSourcesCloneInGroup = DBCluster.builder().dbClusterIdentifier("next").cloneGroupId("g-1")
                .tagList(Tag.builder().key(Clusters.CLONE_OF_TAG).value("billing").build()).build();
        assertThat(Steps.isCloneOf(otherSourcesCloneInGroup, SOURCE)).as("the tag decides before the group").isFalse();
        DBCluster sourceWithoutGroup = DBCluster.builder().dbClusterIdentifier("orders").build();
        assertThat(Steps.isCloneOf(noGroup, sourceWithoutGroup)).as("null groups never match").isFalse();
    }

    @Test
    void pollingDelayStaysNearTwoAndAHalfPercentOfTheTimeWaitedAndIsCapped() {
        Backoff b = Poller.proportional(Duration.ofMillis(5), Duration.ofSeconds(10));
        long waited = 0;
        for (int attempt = 1; attempt < 800; attempt++) {
            long ceiling = b.ceiling(attempt).toMillis();
            assertThat(ceiling).isLessThanOrEqualTo(Math.max(5, waited / 40) + 1).isLessThanOrEqualTo(10_000);
            waited += ceiling;
        }
        assertThat(b.cap()).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void realEndpointsArePolledAtMostOnceASecondAndAboutOneHundredFiftyTimesInTenMinutes() {
        assertThat(Run.pollingFloor(true)).isEqualTo(Duration.ofMillis(5));
        assertThat(Run.pollingFloor(false)).isEqualTo(Duration.ofSeconds(1));
        Backoff remote = Poller.proportional(Run.pollingFloor(false), Duration.ofSeconds(10));
        long waited = 0;
        int calls = 0;
        while (waited < Duration.ofMinutes(10).toMillis()) {
            calls++;
            long ceiling = remote.ceiling(calls).toMillis();
            assertThat(ceiling).isGreaterThanOrEqualTo(1000);
            waited += ceiling;
        }
        assertThat(calls).isBetween(130, 170);
    }

    /** A replica status row with the IO thread in a given state and its last error. */
    static ReplicationStatus io(String running, int errno, String error) {
        return ReplicationStatus.fromRow(Map.of("Slave_IO_Running", running, "Slave_SQL_Running", "Yes",
                "Master_Host", "127.0.0.1", "Master_Port", "3306", "Master_User", "opskit_repl",
                "Last_IO_Errno", Integer.toString(errno), "Last_IO_Error", error,
                "Relay_Master_Log_File", "mysql-bin.000002", "Exec_Master_Log_Pos", "1234"));
    }

    @Test
    void aRefusedAccountOrAPurgedBinlogEndsTheWaitEvenWhileTheIoThreadRetries() {
        ReplicationStatus denied = io("Connecting", 1045, "error connecting to master 'opskit_repl@127.0.0.1:3306'"
                + " - retry-time: 1  maximum-retries: 100000  message: Access denied for user 'opskit_repl'@'localhost'"
                + " (using password: YES)");
        assertThat(IoThreadErrors.ending(denied)).map(ReplicationError::number).contains(1045);
        assertThat(IoThreadErrors.deniedAccess(denied)).isTrue();

        ReplicationStatus purged = io("No", 1236, "Got fatal error 1236 from master when reading data from binary log:"
                + " 'Could not find first log file name in binary log index file'");
        assertThat(IoThreadErrors.ending(purged)).map(ReplicationError::number).contains(1236);
        assertThat(IoThreadErrors.ending(io("Connecting", 13114, "Got fatal error 1236 from source"))).isPresent();
        assertThat(IoThreadErrors.deniedAccess(purged)).isFalse();
        for (int n : new int[] {1044, 1130, 1227, 1251, 2061}) {
            assertThat(IoThreadErrors.ending(io("Connecting", n, "refused"))).as("error %d", n).isPresent();
        }
    }

    @Test
    void aSourceThatRestartsIsWaitedForWhileTheIoThreadRetries() {
        for (int n : new int[] {2003, 2013, 2006, 1040, 1053}) {
            ReplicationStatus retrying = io("Connecting", n, "error reconnecting to master: Can't connect to server");
            assertThat(IoThreadErrors.ending(retrying)).as("error %d while retrying", n).isEmpty();
            assertThat(IoThreadErrors.deniedAccess(retrying)).isFalse();
        }
        // The same error once the IO thread has given up cannot heal.
        assertThat(IoThreadErrors.ending(io("No", 2003, "Can't connect"))).map(ReplicationError::number).contains(2003);
        // A running IO thread's last error is history, whatever it was.
        assertThat(IoThreadErrors.ending(io("Yes", 1045, "Access denied"))).isEmpty();
        assertThat(IoThreadErrors.deniedAccess(io("Yes", 1045, "Access denied"))).isFalse();
        assertThat(IoThreadErrors.ending(io("No", 0, ""))).isEmpty();
    }
}
