package dev.opskit.testkit.internal.db;

import dev.opskit.core.OpsException;
import dev.opskit.core.Secret;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies one server into another while the source keeps accepting writes: users and grants over
 * JDBC, then {@code mariadb-dump --single-transaction --master-data=2} piped into the {@code mariadb}
 * client. The dump's snapshot and the binlog coordinates it prints are taken together, so the copy
 * holds exactly the transactions committed before those coordinates.
 */
final class Cloning {
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema", "sys");
    private static final Set<String> SYSTEM_USERS = Set.of("root", "mariadb.sys", "");
    private static final Pattern CHANGE_MASTER =
            Pattern.compile("CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\\d+)");
    private static final long DUMP_TIMEOUT_MINUTES = 30;

    private Cloning() {
    }

    /** @return the source binlog coordinates the copy is at, or null when the source has binlog off */
    static BinlogCoordinates copy(DbProcess source, DbProcess target, Secret rootPassword) {
        List<String> databases = new ArrayList<>();
        List<String> userStatements = new ArrayList<>();
        try (Connection c = source.rootConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW DATABASES")) {
                while (rs.next()) {
                    if (!SYSTEM_SCHEMAS.contains(rs.getString(1).toLowerCase(java.util.Locale.ROOT))) {
                        databases.add(rs.getString(1));
                    }
                }
            }
            List<String[]> accounts = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT user, host FROM mysql.global_priv ORDER BY user, host")) {
                while (rs.next()) {
                    if (!SYSTEM_USERS.contains(rs.getString(1))) {
                        accounts.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            for (String[] account : accounts) {
                String who = DbProcess.account(account[0], account[1]);
                try (ResultSet rs = s.executeQuery("SHOW CREATE USER " + who)) {
                    while (rs.next()) {
                        userStatements.add(rs.getString(1));
                    }
                }
                try (ResultSet rs = s.executeQuery("SHOW GRANTS FOR " + who)) {
                    while (rs.next()) {
                        userStatements.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(source, target, "reading databases and users of the source", e);
        }
        try (Connection c = target.rootConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            for (String sql : userStatements) {
                s.execute(sql);
            }
            s.execute("FLUSH PRIVILEGES");
        } catch (SQLException e) {
            // the statements hold password hashes, never plain passwords; the message is safe
            throw failure(source, target, "creating users on the copy", e);
        }
        boolean binlog = source.settings().binlogEnabled();
        if (databases.isEmpty()) {
            // Nothing to copy but users: the source's current position is a consistent point.
            return binlog ? source.binlogPosition().orElse(null) : null;
        }
        return dumpInto(source, target, databases, binlog, rootPassword);
    }

    private static BinlogCoordinates dumpInto(DbProcess source, DbProcess target, List<String> databases,
                                              boolean binlog, Secret rootPassword) {
        List<String> dump = new ArrayList<>(List.of(MariaDbBinaries.bin("mariadb-dump").toString(), "--no-defaults",
                "--host=127.0.0.1", "--port=" + source.port(), "--user=root", "--skip-ssl",
                "--single-transaction", "--routines", "--triggers", "--events", "--hex-blob",
                "--max-allowed-packet=64M", "--skip-comments"));
        if (binlog) {
            dump.add("--master-data=2");
        }
        dump.add("--databases");
        dump.addAll(databases);
        List<String> load = List.of(MariaDbBinaries.bin("mariadb").toString(), "--no-defaults", "--host=127.0.0.1",
                "--port=" + target.port(), "--user=root", "--skip-ssl", "--binary-mode", "--max-allowed-packet=64M");
        Path dumpErr = target.dataDir().resolveSibling("clone-dump.err");
        Path loadOut = target.dataDir().resolveSibling("clone-load.log");
        ProcessBuilder dumpBuilder = new ProcessBuilder(dump).redirectError(dumpErr.toFile());
        ProcessBuilder loadBuilder = new ProcessBuilder(load).redirectErrorStream(true).redirectOutput(loadOut.toFile());
        // The password goes through the environment, never the command line (visible in ps).
        dumpBuilder.environment().put("MYSQL_PWD", rootPassword.reveal());
        loadBuilder.environment().put("MYSQL_PWD", rootPassword.reveal());
        Process dumper = null;
        Process loader = null;
        try {
            loader = loadBuilder.start();
            dumper = dumpBuilder.start();
            BinlogCoordinates at;
            try (InputStream in = dumper.getInputStream(); OutputStream out = loader.getOutputStream()) {
                // The copy is not written to the copy's own binlog: a fresh clone's binlog starts empty.
                out.write("SET SESSION sql_log_bin = 0;\n".getBytes(StandardCharsets.US_ASCII));
                at = pipe(in, out, binlog);
            }
            if (!dumper.waitFor(DUMP_TIMEOUT_MINUTES, TimeUnit.MINUTES) || !loader.waitFor(DUMP_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new OpsException("Copying '" + source.name() + "' into '" + target.name() + "' took more than "
                        + DUMP_TIMEOUT_MINUTES + " minutes", target.name(), "creating", null);
            }
            if (dumper.exitValue() != 0) {
                throw new OpsException("mariadb-dump of '" + source.name() + "' failed with exit code "
                        + dumper.exitValue() + ": " + DbProcess.tail(dumpErr, 10), target.name(), "failed", null);
            }
            if (loader.exitValue() != 0) {
                throw new OpsException("Loading the copy of '" + source.name() + "' into '" + target.name()
                        + "' failed with exit code " + loader.exitValue() + ": " + DbProcess.tail(loadOut, 10),
                        target.name(), "failed", null);
            }
            if (binlog && at == null) {
                throw new OpsException("mariadb-dump of '" + source.name() + "' printed no binlog coordinates; "
                        + "check that binary logging is on (SHOW MASTER STATUS)", target.name(), "failed", null);
            }
            Files.deleteIfExists(dumpErr);
            Files.deleteIfExists(loadOut);
            return at;
        } catch (IOException e) {
            throw new OpsException("Copying '" + source.name() + "' into '" + target.name() + "' failed: "
                    + e.getMessage() + "; see " + dumpErr + " and " + loadOut, target.name(), "failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while copying '" + source.name() + "'", e);
        } finally {
            if (dumper != null) {
                dumper.destroyForcibly();
            }
            if (loader != null) {
                loader.destroyForcibly();
            }
        }
    }

    /** Copies the dump to the client, reading the coordinates from the dump's header on the way. */
    private static BinlogCoordinates pipe(InputStream in, OutputStream out, boolean lookForCoordinates) throws IOException {
        BinlogCoordinates at = null;
        if (lookForCoordinates) {
            // The CHANGE MASTER comment comes before any data; scan header lines byte for byte.
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int lines = 0;
            int b;
            while (at == null && lines < 200 && (b = in.read()) != -1) {
                out.write(b);
                if (b == '\n') {
                    lines++;
                    Matcher m = CHANGE_MASTER.matcher(line.toString(StandardCharsets.ISO_8859_1));
                    if (m.find()) {
                        at = new BinlogCoordinates(m.group(1), Long.parseLong(m.group(2)));
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        }
        in.transferTo(out);
        return at;
    }

    private static OpsException failure(DbProcess source, DbProcess target, String what, SQLException e) {
        return new OpsException("Cloning '" + source.name() + "' into '" + target.name() + "' failed while " + what
                + ": " + e.getMessage(), target.name(), "failed", e);
    }
}
