package dev.opskit.testkit.internal.db;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL that creates Aurora's {@code mysql.rds_*} stored procedures on a MariaDB server, for one
 * Aurora MySQL major version. They run {@code SQL SECURITY DEFINER} as root, so the master user can
 * call them, and do the real thing with MariaDB replication.
 *
 * <p>Differences from Aurora, on purpose: only the procedures opskit's runbooks use exist;
 * {@code 'binlog retention hours'} is validated and stored but binary logs are not purged by age
 * (a local run never lives that long); messages follow RDS where known.
 */
final class RdsProcedures {
    // CREATE OR REPLACE: procedures persist in the data directory across restarts, and replacing
    // them in place (rather than drop, then create) leaves no moment after a reboot in which a
    // client that connects early finds them missing; real Aurora never loses them.
    private static final String DEFINER = "CREATE OR REPLACE DEFINER=`root`@`localhost` PROCEDURE ";

    private RdsProcedures() {
    }

    /** Statements to run, each on its own, with {@code sql_log_bin=0}, at every server start. */
    static List<String> statements(DbSettings settings) {
        boolean source = settings.majorAuroraVersion() >= 3;
        String setExternal = source ? "rds_set_external_source" : "rds_set_external_master";
        String resetExternal = source ? "rds_reset_external_source" : "rds_reset_external_master";
        int maxHours = settings.maxBinlogRetentionHours();
        List<String> sql = new ArrayList<>();
        // Only the other generation's names go: Aurora MySQL 3 has no *_master procedures, 1 and 2
        // no *_source ones (an upgrade from 2 to 3 switches them).
        for (String name : source ? List.of("rds_set_external_master", "rds_reset_external_master")
                : List.of("rds_set_external_source", "rds_reset_external_source")) {
            sql.add("DROP PROCEDURE IF EXISTS mysql." + name);
        }
        sql.add("CREATE TABLE IF NOT EXISTS mysql.rds_configuration ("
                + " name VARCHAR(100) NOT NULL PRIMARY KEY,"
                + " value VARCHAR(100) NULL,"
                + " description VARCHAR(300) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        sql.add("INSERT IGNORE INTO mysql.rds_configuration (name, value, description) VALUES "
                + "('binlog retention hours', NULL, 'binlog retention hours specifies the duration in hours before binary logs are automatically deleted.'),"
                + "('source delay', '0', 'source delay specifies replication delay in seconds between current instance and its master.'),"
                + "('target delay', '0', 'target delay specifies replication delay in seconds between current instance and its future read-replica.')");

        // CHANGE MASTER TO is not allowed directly in a stored procedure; PREPARE/EXECUTE is.
        // MariaDB 11 defaults to MASTER_SSL=1, which fails against servers without TLS: set it explicitly.
        sql.add(DEFINER + "mysql." + setExternal + "(IN host_name VARCHAR(255), IN host_port INT,"
                + " IN replication_user_name VARCHAR(255), IN replication_user_password VARCHAR(255),"
                + " IN mysql_binary_log_file_name VARCHAR(255), IN mysql_binary_log_file_location BIGINT,"
                + " IN ssl_encryption INT)\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  IF host_name IS NULL OR host_port IS NULL OR replication_user_name IS NULL\n"
                + "     OR mysql_binary_log_file_name IS NULL OR mysql_binary_log_file_location IS NULL THEN\n"
                + "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'host_name, host_port, replication_user_name,"
                + " mysql_binary_log_file_name and mysql_binary_log_file_location must not be NULL';\n"
                + "  END IF;\n"
                + "  PREPARE opskit_change FROM CONCAT('CHANGE MASTER TO MASTER_HOST=', QUOTE(host_name),\n"
                + "    ', MASTER_PORT=', host_port, ', MASTER_USER=', QUOTE(replication_user_name),\n"
                + "    ', MASTER_PASSWORD=', QUOTE(IFNULL(replication_user_password, '')),\n"
                + "    ', MASTER_LOG_FILE=', QUOTE(mysql_binary_log_file_name),\n"
                + "    ', MASTER_LOG_POS=', mysql_binary_log_file_location,\n"
                + "    ', MASTER_SSL=', IF(IFNULL(ssl_encryption, 0) = 1, 1, 0),\n"
                + "    ', MASTER_SSL_VERIFY_SERVER_CERT=0, MASTER_USE_GTID=no, MASTER_CONNECT_RETRY=1');\n"
                + "  EXECUTE opskit_change;\n"
                + "  DEALLOCATE PREPARE opskit_change;\n"
                + "END");
        sql.add(DEFINER + "mysql." + resetExternal + "()\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  STOP SLAVE;\n"
                + "  RESET SLAVE ALL;\n"
                + "END");
        sql.add(DEFINER + "mysql.rds_start_replication()\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  START SLAVE;\n"
                + "END");
        sql.add(DEFINER + "mysql.rds_stop_replication()\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  STOP SLAVE;\n"
                + "END");
        // Skips exactly one event, and only when the SQL thread stopped on an error, as RDS does;
        // the coordinator table of performance_schema is the SQL-readable Last_SQL_Errno.
        sql.add(DEFINER + "mysql.rds_skip_repl_error()\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  DECLARE err INT DEFAULT 0;\n"
                + "  DECLARE state VARCHAR(16) DEFAULT NULL;\n"
                + "  SELECT LAST_ERROR_NUMBER, SERVICE_STATE INTO err, state\n"
                + "    FROM performance_schema.replication_applier_status_by_coordinator WHERE CHANNEL_NAME = '' LIMIT 1;\n"
                + "  IF state IS NULL THEN\n"
                + "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Replication is not configured on this instance;"
                + " nothing to skip';\n"
                + "  ELSEIF state = 'ON' OR IFNULL(err, 0) = 0 THEN\n"
                + "    SELECT 'Slave is running normally.  No errors to skip.' AS Message;\n"
                + "  ELSE\n"
                + "    STOP SLAVE;\n"
                + "    SET GLOBAL sql_slave_skip_counter = 1;\n"
                + "    START SLAVE;\n"
                + "    SELECT 'Statement in error has been skipped' AS Message;\n"
                + "  END IF;\n"
                + "END");
        sql.add(DEFINER + "mysql.rds_set_configuration(IN name VARCHAR(100), IN value VARCHAR(100))\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  DECLARE msg VARCHAR(300);\n"
                + "  IF name = 'binlog retention hours' THEN\n"
                + "    IF value IS NOT NULL AND (value NOT REGEXP '^[0-9]+$' OR CAST(value AS UNSIGNED) < 1"
                + " OR CAST(value AS UNSIGNED) > " + maxHours + ") THEN\n"
                + "      SET msg = 'For binlog retention hours the value must be between 1 and " + maxHours
                + " inclusive or be NULL';\n"
                + "      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;\n"
                + "    END IF;\n"
                + "  ELSEIF name IN ('source delay', 'target delay') THEN\n"
                + "    IF value IS NULL OR value NOT REGEXP '^[0-9]+$' OR CAST(value AS UNSIGNED) > 86400 THEN\n"
                + "      SET msg = CONCAT('For ', name, ' the value must be between 0 and 86400 inclusive');\n"
                + "      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;\n"
                + "    END IF;\n"
                + "  ELSE\n"
                + "    SET msg = CONCAT('Unknown configuration name ''', IFNULL(name, 'NULL'),"
                + " '''; use binlog retention hours, source delay or target delay');\n"
                + "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;\n"
                + "  END IF;\n"
                + "  UPDATE mysql.rds_configuration c SET c.value = value WHERE c.name = name;\n"
                + "END");
        sql.add(DEFINER + "mysql.rds_show_configuration()\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  SELECT c.name, c.value, c.description FROM mysql.rds_configuration c ORDER BY c.name;\n"
                + "END");
        return List.copyOf(sql);
    }
}
