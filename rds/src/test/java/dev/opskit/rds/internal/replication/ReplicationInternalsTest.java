package dev.opskit.rds.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Backoff;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ReplicationError;
import dev.opskit.rds.ReplicationStatus;
import dev.opskit.rds.event.ReplicationLagSampled;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Decisions of the runbook that need no servers: clone ownership, polling cadence, which replica
 * IO errors end a wait, and the time on its events.
 */
public class ReplicationInternalsTest {
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
        assertThat(Clusters.isCloneOf(tagged, SOURCE)).isTrue();
        assertThat(Clusters.isCloneOf(sameGroup, SOURCE)).isTrue();
        assertThat(Clusters.isCloneOf(unrelated, SOURCE)).isFalse();
        assertThat(Clusters.isCloneOf(noGroup, SOURCE)).isFalse();
        assertThat(Clusters.isCloneOf(taggedForOther, SOURCE)).isFalse();
        DBCluster otherSourcesCloneInGroup = DBCluster.builder().dbClusterIdentifier("next").cloneGroupId("g-1")
                .tagList(Tag.builder().key(Clusters.CLONE_OF_TAG).value("billing").build()).build();
        assertThat(Clusters.isCloneOf(otherSourcesCloneInGroup, SOURCE)).as("the tag decides before the group").isFalse();
        DBCluster sourceWithoutGroup = DBCluster.builder().dbClusterIdentifier("orders").build();
        assertThat(Clusters.isCloneOf(noGroup, sourceWithoutGroup)).as("null groups never match").isFalse();
    }


    @Test
    void realEndpointsArePolledAtMostOnceASecondAndAboutOneHundredFiftyTimesInTenMinutes() {
        assertThat(ReplicationRun.pollingFloor(true)).isEqualTo(Duration.ofMillis(5));
        assertThat(ReplicationRun.pollingFloor(false)).isEqualTo(Duration.ofSeconds(1));
        Backoff remote = Backoff.proportional(ReplicationRun.pollingFloor(false), Duration.ofSeconds(10));
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
    public static ReplicationStatus io(String running, int errno, String error) {
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

    @Test
    void eventsAreStampedByTheRunsClock() {
        Instant at = Instant.parse("2026-03-01T10:15:30Z");
        EventBus bus = new EventBus();
        List<OpsEvent> seen = new ArrayList<>();
        bus.subscribe(seen::add);
        Events events = new Events(bus, Clock.fixed(at, ZoneOffset.UTC));
        assertThat(events.now()).isEqualTo(at);
        events.warning("rb-1", "replication", "orders-next", "careful", Map.of());
        events.publish(new ReplicationLagSampled(events.now(), "rb-1", "replication", "orders-next", 3L, null,
                BinlogPosition.of("mysql-bin.000002", 154)));
        assertThat(seen).extracting(OpsEvent::time).containsExactly(at, at);
        assertThat(seen.get(1).message()).isEqualTo("lag 3 s, executed ?, goal mysql-bin.000002 154");
        assertThat(seen.get(1).attributes()).containsEntry("lagSeconds", 3L).containsEntry("executed", "");
    }
}
