package dev.opskit.rds.internal.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * A fixed number of connections to one server, all opened at once on their own threads, for
 * a job that needs them all for a short while (a consistency check): the first borrower gets
 * the first connection ready, and no connection waits for another to be made. A HikariCP pool
 * makes its connections one at a time, 30 ms apart, and takes about as long to shut down,
 * which for a check of a few hundred milliseconds is a large share.
 *
 * <p>A borrowed connection goes back to the set when closed; one that is closed or broken by
 * then is replaced on the next borrow. The password is passed to the driver as a property,
 * never in the URL.
 */
final class ConnectionSet implements ConnectionPool.Connections {
    /** Connections idle longer than this are checked before they are lent, as HikariCP does. */
    private static final long VALIDATE_AFTER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** An opened connection and when it was last given back, or why it could not be opened. */
    private record Slot(Connection connection, long idleSince, SQLException failure) {
    }

    private final String url;
    private final Properties properties;
    private final Duration borrowTimeout;
    private final ThreadFactory threads;
    private final LinkedBlockingQueue<Slot> ready = new LinkedBlockingQueue<>();
    private final List<Connection> all = new ArrayList<>();
    private volatile boolean closed;

    ConnectionSet(String url, Properties properties, int size, Duration borrowTimeout, String threadName) {
        this.url = url;
        this.properties = properties;
        this.borrowTimeout = borrowTimeout;
        this.threads = new ThreadFactoryBuilder().threadNamePrefix(threadName).daemonThreads(true).build();
        for (int i = 0; i < size; i++) {
            openInBackground();
        }
    }

    private void openInBackground() {
        threads.newThread(() -> ready.add(open())).start();
    }

    private Slot open() {
        try {
            Connection c = DriverManager.getConnection(url, properties);
            synchronized (all) {
                if (closed) {
                    c.close();
                    return new Slot(null, 0, new SQLException("the connection set is closed"));
                }
                all.add(c);
            }
            return new Slot(c, System.nanoTime(), null);
        } catch (SQLException e) {
            return new Slot(null, 0, e);
        }
    }

    @Override
    public Connection get() throws SQLException {
        if (closed) {
            throw new SQLException("the connection set is closed");
        }
        Slot slot;
        try {
            slot = ready.poll(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", e);
        }
        if (slot == null) {
            throw new SQLException("no connection became free within " + borrowTimeout.toMillis() + " ms", "08001");
        }
        if (slot.failure() != null) {
            // The next borrower tries again rather than inheriting this failure.
            openInBackground();
            throw slot.failure();
        }
        Connection c = slot.connection();
        if (c.isClosed() || (System.nanoTime() - slot.idleSince() > VALIDATE_AFTER_IDLE_NANOS && !c.isValid(2))) {
            // Closed, or dropped by the server (restarted, wait_timeout, killed) while idle.
            discard(c);
            return get();
        }
        return lend(c);
    }

    private void forget(Connection c) {
        synchronized (all) {
            all.remove(c);
        }
    }

    /** A view of {@code c} whose close() gives it back; after that, it refuses every call. */
    private Connection lend(Connection c) {
        InvocationHandler handler = new InvocationHandler() {
            private boolean returned;

            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                switch (method.getName()) {
                    case "close" -> {
                        if (!returned) {
                            returned = true;
                            giveBack(c);
                        }
                        return null;
                    }
                    case "isClosed" -> {
                        return returned || c.isClosed();
                    }
                    case "toString" -> {
                        return "lent " + c;
                    }
                    case "hashCode" -> {
                        return System.identityHashCode(proxy);
                    }
                    case "equals" -> {
                        return proxy == args[0];
                    }
                    default -> {
                        if (returned) {
                            throw new SQLException("the connection was already given back", "08003");
                        }
                        try {
                            return method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                }
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    private void giveBack(Connection c) {
        boolean fit;
        try {
            // Closed set, broken, or left mid-transaction: not fit for the next borrower.
            fit = !closed && !c.isClosed() && c.getAutoCommit();
        } catch (SQLException e) {
            fit = false;
        }
        if (fit) {
            ready.add(new Slot(c, System.nanoTime(), null));
        } else {
            discard(c);
        }
    }

    /** Closes a connection that must not be lent again and, unless the set is closed, opens another. */
    private void discard(Connection c) {
        forget(c);
        quietlyClose(c);
        if (!closed) {
            openInBackground();
        }
    }

    private static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // Already broken: nothing left to release.
        }
    }

    @Override
    public void close() {
        List<Connection> toClose;
        synchronized (all) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(all);
            all.clear();
        }
        toClose.forEach(ConnectionSet::quietlyClose);
    }
}
