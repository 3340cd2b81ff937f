package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Backoff;
import dev.opskit.rds.internal.runbook.Clusters;
import dev.opskit.rds.internal.runbook.Poller;
import dev.opskit.rds.internal.runbook.Run;
import dev.opskit.rds.internal.runbook.Steps;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.Tag;

/** Decisions of the runbook that need no servers: clone ownership and polling cadence. */
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

    @Test
    void loopbackHostsAreRecognised() {
        assertThat(Run.isLoopback("127.0.0.1")).isTrue();
        assertThat(Run.isLoopback("localhost")).isTrue();
        assertThat(Run.isLoopback("::1")).isTrue();
        assertThat(Run.isLoopback("rds.us-east-1.amazonaws.com")).isFalse();
    }
}
