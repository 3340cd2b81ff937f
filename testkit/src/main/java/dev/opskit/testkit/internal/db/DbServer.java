package dev.opskit.testkit.internal.db;

import java.util.Optional;

/**
 * One local database server (a real MariaDB process) that stands in for an Aurora MySQL cluster's
 * writer. Created by {@link DbServers#start} or {@link DbServers#cloneOf}. Connect with
 * mysql-connector-j to {@link #jdbcUrl()} as the master user.
 *
 * <pre>{@code
 * DbServer db = servers.start("orders", settings, "admin", "secret-pw");
 * try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "admin", "secret-pw")) { ... }
 * }</pre>
 */
public interface DbServer {
    /** @return the name given at creation, unique within its {@link DbServers} */
    String name();

    /** @return always {@code 127.0.0.1}: servers listen on loopback only */
    default String host() {
        return "127.0.0.1";
    }

    /** @return the TCP port; stays the same across restarts */
    int port();

    /** @return {@code jdbc:mysql://127.0.0.1:<port>/} with SSL off (the servers run without TLS) */
    default String jdbcUrl() {
        return "jdbc:mysql://" + host() + ":" + port() + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true";
    }

    /** @return the master user name given at creation (for a clone: the source's) */
    String masterUsername();

    /** @return the settings it runs with now */
    DbSettings settings();

    /** @return whether the server process runs and accepts connections */
    boolean isRunning();

    /**
     * Stops the server and starts it again with new settings (binlog on/off/format, reported
     * version, engine), keeping data, users and port. Open connections drop. Blocking. The
     * {@code mysql.rds_*} procedures are recreated for the new engine version.
     *
     * @param newSettings the settings to run with
     */
    void restart(DbSettings newSettings);

    /** Stops the server (a clean shutdown); does nothing if it is stopped. Blocking. */
    void stop();

    /** Starts a stopped server with its current settings; does nothing if it runs. Blocking. */
    void start();

    /**
     * @return for a clone, the source's binlog coordinates the copy is consistent with: every
     *     transaction committed on the source before them is in the copy, none after. Empty when
     *     this server is not a clone or the source had binary logging off.
     */
    Optional<BinlogCoordinates> clonedAt();

    /** @return {@code SHOW MASTER STATUS} of this server; empty when binary logging is off */
    Optional<BinlogCoordinates> binlogPosition();

    /** Stops the server and deletes its data. Idempotent. */
    void destroy();
}
