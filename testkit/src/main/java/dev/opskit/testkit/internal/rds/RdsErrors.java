package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.protocol.AwsError;

/**
 * The RDS error codes this emulator answers with, with the HTTP status the 2014-10-31 model gives
 * each. Every error the RDS service raises goes through here, so that a test can check each code
 * against the model.
 */
final class RdsErrors {
    static final String CLUSTER_NOT_FOUND = "DBClusterNotFoundFault";
    static final String CLUSTER_ALREADY_EXISTS = "DBClusterAlreadyExistsFault";
    static final String INVALID_CLUSTER_STATE = "InvalidDBClusterStateFault";
    static final String INSTANCE_NOT_FOUND = "DBInstanceNotFound";
    static final String INSTANCE_ALREADY_EXISTS = "DBInstanceAlreadyExists";
    static final String INVALID_INSTANCE_STATE = "InvalidDBInstanceState";
    static final String CLUSTER_PG_NOT_FOUND = "DBClusterParameterGroupNotFound";
    static final String PG_NOT_FOUND = "DBParameterGroupNotFound";
    static final String PG_ALREADY_EXISTS = "DBParameterGroupAlreadyExists";
    static final String INVALID_PG_STATE = "InvalidDBParameterGroupState";
    static final String SNAPSHOT_ALREADY_EXISTS = "DBClusterSnapshotAlreadyExistsFault";
    static final String SNAPSHOT_NOT_FOUND = "DBClusterSnapshotNotFoundFault";
    static final String INVALID_PARAMETER_VALUE = "InvalidParameterValue";
    static final String INVALID_PARAMETER_COMBINATION = "InvalidParameterCombination";
    static final String MISSING_PARAMETER = "MissingParameter";
    static final String INVALID_ACTION = "InvalidAction";
    static final String LOG_FILE_NOT_FOUND = "DBLogFileNotFoundFault";

    private RdsErrors() {
    }

    static AwsError notFound(String code, String message) {
        return AwsError.notFound(code, message);
    }

    static AwsError badRequest(String code, String message) {
        return AwsError.badRequest(code, message);
    }

    static AwsError clusterNotFound(String id) {
        return notFound(CLUSTER_NOT_FOUND, "DBCluster " + id + " not found.");
    }

    static AwsError instanceNotFound(String id) {
        return notFound(INSTANCE_NOT_FOUND, "DBInstance " + id + " not found.");
    }

    static AwsError invalidClusterState(String message) {
        return badRequest(INVALID_CLUSTER_STATE, message);
    }

    static AwsError invalidInstanceState(String message) {
        return badRequest(INVALID_INSTANCE_STATE, message);
    }

    static AwsError invalidValue(String message) {
        return badRequest(INVALID_PARAMETER_VALUE, message);
    }

    static AwsError invalidCombination(String message) {
        return badRequest(INVALID_PARAMETER_COMBINATION, message);
    }
}
