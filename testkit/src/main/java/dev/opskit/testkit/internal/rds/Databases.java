package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbServers;
import dev.opskit.testkit.internal.db.DbSettings;

/**
 * What the RDS control plane needs from the data plane: start a server for a new cluster, or copy
 * one for a clone. {@link DbServers} in LocalAws; a fake in unit tests, so that the state machine
 * can be tested without database processes.
 */
interface Databases {
    DbServer start(String name, DbSettings settings, String masterUser, String masterPassword);

    DbServer cloneOf(DbServer source, String name, DbSettings settings);

    static Databases of(DbServers servers) {
        return new Databases() {
            @Override
            public DbServer start(String name, DbSettings settings, String masterUser, String masterPassword) {
                return servers.start(name, settings, masterUser, masterPassword);
            }

            @Override
            public DbServer cloneOf(DbServer source, String name, DbSettings settings) {
                return servers.cloneOf(source, name, settings);
            }
        };
    }
}
