package dev.opskit.testkit.internal.db;

import java.nio.file.Path;

/** Starts one server and waits to be killed; {@link DbServersCleanupIT} kills this JVM with SIGKILL. */
public final class OrphanedRunMain {
    private OrphanedRunMain() {
    }

    public static void main(String[] args) throws Exception {
        DbServers servers = new DbServers(Path.of(args[0]));
        DbServer db = servers.start("orphan", new DbSettings("aurora-mysql", "5.7.mysql_aurora.2.11.2", "ROW", 1),
                "admin", "admin-pass");
        System.out.println("PORT " + db.port());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
