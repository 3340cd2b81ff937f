package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What a replica reports about its replication: one row of {@code SHOW SLAVE STATUS} or
 * {@code SHOW REPLICA STATUS}, read from either naming ({@code Slave_IO_Running} or
 * {@code Replica_IO_Running}, {@code Seconds_Behind_Master} or {@code Seconds_Behind_Source},
 * ...). Positions are in the source's binlog coordinates.
 *
 * <p>The row holds no password, and {@link ReplicationError} redacts password literals, so a
 * status is safe to log.
 *
 * <pre>{@code
 * ReplicationStatus s = ReplicationStatus.fromRow(row);
 * if (s.isCaughtUp()) { ... }
 * s.lastSqlError().ifPresent(e -> System.out.println(e.number() + " on " + e.table().orElse("?")));
 * }</pre>
 *
 * @param ioRunning the IO thread's state as printed: {@code Yes}, {@code No} or {@code Connecting}
 * @param ioState what the IO thread is doing ({@code Slave_IO_State}), may be empty
 * @param sqlThreadRunning whether the SQL (applier) thread runs
 * @param sqlState what the SQL thread is doing ({@code Slave_SQL_Running_State}), may be empty
 * @param secondsBehind the replica's lag in seconds, empty when unknown (a thread is stopped)
 * @param sourceHost the source's host, may be empty
 * @param sourcePort the source's port, 0 when unknown
 * @param sourceUser the replication user, may be empty
 * @param sourceRead how far the IO thread has read the source's binlog
 * @param executed how far the SQL thread has executed, in the source's binlog
 * @param lastIoError the IO thread's last error
 * @param lastSqlError the SQL thread's last error
 */
public record ReplicationStatus(String ioRunning, String ioState, boolean sqlThreadRunning, String sqlState,
                                OptionalLong secondsBehind, String sourceHost, int sourcePort, String sourceUser,
                                Optional<BinlogPosition> sourceRead, Optional<BinlogPosition> executed,
                                Optional<ReplicationError> lastIoError, Optional<ReplicationError> lastSqlError) {

    /** Checks that no component is null. */
    public ReplicationStatus {
        if (ioRunning == null || ioState == null || sqlState == null || secondsBehind == null
                || sourceHost == null || sourceUser == null || sourceRead == null || executed == null
                || lastIoError == null || lastSqlError == null) {
            throw new InvalidInputException("replication status", null,
                    "every component is required; use empty texts and Optional.empty() for unknown values");
        }
    }

    /**
     * Reads one status row, whatever its naming. Column names are matched without regard to case.
     *
     * @param row column name to value, as returned by {@code SHOW SLAVE STATUS} or
     *     {@code SHOW REPLICA STATUS}; values may be strings or numbers
     * @return the status
     * @throws InvalidInputException if the row has no IO-thread column (it is not a status row)
     */
    public static ReplicationStatus fromRow(Map<String, ?> row) {
        Map<String, String> r = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (row != null) {
            row.forEach((k, v) -> r.put(k, v == null ? null : String.valueOf(v)));
        }
        String io = either(r, "Slave_IO_Running", "Replica_IO_Running");
        if (io == null) {
            throw new InvalidInputException("replication status row", null,
                    "the row has no Slave_IO_Running or Replica_IO_Running column; pass a row of SHOW SLAVE STATUS or SHOW REPLICA STATUS");
        }
        String behind = either(r, "Seconds_Behind_Master", "Seconds_Behind_Source");
        return new ReplicationStatus(
                io.trim(),
                text(either(r, "Slave_IO_State", "Replica_IO_State")),
                "Yes".equalsIgnoreCase(text(either(r, "Slave_SQL_Running", "Replica_SQL_Running")).trim()),
                text(either(r, "Slave_SQL_Running_State", "Replica_SQL_Running_State")),
                number(behind).map(OptionalLong::of).orElse(OptionalLong.empty()),
                text(either(r, "Master_Host", "Source_Host")),
                number(either(r, "Master_Port", "Source_Port")).orElse(0L).intValue(),
                text(either(r, "Master_User", "Source_User")),
                position(either(r, "Master_Log_File", "Source_Log_File"),
                        either(r, "Read_Master_Log_Pos", "Read_Source_Log_Pos")),
                position(either(r, "Relay_Master_Log_File", "Relay_Source_Log_File"),
                        either(r, "Exec_Master_Log_Pos", "Exec_Source_Log_Pos")),
                error(r.get("Last_IO_Errno"), r.get("Last_IO_Error")),
                error(r.get("Last_SQL_Errno"), r.get("Last_SQL_Error")));
    }

    private static String either(Map<String, String> r, String oldName, String newName) {
        String v = r.get(oldName);
        return v != null ? v : r.get(newName);
    }

    private static String text(String v) {
        return v == null ? "" : v;
    }

    private static Optional<Long> number(String v) {
        if (v == null || v.isBlank() || v.equalsIgnoreCase("NULL")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<BinlogPosition> position(String file, String pos) {
        Optional<Long> p = number(pos);
        if (file == null || file.isBlank() || p.isEmpty() || p.get() < 4) {
            return Optional.empty();
        }
        return Optional.of(BinlogPosition.of(file.trim(), p.get()));
    }

    private static Optional<ReplicationError> error(String errno, String message) {
        Optional<Long> n = number(errno);
        if (n.isEmpty() || n.get() <= 0) {
            return Optional.empty();
        }
        return Optional.of(new ReplicationError(n.get().intValue(), text(message)));
    }

    /** @return whether the IO thread is connected and reading ({@code Yes}, not {@code Connecting}) */
    public boolean ioThreadRunning() {
        return "Yes".equalsIgnoreCase(ioRunning);
    }

    /** @return whether both threads run */
    public boolean isRunning() {
        return ioThreadRunning() && sqlThreadRunning;
    }

    /**
     * Whether the replica has caught up: both threads run and the lag is 0 seconds. Under a steady
     * write load this means "within a second", which is what the replication runbook waits for.
     *
     * @return true when caught up
     */
    public boolean isCaughtUp() {
        return isRunning() && secondsBehind.isPresent() && secondsBehind.getAsLong() == 0;
    }

    /**
     * Whether the SQL thread has executed everything up to a position of the source's binlog.
     *
     * @param sourcePosition a position read on the source, for example with {@code SHOW MASTER STATUS}
     * @return true if the executed position is at or after it
     */
    public boolean hasExecuted(BinlogPosition sourcePosition) {
        return executed.map(e -> e.isAtOrAfter(sourcePosition)).orElse(false);
    }

    /** @return the SQL thread's error if there is one, else the IO thread's */
    public Optional<ReplicationError> lastError() {
        return lastSqlError.isPresent() ? lastSqlError : lastIoError;
    }

    /** @return a one-line summary: threads, lag, positions and errors */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("replication from ")
                .append(sourceHost.isEmpty() ? "?" : sourceHost + ":" + sourcePort)
                .append(": io=").append(ioRunning.toLowerCase(Locale.ROOT))
                .append(", sql=").append(sqlThreadRunning ? "yes" : "no")
                .append(", behind=").append(secondsBehind.isPresent() ? secondsBehind.getAsLong() + "s" : "unknown");
        sourceRead.ifPresent(p -> b.append(", read=").append(p));
        executed.ifPresent(p -> b.append(", executed=").append(p));
        lastIoError.ifPresent(e -> b.append(", io error ").append(e));
        lastSqlError.ifPresent(e -> b.append(", sql error ").append(e));
        return b.toString();
    }
}
