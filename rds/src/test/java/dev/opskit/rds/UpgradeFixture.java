package dev.opskit.rds;

import dev.opskit.core.Backoff;
import dev.opskit.core.Secret;
import dev.opskit.core.Waiter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.SourceType;

/** What the in-place upgrade's integration tests set up on LocalAws and read back from it. */
final class UpgradeFixture {
    private UpgradeFixture() {
    }

    /** Adds the writer {@code <cluster>-1} and waits until it is available. */
    static void addWriter(RdsClient rds, String clusterId, String engine, String instanceGroup) {
        String writer = clusterId + "-1";
        rds.createDBInstance(r -> {
            r.dbInstanceIdentifier(writer).dbClusterIdentifier(clusterId).engine(engine).dbInstanceClass("db.r6g.large");
            if (instanceGroup != null) {
                r.dbParameterGroupName(instanceGroup);
            }
        });
        Waiter.forResource("DB instance " + writer).waitingFor("available")
                .poll(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(writer)).dbInstances().get(0))
                .state(i -> i.dbInstanceStatus())
                .succeedWhen(i -> "available".equals(i.dbInstanceStatus()))
                .backoff(Backoff.fixed(Duration.ofMillis(50))).deadline(Duration.ofMinutes(2)).await();
    }

    /** A custom cluster parameter group with parameters set by the user. */
    static void clusterGroup(RdsClient rds, String name, String family, Map<String, String> values) {
        rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(name).dbParameterGroupFamily(family)
                .description("tuned"));
        if (!values.isEmpty()) {
            rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(name).parameters(params(values)));
        }
    }

    /** A custom DB (instance) parameter group with parameters set by the user. */
    static void instanceGroup(RdsClient rds, String name, String family, Map<String, String> values) {
        rds.createDBParameterGroup(r -> r.dbParameterGroupName(name).dbParameterGroupFamily(family)
                .description("tuned"));
        if (!values.isEmpty()) {
            rds.modifyDBParameterGroup(r -> r.dbParameterGroupName(name).parameters(params(values)));
        }
    }

    static List<Parameter> params(Map<String, String> values) {
        return values.entrySet().stream().map(e -> Parameter.builder().parameterName(e.getKey())
                .parameterValue(e.getValue()).applyMethod(ApplyMethod.PENDING_REBOOT).build()).toList();
    }

    static DBCluster describe(RdsClient rds, String id) {
        return rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().get(0);
    }

    static List<String> clusterEvents(RdsClient rds, String id) {
        return rds.describeEvents(r -> r.sourceType(SourceType.DB_CLUSTER).sourceIdentifier(id)).events().stream()
                .map(Event::message).toList();
    }

    /** The parameters set by the user in a cluster ({@code cluster}) or instance parameter group. */
    static Map<String, String> userParams(RdsClient rds, String group, boolean cluster) {
        Map<String, String> out = new TreeMap<>();
        List<Parameter> params = cluster
                ? rds.describeDBClusterParameters(r -> r.dbClusterParameterGroupName(group).source("user")).parameters()
                : rds.describeDBParameters(r -> r.dbParameterGroupName(group).source("user")).parameters();
        params.forEach(p -> out.put(p.parameterName(), p.parameterValue()));
        return out;
    }

    /** The names of the cluster parameter groups that start with a prefix, sorted. */
    static List<String> clusterGroups(RdsClient rds, String prefix) {
        return rds.describeDBClusterParameterGroups().dbClusterParameterGroups().stream()
                .map(g -> g.dbClusterParameterGroupName()).filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    /** The names of the instance parameter groups that start with a prefix, sorted. */
    static List<String> instanceGroups(RdsClient rds, String prefix) {
        return rds.describeDBParameterGroups().dbParameterGroups().stream()
                .map(g -> g.dbParameterGroupName()).filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    static Connection connect(DBCluster c, Secret password) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://" + c.endpoint() + ":" + c.port()
                + "/?useSSL=false&allowPublicKeyRetrieval=true", "admin", password.reveal());
    }
}
