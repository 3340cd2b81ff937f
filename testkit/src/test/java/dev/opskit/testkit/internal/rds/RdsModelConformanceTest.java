package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.ServiceModel;
import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.protocol.AwsError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks the emulator against the botocore RDS model installed on the machine (skipped without it). */
class RdsModelConformanceTest {
    /** Errors every AWS query service may answer with (not listed per operation in the model). */
    private static final Set<String> COMMON = Set.of("InvalidParameterValue", "InvalidParameterCombination",
            "MissingParameter", "InvalidAction");
    /** A plausible value for each required member, so that only the omitted one is missing. */
    private static final Map<String, String[]> VALUES = Map.ofEntries(
            Map.entry("DBClusterIdentifier", new String[] {"DBClusterIdentifier", "c1"}),
            Map.entry("Engine", new String[] {"Engine", "aurora-mysql"}),
            Map.entry("DBInstanceIdentifier", new String[] {"DBInstanceIdentifier", "i1"}),
            Map.entry("DBInstanceClass", new String[] {"DBInstanceClass", "db.r6g.large"}),
            Map.entry("DBClusterParameterGroupName", new String[] {"DBClusterParameterGroupName", "g1"}),
            Map.entry("DBParameterGroupName", new String[] {"DBParameterGroupName", "g1"}),
            Map.entry("DBParameterGroupFamily", new String[] {"DBParameterGroupFamily", "aurora-mysql8.0"}),
            Map.entry("Description", new String[] {"Description", "d"}),
            Map.entry("LogFileName", new String[] {"LogFileName", "upgrade-prechecks.log"}),
            Map.entry("SourceDBClusterIdentifier", new String[] {"SourceDBClusterIdentifier", "src"}),
            Map.entry("DBClusterSnapshotIdentifier", new String[] {"DBClusterSnapshotIdentifier", "s1"}),
            Map.entry("ResourceName", new String[] {"ResourceName", "arn:aws:rds:us-east-1:111111111111:cluster:c1"}),
            Map.entry("Tags", new String[] {"Tags.Tag.1.Key", "team", "Tags.Tag.1.Value", "payments"}),
            Map.entry("TagKeys", new String[] {"TagKeys.member.1", "team"}),
            Map.entry("Parameters", new String[] {"Parameters.Parameter.1.ParameterName", "binlog_format",
                    "Parameters.Parameter.1.ParameterValue", "ROW", "Parameters.Parameter.1.ApplyMethod",
                    "pending-reboot"}));

    private static ServiceModel model;

    private final RdsCalls rds = RdsCalls.start(Timings.instant(), new RdsFakeDatabases());

    @BeforeAll
    static void load() throws Exception {
        model = ServiceModel.load("rds", "2014-10-31");
    }

    @AfterEach
    void close() {
        rds.close();
    }

    @Test
    void everyImplementedOperationExistsInTheModel() {
        assertThat(model.operationNames()).containsAll(RdsActions.OPERATIONS);
        assertThat(model.metadata().get("xmlNamespace")).isEqualTo(new RdsActions(rds.backend()).xmlNamespace());
    }

    @Test
    void everyErrorCodeEmittedIsDeclaredByTheModel() throws Exception {
        Set<String> declared = new HashSet<>(COMMON);
        for (String op : RdsActions.OPERATIONS) {
            model.errorShapes(op).forEach(name -> declared.add(model.errorCode(name)));
        }
        List<String> emitted = new ArrayList<>();
        for (Field f : RdsErrors.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                f.setAccessible(true);
                emitted.add((String) f.get(null));
            }
        }
        assertThat(emitted).hasSizeGreaterThan(10);
        assertThat(declared).containsAll(emitted);
    }

    @Test
    void notFoundErrorsHaveTheModelsHttpStatus() {
        Map<String, Integer> statusByCode = new HashMap<>();
        for (String shapeName : model.shapeNames()) {
            Map<String, Object> error = ServiceModel.map(model.shape(shapeName).get("error"));
            if (error != null && error.get("httpStatusCode") != null) {
                statusByCode.put(model.errorCode(shapeName), ((Number) error.get("httpStatusCode")).intValue());
            }
        }
        List<AwsError> errors = List.of(
                rds.fail("DescribeDBClusters", "DBClusterIdentifier", "none"),
                rds.fail("DescribeDBInstances", "DBInstanceIdentifier", "none"),
                rds.fail("DescribeDBClusterParameters", "DBClusterParameterGroupName", "none"),
                rds.fail("DescribeDBClusterSnapshots", "DBClusterSnapshotIdentifier", "none"),
                rds.fail("DescribeDBLogFiles", "DBInstanceIdentifier", "none"),
                rds.fail("ListTagsForResource", "ResourceName", "arn:aws:rds:us-east-1:111111111111:cluster:none"),
                rds.fail("ListTagsForResource", "ResourceName", "arn:aws:rds:us-east-1:111111111111:db:none"),
                rds.fail("CreateDBCluster", "DBClusterIdentifier", "c", "Engine", "aurora-mysql",
                        "MasterUsername", "admin", "MasterUserPassword", "Passw0rd!!", "DBClusterParameterGroupName",
                        "none"),
                rds.fail("CreateDBInstance", "DBInstanceIdentifier", "i", "DBInstanceClass", "db.r6g.large",
                        "Engine", "aurora-mysql", "DBClusterIdentifier", "none"));
        for (AwsError e : errors) {
            assertThat(statusByCode).as(e.code()).containsEntry(e.code(), e.httpStatus());
        }
    }

    @Test
    void everyRequiredMemberIsEnforced() {
        int checked = 0;
        for (String op : RdsActions.OPERATIONS) {
            List<String> required = model.requiredMembers(op);
            for (String omitted : required) {
                List<String> params = new ArrayList<>();
                for (String member : required) {
                    if (!member.equals(omitted)) {
                        assertThat(VALUES).as("a test value for " + member).containsKey(member);
                        params.addAll(List.of(VALUES.get(member)));
                    }
                }
                AwsError e = rds.fail(op, params.toArray(String[]::new));
                assertThat(e).as(op + " without " + omitted).isNotNull();
                assertThat(e.code()).as(op + " without " + omitted).isEqualTo("MissingParameter");
                assertThat(e.getMessage()).contains(omitted);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(20);
    }
}
