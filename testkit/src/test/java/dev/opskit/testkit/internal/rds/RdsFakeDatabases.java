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
        FakeServer s = new FakeServer(this, name, ports.incrementAndGet(), masterUser, null, null,
                new FakeServer.State(settings));
        started.add(s);
        return s;
    }

    @Override
    public DbServer cloneOf(DbServer source, String name, DbSettings settings) {
        work();
        FakeServer s = new FakeServer(this, name, ports.incrementAndGet(), source.masterUsername(),
                source.binlogPosition().orElse(null), (FakeServer) source, new FakeServer.State(settings));
        started.add(s);
        return s;
    }

    /**
     * A server that only records what it is asked to do.
     *
     * @param copiedAt for a clone, the source's binlog position at the copy
     * @param cloneSource for a clone, the server it copies
     */
    record FakeServer(RdsFakeDatabases owner, String name, int port, String masterUsername,
            BinlogCoordinates copiedAt, FakeServer cloneSource, State state) implements DbServer {
        /** What changes while it runs. */
        static final class State {
            final List<DbSettings> restarts = new CopyOnWriteArrayList<>();
            volatile DbSettings settings;
            volatile boolean running = true;
            volatile boolean destroyed;

            State(DbSettings settings) {
                this.settings = settings;
            }
        }

        /** @return the settings of each restart, in order */
        List<DbSettings> restarts() {
            return state.restarts;
        }

        boolean destroyed() {
            return state.destroyed;
        }

        @Override
        public DbSettings settings() {
            return state.settings;
        }

        @Override
        public boolean isRunning() {
            return state.running;
        }

        @Override
        public void restart(DbSettings newSettings) {
            owner.work();
            state.restarts.add(newSettings);
            state.settings = newSettings;
        }

        @Override
        public void stop() {
            state.running = false;
        }

        @Override
        public void start() {
            state.running = true;
        }

        @Override
        public Optional<BinlogCoordinates> clonedAt() {
            return Optional.ofNullable(copiedAt);
        }

        @Override
        public Optional<BinlogCoordinates> binlogPosition() {
            return state.settings.binlogEnabled()
                    ? Optional.of(new BinlogCoordinates("mysql-bin-changelog.000002", 1234))
                    : Optional.empty();
        }

        @Override
        public void destroy() {
            state.running = false;
            state.destroyed = true;
        }
    }
}
