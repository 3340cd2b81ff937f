package dev.opskit.testkit.internal.db;

import dev.opskit.core.OpsException;
import dev.opskit.core.Secret;
import dev.opskit.core.WrongStateException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DbServer} backed by one {@code mariadbd} process that this JVM launched. The process
 * runs from the unpacked MariaDB binaries with a data directory copied from a template, listens on
 * 127.0.0.1 only, and is administered over JDBC as root with a per-run random password.
 */
final class DbProcess implements DbServer {
    private static final Logger LOG = LoggerFactory.getLogger(DbProcess.class);
    private static final long START_TIMEOUT_MILLIS = 60_000;
    private static final long STOP_TIMEOUT_MILLIS = 30_000;

    /**
     * performance_schema is on only so that mysql.rds_skip_repl_error can read the SQL thread's last
     * error (replication_applier_status_by_coordinator); everything it would size is zero, which keeps
     * start time and memory close to running without it (measured: +20 ms, +18 MB instead of +60 ms, +95 MB).
     */
    private static final List<String> PERFORMANCE_SCHEMA = List.of(
            "--performance-schema=ON", "--performance-schema-instrument=%=OFF",
            "--performance-schema-max-statement-stack=1",
            "--performance-schema-max-digest-length=0",
            "--performance-schema-digests-size=0",
            "--performance-schema-events-statements-history-long-size=0",
            "--performance-schema-events-statements-history-size=0",
            "--performance-schema-events-waits-history-long-size=0",
            "--performance-schema-events-waits-history-size=0",
            "--performance-schema-events-stages-history-long-size=0",
            "--performance-schema-events-stages-history-size=0",
            "--performance-schema-events-transactions-history-long-size=0",
            "--performance-schema-events-transactions-history-size=0",
            "--performance-schema-max-table-instances=0",
            "--performance-schema-max-table-handles=0",
            "--performance-schema-max-file-instances=0",
            "--performance-schema-max-mutex-instances=0",
            "--performance-schema-max-rwlock-instances=0",
            "--performance-schema-max-cond-instances=0",
            "--performance-schema-max-socket-instances=0",
            "--performance-schema-accounts-size=0",
            "--performance-schema-hosts-size=0",
            "--performance-schema-users-size=0",
            "--performance-schema-max-memory-classes=0",
            "--performance-schema-max-sql-text-length=0",
            "--performance-schema-session-connect-attrs-size=0",
            "--performance-schema-max-prepared-statements-instances=0",
            "--performance-schema-max-program-instances=0",
            "--performance-schema-max-metadata-locks=0",
            "--performance-schema-setup-actors-size=0",
            "--performance-schema-setup-objects-size=0",
            "--performance-schema-max-index-stat=0",
            "--performance-schema-max-table-lock-stat=0");

    private final DbServers owner;
    private final String name;
    private final Path dir;
    private final String masterUsername;
    private volatile BinlogCoordinates clonedAt;
    private volatile DbSettings settings;
    private volatile int port;
    private volatile Process process;
    private boolean initialized;
    private boolean destroyed;

    DbProcess(DbServers owner, String name, Path dir, DbSettings settings, String masterUsername) {
        this.owner = owner;
        this.name = name;
        this.dir = dir;
        this.settings = settings;
        this.masterUsername = masterUsername;
    }

    void clonedAt(BinlogCoordinates coordinates) {
        this.clonedAt = coordinates;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String masterUsername() {
        return masterUsername;
    }

    @Override
    public DbSettings settings() {
        return settings;
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    Path pidFile() {
        return dir.resolve("mariadbd.pid");
    }

    Path errorLog() {
        return dir.resolve("error.log");
    }

    /** Temporary tables and files; the shared /tmp is cleaned by other tools while servers run. */
    Path tmpDir() {
        return dir.resolve("tmp");
    }

    @Override
    public synchronized void restart(DbSettings newSettings) {
        checkNotDestroyed();
        owner.checkServerIdFree(this, newSettings.serverId());
        stop();
        settings = newSettings;
        start();
    }

    @Override
    public synchronized void start() {
        checkNotDestroyed();
        if (isRunning()) {
            return;
        }
        long began = System.nanoTime();
        boolean firstStart = port == 0;
        for (int attempt = 1; ; attempt++) {
            if (port == 0) {
                port = freePort();
            }
            try {
                launch();
                break;
            } catch (PortTakenException e) {
                // Another process took the port between choosing and binding; only a first start may move.
                if (!firstStart || attempt >= 3) {
                    throw new WrongStateException(name, "stopped", "Database server '" + name + "' cannot listen on port "
                            + port + ": it is in use by another process; stop that process and start again");
                }
                port = 0;
            }
        }
        long ready = System.nanoTime();
        try (Connection c = rootConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION sql_log_bin = 0");
                if (!initialized) {
                    initialize(s);
                }
                for (String sql : RdsProcedures.statements(settings)) {
                    s.execute(sql);
                }
            }
        } catch (SQLException e) {
            stopQuietly();
            throw new OpsException("Database server '" + name + "' started but could not be set up: " + e.getMessage()
                    + "; see " + errorLog(), name, "failed", e);
        }
        LOG.debug("database server '{}' ({} on port {}) started in {} ms (set-up {} ms)", name,
                settings.reportedVersion(), port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ready));
    }

    /** Once per data directory: secures root and creates the master user (not for a clone, which has its users). */
    private void initialize(Statement s) throws SQLException {
        Secret rootPassword = owner.rootPassword();
        // The template holds root accounts for this host's name and ::1; only loopback root is kept, with a password.
        List<String> drop = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT user, host FROM mysql.global_priv WHERE user = 'root' "
                + "AND host NOT IN ('localhost', '127.0.0.1') UNION SELECT user, host FROM mysql.global_priv WHERE user = ''")) {
            while (rs.next()) {
                drop.add("DROP USER " + account(rs.getString(1), rs.getString(2)));
            }
        }
        for (String sql : drop) {
            s.execute(sql);
        }
        s.execute("DELETE FROM mysql.proxies_priv WHERE host NOT IN ('localhost', '127.0.0.1')");
        s.execute("FLUSH PRIVILEGES");
        s.execute("ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY " + quote(rootPassword.reveal()));
        s.execute("ALTER USER 'root'@'localhost' IDENTIFIED BY " + quote(rootPassword.reveal()));
        initialized = true;
    }

    void createMasterUser(String user, Secret password) {
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("CREATE USER " + account(user, "%") + " IDENTIFIED BY " + quote(password.reveal()));
            s.execute("GRANT ALL PRIVILEGES ON *.* TO " + account(user, "%") + " WITH GRANT OPTION");
        } catch (SQLException e) {
            throw new OpsException("Could not create master user '" + user + "' on database server '" + name + "': "
                    + e.getMessage(), name, "available", e);
        }
    }

    private void launch() {
        try {
            Files.createDirectories(tmpDir());
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long logOffset = sizeOf(errorLog());
        Process p;
        try {
            p = new ProcessBuilder(command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
        } catch (IOException e) {
            throw new OpsException("Could not launch mariadbd for database server '" + name + "': " + e.getMessage(), e);
        }
        process = p;
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (true) {
            if (!p.isAlive()) {
                process = null;
                String log = tailFrom(errorLog(), logOffset, 15);
                if (log.contains("Address already in use") || log.contains("Can't start server: Bind on TCP/IP port")) {
                    throw new PortTakenException();
                }
                throw new WrongStateException(name, "failed", "Database server '" + name + "' exited with code "
                        + p.exitValue() + " while starting; its log says:\n" + log + "\n(full log: " + errorLog() + ")");
            }
            if (System.currentTimeMillis() > deadline) {
                stopQuietly();
                throw new WrongStateException(name, "starting", "Database server '" + name + "' did not accept "
                        + "connections within " + START_TIMEOUT_MILLIS / 1000 + " s; see " + errorLog());
            }
            try (Connection c = rootConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                sleep(20);
            }
        }
    }

    private List<String> command() {
        DbSettings s = settings;
        Path home = MariaDbBinaries.home();
        List<String> cmd = new ArrayList<>(List.of(
                home.resolve("bin/mariadbd").toString(),
                "--no-defaults",
                "--basedir=" + home,
                "--datadir=" + dataDir(),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + socketPath(),
                "--pid-file=" + pidFile(),
                "--log-error=" + errorLog(),
                "--tmpdir=" + tmpDir(),
                "--skip-ssl",
                "--skip-name-resolve",
                "--server-id=" + s.serverId(),
                "--version=" + s.reportedVersion(),
                "--report-host=127.0.0.1",
                "--report-port=" + port,
                "--relay-log=" + dataDir().resolve("relay-bin"),
                // MariaDB turns a replicated CREATE into CREATE OR REPLACE by default; MySQL fails. Be MySQL.
                "--slave-ddl-exec-mode=STRICT",
                "--log-bin-trust-function-creators=1",
                "--sync-binlog=0",
                "--max-connections=300",
                "--max-allowed-packet=64M",
                "--open-files-limit=4096",
                "--table-open-cache=400",
                "--event-scheduler=OFF"));
        cmd.addAll(PERFORMANCE_SCHEMA);
        if (runningAsRoot()) {
            cmd.add("--user=root");
        }
        if (s.binlogEnabled()) {
            cmd.add("--log-bin=" + dataDir().resolve("mysql-bin-changelog"));
            cmd.add("--binlog-format=" + s.binlogFormat());
            cmd.add("--log-slave-updates");
        } else {
            cmd.add("--skip-log-bin");
        }
        cmd.addAll(MariaDbBinaries.INNODB_OPTIONS);
        return cmd;
    }

    private Path socketPath() {
        Path inDir = dir.resolve("mysqld.sock");
        // A unix socket path has at most 107 bytes; fall back to /tmp for deep base directories.
        return inDir.toString().length() < 100 ? inDir
                : Path.of("/tmp", "opskit-" + ProcessHandle.current().pid() + "-" + name.hashCode() + ".sock");
    }

    @Override
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            p.destroy(); // SIGTERM: mariadbd shuts down cleanly
            try {
                if (!p.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("database server '{}' did not stop within {} s; killing it", name, STOP_TIMEOUT_MILLIS / 1000);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        process = null;
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("could not stop database server '{}': {}", name, e.toString());
        }
    }

    /** Kills the process without a clean shutdown; used when the JVM exits. */
    void kill() {
        Process p = process; // no lock: a thread may hold it while waiting on this very process
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void destroy() {
        if (destroyed) {
            return;
        }
        stop();
        destroyed = true;
        try {
            MariaDbBinaries.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("could not delete the data of database server '{}' at {}: {}", name, dir, e.toString());
        }
        owner.forget(this);
    }

    @Override
    public Optional<BinlogCoordinates> clonedAt() {
        return Optional.ofNullable(clonedAt);
    }

    @Override
    public Optional<BinlogCoordinates> binlogPosition() {
        checkRunning("read the binlog position");
        try (Connection c = rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            return rs.next() ? Optional.of(new BinlogCoordinates(rs.getString(1), rs.getLong(2))) : Optional.empty();
        } catch (SQLException e) {
            throw new OpsException("Could not read SHOW MASTER STATUS of database server '" + name + "': "
                    + e.getMessage(), name, "available", e);
        }
    }

    /** A new JDBC connection as root; only for the testkit's own administration. */
    Connection rootConnection() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "root");
        if (initialized) {
            p.setProperty("password", owner.rootPassword().reveal());
        }
        p.setProperty("sslMode", "DISABLED");
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("connectTimeout", "2000");
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", p);
    }

    void checkRunning(String action) {
        if (!isRunning()) {
            throw new WrongStateException(name, destroyed ? "deleted" : "stopped", "Cannot " + action
                    + " of database server '" + name + "': it is " + (destroyed ? "deleted" : "stopped")
                    + "; start it first");
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new WrongStateException(name, "deleted", "Database server '" + name + "' was destroyed; "
                    + "create a new one with DbServers.start or cloneOf");
        }
    }

    boolean destroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "DbServer[" + name + ", 127.0.0.1:" + port + ", " + settings.engineVersion()
                + (settings.binlogEnabled() ? ", binlog " + settings.binlogFormat() : ", binlog off") + "]";
    }

    static String account(String user, String host) {
        return quote(user) + "@" + quote(host);
    }

    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on 127.0.0.1", e);
        }
    }

    static String tail(Path file, int lines) {
        return tailFrom(file, 0, lines);
    }

    private static String tailFrom(Path file, long offset, int lines) {
        try {
            byte[] all = Files.readAllBytes(file);
            String text = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    StandardCharsets.UTF_8);
            List<String> l = text.lines().toList();
            return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while waiting for a database server", e);
        }
    }

    /** The chosen port was taken before mariadbd could bind it. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException() {
            super(null, null, false, false);
        }
    }
}
