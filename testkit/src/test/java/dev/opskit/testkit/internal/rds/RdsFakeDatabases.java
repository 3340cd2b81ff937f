package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.db.BinlogCoordinates;
import dev.opskit.testkit.internal.db.DbServer;
import dev.opskit.testkit.internal.db.DbSettings;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A data plane without processes: records what the control plane asks of it. */
final class RdsFakeDatabases implements Databases {
    final List<FakeServer> started = new CopyOnWriteArrayList<>();
    final List<String> passwords = new CopyOnWriteArrayList<>();
    private final AtomicInteger ports = new AtomicInteger(33060);
    /** How long each start, copy and restart takes, as real servers take time. */
    volatile long workMillis;

    private void work() {
        try {
            Thread.sleep(workMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public DbServer start(String name, DbSettings settings, String masterUser, String masterPassword) {
        passwords.add(masterPassword);
        work();
        FakeServer s = new FakeServer(this, name, ports.incrementAndGet(), settings, masterUser, null);
        started.add(s);
        return s;
    }

    @Override
    public DbServer cloneOf(DbServer source, String name, DbSettings settings) {
        work();
        FakeServer s = new FakeServer(this, name, ports.incrementAndGet(), settings, source.masterUsername(),
                source.binlogPosition().orElse(null));
        s.cloneSource = (FakeServer) source;
        started.add(s);
        return s;
    }

    static final class FakeServer implements DbServer {
        final String name;
        final int port;
        final String masterUser;
        final BinlogCoordinates clonedAt;
        final List<DbSettings> restarts = new CopyOnWriteArrayList<>();
        volatile DbSettings settings;
        volatile boolean running = true;
        volatile boolean destroyed;
        volatile FakeServer cloneSource;

        private final RdsFakeDatabases owner;

        FakeServer(RdsFakeDatabases owner, String name, int port, DbSettings settings, String masterUser,
                BinlogCoordinates clonedAt) {
            this.owner = owner;
            this.name = name;
            this.port = port;
            this.settings = settings;
            this.masterUser = masterUser;
            this.clonedAt = clonedAt;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public String masterUsername() {
            return masterUser;
        }

        @Override
        public DbSettings settings() {
            return settings;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public void restart(DbSettings newSettings) {
            owner.work();
            restarts.add(newSettings);
            settings = newSettings;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public Optional<BinlogCoordinates> clonedAt() {
            return Optional.ofNullable(clonedAt);
        }

        @Override
        public Optional<BinlogCoordinates> binlogPosition() {
            return settings.binlogEnabled()
                    ? Optional.of(new BinlogCoordinates("mysql-bin-changelog.000002", 1234))
                    : Optional.empty();
        }

        @Override
        public void destroy() {
            running = false;
            destroyed = true;
        }
    }
}
