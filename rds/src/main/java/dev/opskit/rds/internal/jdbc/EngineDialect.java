package dev.opskit.rds.internal.jdbc;

import dev.opskit.rds.EngineVersion;
import dev.opskit.rds.ReplicationStatus;

/**
 * How to drive binlog replication on one family of MySQL-compatible servers: which stored
 * procedures to call, which statement shows the replica's status and how its columns are named.
 * Get it from {@link #of(EngineVersion)}.
 *
 * <p>Aurora MySQL 3 and MySQL 8 use the {@code source}/{@code replica} names
 * ({@code mysql.rds_set_external_source}, {@code SHOW REPLICA STATUS},
 * {@code Seconds_Behind_Source}); Aurora MySQL 1 and 2, MySQL 5.7 and MariaDB use the
 * {@code master}/{@code slave} names. {@link ReplicationStatus#fromRow} reads either naming, so
 * a status row can be parsed without knowing the dialect.
 *
 * <pre>{@code
 * EngineDialect d = EngineDialect.of(EngineVersion.parse("8.0.mysql_aurora.3.04.0"));
 * d.setExternalSourceCall();   // CALL mysql.rds_set_external_source(?, ?, ?, ?, ?, ?, ?)
 * d.replicaStatusStatement();  // SHOW REPLICA STATUS
 * }</pre>
 */
public enum EngineDialect {
    /** Aurora MySQL 1 (MySQL 5.6). */
    AURORA_MYSQL_1(false, "SHOW SLAVE STATUS", "SHOW MASTER STATUS", true),
    /** Aurora MySQL 2 (MySQL 5.7). */
    AURORA_MYSQL_2(false, "SHOW SLAVE STATUS", "SHOW MASTER STATUS", true),
    /** Aurora MySQL 3 (MySQL 8.0). */
    AURORA_MYSQL_3(true, "SHOW REPLICA STATUS", "SHOW MASTER STATUS", true),
    /** MySQL 5.7 (RDS for MySQL or self-managed). */
    MYSQL_5_7(false, "SHOW SLAVE STATUS", "SHOW MASTER STATUS", false),
    /** MySQL 8.0. */
    MYSQL_8_0(true, "SHOW REPLICA STATUS", "SHOW MASTER STATUS", false),
    /** MySQL 8.4 and later, where {@code SHOW MASTER STATUS} no longer exists. */
    MYSQL_8_4(true, "SHOW REPLICA STATUS", "SHOW BINARY LOG STATUS", false),
    /** MariaDB (RDS for MariaDB, and the servers behind the testkit's local Aurora clusters). */
    MARIADB(false, "SHOW SLAVE STATUS", "SHOW MASTER STATUS", false);

    private final boolean sourceNames;
    private final String replicaStatus;
    private final String sourceStatus;
    private final boolean aurora;

    EngineDialect(boolean sourceNames, String replicaStatus, String sourceStatus, boolean aurora) {
        this.sourceNames = sourceNames;
        this.replicaStatus = replicaStatus;
        this.sourceStatus = sourceStatus;
        this.aurora = aurora;
    }

    /**
     * @param version a server's or cluster's engine version
     * @return how to talk to a server of that version
     */
    public static EngineDialect of(EngineVersion version) {
        return switch (version.flavor()) {
            case AURORA_MYSQL -> {
                int major = version.auroraMajor().orElse(1);
                yield major <= 1 ? AURORA_MYSQL_1 : major == 2 ? AURORA_MYSQL_2 : AURORA_MYSQL_3;
            }
            case MARIADB -> MARIADB;
            case MYSQL -> version.major() > 8 || (version.major() == 8 && version.minor() >= 4) ? MYSQL_8_4
                    : version.major() == 8 ? MYSQL_8_0 : MYSQL_5_7;
        };
    }

    /** @return whether this is an Aurora MySQL dialect */
    public boolean isAurora() {
        return aurora;
    }

    /** @return true if the server uses the {@code source}/{@code replica} names */
    public boolean usesSourceNames() {
        return sourceNames;
    }

    /**
     * The call that points the replica at its source. Parameters in order: host, port, user,
     * password, binlog file, binlog position, ssl encryption (0 or 1). Bind the password as a
     * parameter so that it never appears in statement text or logs.
     *
     * @return such as {@code CALL mysql.rds_set_external_master(?, ?, ?, ?, ?, ?, ?)}
     */
    public String setExternalSourceCall() {
        return "CALL mysql.rds_set_external_" + sourceWord() + "(?, ?, ?, ?, ?, ?, ?)";
    }

    /** @return the call that removes the replication source, such as {@code CALL mysql.rds_reset_external_master} */
    public String resetExternalSourceCall() {
        return "CALL mysql.rds_reset_external_" + sourceWord();
    }

    /** @return {@code CALL mysql.rds_start_replication} */
    public String startReplicationCall() {
        return "CALL mysql.rds_start_replication";
    }

    /** @return {@code CALL mysql.rds_stop_replication} */
    public String stopReplicationCall() {
        return "CALL mysql.rds_stop_replication";
    }

    /** @return {@code CALL mysql.rds_skip_repl_error}, which skips the one event that failed */
    public String skipReplicationErrorCall() {
        return "CALL mysql.rds_skip_repl_error";
    }

    /** @return the call that sets binlog retention; its parameter is the number of hours */
    public String setBinlogRetentionCall() {
        return "CALL mysql.rds_set_configuration('binlog retention hours', ?)";
    }

    /** @return the statement that shows the replica's status: {@code SHOW SLAVE STATUS} or {@code SHOW REPLICA STATUS} */
    public String replicaStatusStatement() {
        return replicaStatus;
    }

    /** @return the statement that shows the server's own binlog position: {@code SHOW MASTER STATUS} or {@code SHOW BINARY LOG STATUS} */
    public String sourceStatusStatement() {
        return sourceStatus;
    }

    /** @return {@code Seconds_Behind_Source} or {@code Seconds_Behind_Master} */
    public String secondsBehindColumn() {
        return "Seconds_Behind_" + (sourceNames ? "Source" : "Master");
    }

    /** @return {@code Replica_IO_Running} or {@code Slave_IO_Running} */
    public String ioRunningColumn() {
        return (sourceNames ? "Replica" : "Slave") + "_IO_Running";
    }

    /** @return {@code Replica_SQL_Running} or {@code Slave_SQL_Running} */
    public String sqlRunningColumn() {
        return (sourceNames ? "Replica" : "Slave") + "_SQL_Running";
    }

    /** @return {@code Relay_Source_Log_File} or {@code Relay_Master_Log_File}: the source file of the executed position */
    public String executedFileColumn() {
        return "Relay_" + (sourceNames ? "Source" : "Master") + "_Log_File";
    }

    /** @return {@code Exec_Source_Log_Pos} or {@code Exec_Master_Log_Pos} */
    public String executedPositionColumn() {
        return "Exec_" + (sourceNames ? "Source" : "Master") + "_Log_Pos";
    }

    private String sourceWord() {
        return sourceNames ? "source" : "master";
    }
}
