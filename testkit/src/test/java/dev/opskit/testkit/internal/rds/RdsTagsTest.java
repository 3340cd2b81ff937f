package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.protocol.AwsError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tags given when resources are created, returned in TagList, and changed with the tagging actions. */
class RdsTagsTest {
    private static final String PASSWORD = "Sup3rSecretPw";
    private static final String ARN = "arn:aws:rds:us-east-1:111111111111:";

    private final RdsCalls rds = RdsCalls.start(Timings.instant(), new RdsFakeDatabases());

    @AfterEach
    void close() {
        rds.close();
    }

    @Test
    void tagsOfCreateCallsAreDescribedAndListed() {
        rds.call("CreateDBClusterParameterGroup", "DBClusterParameterGroupName", "orders-binlog",
                "DBParameterGroupFamily", "aurora-mysql5.7", "Description", "binlog",
                "Tags.Tag.1.Key", "opskit:binlog-for", "Tags.Tag.1.Value", "orders");
        var created = rds.call("CreateDBCluster", "DBClusterIdentifier", "orders", "Engine", "aurora-mysql",
                "EngineVersion", "5.7.mysql_aurora.2.11.2", "MasterUsername", "admin", "MasterUserPassword", PASSWORD,
                "DBClusterParameterGroupName", "orders-binlog",
                "Tags.Tag.1.Key", "team", "Tags.Tag.1.Value", "payments", "Tags.Tag.2.Key", "env",
                "Tags.Tag.2.Value", "rehearsal");
        assertThat(created.texts("//DBCluster/TagList/Tag/Key")).containsExactly("team", "env");
        rds.call("CreateDBInstance", "DBInstanceIdentifier", "orders-1", "DBClusterIdentifier", "orders",
                "DBInstanceClass", "db.r6g.large", "Engine", "aurora-mysql", "Tags.Tag.1.Key", "role",
                "Tags.Tag.1.Value", "writer");
        rds.settle();
        var clone = rds.call("RestoreDBClusterToPointInTime", "DBClusterIdentifier", "orders-clone",
                "SourceDBClusterIdentifier", "orders", "RestoreType", "copy-on-write",
                "UseLatestRestorableTime", "true", "Tags.Tag.1.Key", "opskit:clone-of", "Tags.Tag.1.Value", "orders");
        rds.settle();

        var cluster = rds.call("DescribeDBClusters", "DBClusterIdentifier", "orders");
        assertThat(cluster.texts("//DBCluster/TagList/Tag/Key")).containsExactly("team", "env");
        assertThat(cluster.texts("//DBCluster/TagList/Tag/Value")).containsExactly("payments", "rehearsal");
        // A clone carries the tags of its own request, not its source's.
        assertThat(clone.texts("//DBCluster/TagList/Tag/Key")).containsExactly("opskit:clone-of");
        assertThat(rds.call("DescribeDBClusters", "DBClusterIdentifier", "orders-clone")
                .text("//DBCluster/TagList/Tag[Key='opskit:clone-of']/Value")).isEqualTo("orders");
        assertThat(rds.call("DescribeDBInstances", "DBInstanceIdentifier", "orders-1")
                .text("//DBInstance/TagList/Tag[Key='role']/Value")).isEqualTo("writer");
        assertThat(rds.call("ListTagsForResource", "ResourceName", ARN + "cluster-pg:orders-binlog")
                .texts("//TagList/Tag/Value")).containsExactly("orders");
        assertThat(rds.call("ListTagsForResource", "ResourceName", ARN + "db:orders-1")
                .texts("//TagList/Tag/Key")).containsExactly("role");
    }

    @Test
    void tagsAreAddedReplacedAndRemovedByKey() {
        rds.call("CreateDBCluster", "DBClusterIdentifier", "orders", "Engine", "aurora-mysql",
                "MasterUsername", "admin", "MasterUserPassword", PASSWORD, "Tags.Tag.1.Key", "team",
                "Tags.Tag.1.Value", "payments");
        rds.call("AddTagsToResource", "ResourceName", ARN + "cluster:orders", "Tags.Tag.1.Key", "team",
                "Tags.Tag.1.Value", "billing", "Tags.Tag.2.Key", "cost-center", "Tags.Tag.2.Value", "42");
        var listed = rds.call("ListTagsForResource", "ResourceName", ARN + "cluster:orders");
        assertThat(listed.texts("//TagList/Tag/Key")).containsExactly("team", "cost-center");
        assertThat(listed.texts("//TagList/Tag/Value")).containsExactly("billing", "42");

        rds.call("RemoveTagsFromResource", "ResourceName", ARN + "cluster:orders", "TagKeys.member.1", "team",
                "TagKeys.member.2", "absent");
        assertThat(rds.call("DescribeDBClusters", "DBClusterIdentifier", "orders")
                .texts("//DBCluster/TagList/Tag/Key")).containsExactly("cost-center");
    }

    @Test
    void badTagsAndUnknownResourcesAreRejectedAsRdsDoes() {
        AwsError reserved = rds.fail("CreateDBCluster", "DBClusterIdentifier", "orders", "Engine", "aurora-mysql",
                "MasterUsername", "admin", "MasterUserPassword", PASSWORD, "Tags.Tag.1.Key", "aws:owner",
                "Tags.Tag.1.Value", "x");
        assertThat(reserved.code()).isEqualTo("InvalidParameterValue");
        assertThat(reserved.getMessage()).contains("aws:", "aws:owner");
        assertThat(rds.fail("DescribeDBClusters", "DBClusterIdentifier", "orders").code())
                .as("nothing created on bad input").isEqualTo("DBClusterNotFoundFault");
        AwsError longKey = rds.fail("CreateDBClusterParameterGroup", "DBClusterParameterGroupName", "g",
                "DBParameterGroupFamily", "aurora-mysql5.7", "Description", "d", "Tags.Tag.1.Key", "k".repeat(129));
        assertThat(longKey.code()).isEqualTo("InvalidParameterValue");

        AwsError missing = rds.fail("ListTagsForResource", "ResourceName", ARN + "cluster:nope");
        assertThat(missing.code()).isEqualTo("DBClusterNotFoundFault");
        assertThat(missing.httpStatus()).isEqualTo(404);
        assertThat(rds.fail("AddTagsToResource", "ResourceName", ARN + "db:nope", "Tags.Tag.1.Key", "k").code())
                .isEqualTo("DBInstanceNotFound");
        AwsError otherRegion = rds.fail("ListTagsForResource", "ResourceName",
                "arn:aws:rds:eu-west-1:111111111111:cluster:orders");
        assertThat(otherRegion.code()).isEqualTo("InvalidParameterValue");
        assertThat(otherRegion.getMessage()).contains("eu-west-1", "us-east-1");
        assertThat(rds.fail("ListTagsForResource", "ResourceName", "orders").code())
                .isEqualTo("InvalidParameterValue");
    }
}
