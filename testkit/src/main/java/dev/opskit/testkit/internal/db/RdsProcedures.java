package dev.opskit.testkit.internal.db;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL that creates Aurora's {@code mysql.rds_*} stored procedures on a MariaDB server, for one
 * Aurora MySQL major version. They run {@code SQL SECURITY DEFINER} as root, so the master user can
 * call them, do the real thing with MariaDB replication, and answer as RDS's own do: the same
 * one-row {@code Message} result sets (a lower-case {@code message} for the reset), the same
 * errors ({@code SQLSTATE 45000}) for a replica that is not configured, and no result set where
 * RDS prints only "Query OK".
 *
 * <table>
 *   <caption>What each procedure answers</caption>
 *   <tr><th>procedure</th><th>answer</th></tr>
 *   <tr><td>{@code rds_set_external_master} (1, 2) / {@code rds_set_external_source} (3)</td><td>none</td></tr>
 *   <tr><td>{@code rds_start_replication}</td><td>{@code Message}: "Slave running normally."</td></tr>
 *   <tr><td>{@code rds_stop_replication}</td><td>{@code Message}: "Slave is down or disabled"</td></tr>
 *   <tr><td>{@code rds_reset_external_master} / {@code _source}</td><td>{@code message}: "Slave has been reset"</td></tr>
 *   <tr><td>{@code rds_skip_repl_error}</td><td>{@code Message}: "Statement in error has been skipped", then
 *       "Slave is now running normally"; with no error to skip, "Slave is running normally.  No errors
 *       detected to skip."</td></tr>
 *   <tr><td>{@code rds_set_configuration}</td><td>none</td></tr>
 *   <tr><td>{@code rds_show_configuration}</td><td>{@code name}, {@code value}, {@code description}</td></tr>
 *   <tr><td>{@code rds_kill}, {@code rds_kill_query}</td><td>none</td></tr>
 * </table>
 *
 * <p>Differences from Aurora, on purpose: only these procedures exist (and two helpers of theirs,
 * {@code mysql.opskit_require_replica} and {@code mysql.opskit_await_replication});
 * {@code 'binlog retention hours'} is validated and stored but binary logs are not purged by age
 * (a local run never lives that long); RDS waits a fixed second or two inside start, stop and
 * skip, LocalAws only until the threads run (two seconds at most, as long as RDS sleeps in a
 * skip); a replication thread that fails at once after a start or a skip is reported in the
 * {@code Message} row ("Slave has encountered an error. Run SHOW SLAVE STATUS\G; to see the
 * error."), where RDS raises that text as an error.
 */
final class RdsProcedures {
    // CREATE OR REPLACE: procedures persist in the data directory across restarts, and replacing
    // them in place (rather than drop, then create) leaves no moment after a reboot in which a
    // client that connects early finds them missing; real Aurora never loses them.
    private static final String DEFINER = "CREATE OR REPLACE DEFINER=`root`@`localhost` PROCEDURE ";
    /** The coordinator row exists once a source is configured; SERVICE_STATE is the SQL thread's. */
    private static final String COORDINATOR = "performance_schema.replication_applier_status_by_coordinator"
            + " WHERE CHANNEL_NAME = ''";
    /** MariaDB's {@code Slave_running}: ON while both the IO and the SQL thread run. */
    private static final String SLAVE_RUNNING = "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
            + " WHERE VARIABLE_NAME = 'SLAVE_RUNNING') = 'ON'";
    private static final String ENCOUNTERED_ERROR =
            "Slave has encountered an error. Run SHOW SLAVE STATUS\\\\G; to see the error.";

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
        // The check every replication procedure starts with: RDS's error for a replica without a source.
        sql.add(DEFINER + "mysql.opskit_require_replica(IN verb VARCHAR(100))\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  DECLARE msg VARCHAR(300);\n"
                + "  IF NOT EXISTS (SELECT 1 FROM " + COORDINATOR + ") THEN\n"
                + "    SET msg = CONCAT('You can''t ', verb, ' because the replica isn''t configured. First call mysql."
                + setExternal + ".');\n"
                + "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;\n"
                + "  END IF;\n"
                + "END");
        // Waits (10 ms at a time, two seconds at most) until both threads run or the SQL thread has
        // stopped on an error; says whether they run.
        sql.add(DEFINER + "mysql.opskit_await_replication(OUT running BOOLEAN)\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  DECLARE tries INT DEFAULT 0;\n"
                + "  SET running = " + SLAVE_RUNNING + ";\n"
                + "  WHILE NOT running AND tries < 200 AND NOT EXISTS (SELECT 1 FROM " + COORDINATOR
                + " AND SERVICE_STATE = 'OFF' AND LAST_ERROR_NUMBER <> 0) DO\n"
                + "    DO SLEEP(0.01);\n"
                + "    SET tries = tries + 1;\n"
                + "    SET running = " + SLAVE_RUNNING + ";\n"
                + "  END WHILE;\n"
                + "END");

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
                + "  SELECT 'Slave has been reset' AS message;\n"
                + "END");
        sql.add(DEFINER + "mysql.rds_start_replication()\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  DECLARE running BOOLEAN;\n"
                + "  CALL mysql.opskit_require_replica('start replication');\n"
                + "  START SLAVE;\n"
                + "  CALL mysql.opskit_await_replication(running);\n"
                + "  SELECT IF(running, 'Slave running normally.', '" + ENCOUNTERED_ERROR + "') AS Message;\n"
                + "END");
        sql.add(DEFINER + "mysql.rds_stop_replication()\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  CALL mysql.opskit_require_replica('stop replication');\n"
                + "  STOP SLAVE;\n"
                + "  SELECT 'Slave is down or disabled' AS Message;\n"
                + "END");
        // Skips exactly one event, and only when the SQL thread stopped on an error, as RDS does;
        // the coordinator table of performance_schema is the SQL-readable Last_SQL_Errno.
        sql.add(DEFINER + "mysql.rds_skip_repl_error()\n"
                + "SQL SECURITY DEFINER\n"
                + "BEGIN\n"
                + "  DECLARE err INT DEFAULT 0;\n"
                + "  DECLARE state VARCHAR(16) DEFAULT NULL;\n"
                + "  DECLARE running BOOLEAN;\n"
                + "  CALL mysql.opskit_require_replica('skip a replication error');\n"
                + "  SELECT LAST_ERROR_NUMBER, SERVICE_STATE INTO err, state FROM " + COORDINATOR + " LIMIT 1;\n"
                + "  IF state = 'ON' THEN\n"
                + "    SELECT 'Slave is running normally.  No errors detected to skip.' AS Message;\n"
                + "  ELSEIF IFNULL(err, 0) = 0 THEN\n"
                + "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave is down or disabled.';\n"
                + "  ELSE\n"
                + "    STOP SLAVE;\n"
                + "    SET GLOBAL sql_slave_skip_counter = 1;\n"
                + "    START SLAVE;\n"
                + "    SELECT 'Statement in error has been skipped' AS Message;\n"
                + "    CALL mysql.opskit_await_replication(running);\n"
                + "    SELECT IF(running, 'Slave is now running normally', 'Slave has encountered a new error. Please use"
                + " SHOW SLAVE STATUS to see the error.') AS Message;\n"
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
        // The master user cannot KILL other users' sessions on RDS; these do it for them.
        for (String kill : List.of("rds_kill:KILL", "rds_kill_query:KILL QUERY")) {
            String[] nameAndStatement = kill.split(":");
            sql.add(DEFINER + "mysql." + nameAndStatement[0] + "(IN thread BIGINT)\n"
                    + "SQL SECURITY DEFINER\n"
                    + "BEGIN\n"
                    + "  PREPARE opskit_kill FROM CONCAT('" + nameAndStatement[1] + " ', thread);\n"
                    + "  EXECUTE opskit_kill;\n"
                    + "  DEALLOCATE PREPARE opskit_kill;\n"
                    + "END");
        }
        return List.copyOf(sql);
    }
}
