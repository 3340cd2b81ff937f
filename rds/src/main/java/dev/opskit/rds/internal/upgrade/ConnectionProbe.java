package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Secret;
import dev.opskit.rds.internal.jdbc.MysqlUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * Runs {@code SELECT VERSION()} on one endpoint every {@code interval} on a kept connection, and
 * reconnects when it breaks: a restart always breaks the kept connection, so even a restart
 * shorter than the interval is seen. Records the first failure and the first success after it,
 * by the injected clock; the runbook's steps read {@link #seen()} through core's waiter.
 * The password goes to the driver in {@link Properties} only, never into the URL.
 */
public final class ConnectionProbe implements AutoCloseable {
    private final String url;
    private final Properties props = new Properties();
    private final Duration interval;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean stop;
    private Connection connection;

    // Guarded by this.
    private String versionBefore;
    private Instant lostAt;
    private Instant backAt;
    private String lastVersion;
    private Instant lastSuccess;
    private int failures;
    private String lastError;

    public ConnectionProbe(String host, int port, String user, Secret password, Duration interval, Clock clock) {
        this.url = MysqlUrl.of(host, port, "connectTimeout=2000&socketTimeout=5000");
        props.setProperty("user", user);
        props.setProperty("password", password.reveal());
        this.interval = interval;
        this.clock = clock;
        this.thread = new ThreadFactoryBuilder().threadNamePrefix("opskit-upgrade-probe").daemonThreads(true).build()
                .newThread(this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (!stop) {
            probeOnce();
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probeOnce() {
        try {
            if (connection == null) {
                connection = DriverManager.getConnection(url, props);
            }
            String v;
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                v = rs.getString(1);
            }
            Instant now = clock.instant();
            synchronized (this) {
                if (lostAt == null && versionBefore == null) {
                    versionBefore = v;
                }
                if (lostAt != null && backAt == null) {
                    backAt = now;
                }
                lastVersion = v;
                lastSuccess = now;
            }
        } catch (SQLException e) {
            Instant now = clock.instant();
            closeConnection();
            synchronized (this) {
                failures++;
                lastError = e.getMessage();
                // A failure before any success is an unreachable endpoint, not the upgrade's restart.
                if (lostAt == null && lastSuccess != null) {
                    lostAt = now;
                }
            }
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already broken; nothing to release.
            }
            connection = null;
        }
    }

    /** What the probe saw so far. */
    public record Seen(String versionBefore, Instant lostAt, Instant backAt, String lastVersion, Instant lastSuccess,
            int failures, String lastError) {
    }

    public synchronized Seen seen() {
        return new Seen(versionBefore, lostAt, backAt, lastVersion, lastSuccess, failures, lastError);
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
