package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Backoff;
import dev.opskit.rds.internal.runbook.Clusters;
import dev.opskit.rds.internal.runbook.Poller;
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
    void pollingDelayStaysNearFivePercentOfTheTimeWaitedAndIsCapped() {
        Backoff b = Poller.proportional(Duration.ofMillis(20), Duration.ofSeconds(10));
        long waited = 0;
        for (int attempt = 1; attempt < 600; attempt++) {
            long ceiling = b.ceiling(attempt).toMillis();
            assertThat(ceiling).isLessThanOrEqualTo(Math.max(20, waited / 20) + 1).isLessThanOrEqualTo(10_000);
            waited += ceiling;
        }
        assertThat(b.cap()).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(20));
    }
}
