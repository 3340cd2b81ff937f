package dev.opskit.rds.internal.verify;

import dev.opskit.rds.BinlogPosition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One side of a comparison: checksums chunks of a table, and whole tables with the server's own
 * {@code CHECKSUM TABLE} for the fast path.
 */
public interface ChunkSource {
    /** The smallest and largest value of a single integer key column. */
    record KeyRange(long min, long max) {
    }

    /**
     * Checksums the first {@code rows} rows in key order after the key {@code after} (exclusive),
     * or from the table's start when {@code after} is empty, and returns the last key seen.
     */
    ChunkScan scan(TableSpec table, List<Object> after, int rows);

    /** Computes the checksum of the rows within the bounds. */
    Checksum checksum(TableSpec table, ChunkBounds bounds);

    /** A row's key values, as the driver returned them, and the row's hash. */
    record RowHash(List<Object> key, long hash) {
        public RowHash {
            key = List.copyOf(key); // primary key values are never NULL
        }
    }

    /**
     * Each row's key and hash within the bounds, by its key as text ({@link KeyText#of}): which
     * rows of a chunk differ. The table must have a primary key.
     */
    Map<List<String>, RowHash> rowHashes(TableSpec table, ChunkBounds bounds);

    /**
     * Reads one row's hash by its primary key.
     *
     * @param key the values of every key column, as {@link #rowHashes} returned them
     * @return the hash, empty if no row has that key
     */
    OptionalLong rowHash(TableSpec table, List<Object> key);

    /**
     * A row read under a shared lock, in a transaction that stays open until {@link #close()}:
     * no other transaction can change, delete or (where the row is missing) insert it meanwhile.
     */
    interface LockedRow extends AutoCloseable {
        /** @return the row's hash, empty if no row has the key */
        OptionalLong hash();

        /**
         * @return the server's binlog position read after the lock was granted: every change to
         *     the row is at or before it; empty if binary logging is off
         */
        Optional<BinlogPosition> position();

        /** Ends the transaction, releasing the lock. */
        @Override
        void close();
    }

    /**
     * Reads one row by its primary key with a shared lock ({@code LOCK IN SHARE MODE}, at
     * {@code REPEATABLE READ} so that a missing row's gap is locked too), waiting for transactions
     * that hold it for at most {@code wait}. Only one lock is taken, so the transaction can never be
     * part of a deadlock.
     *
     * @param key the values of every key column, as {@link #rowHashes} returned them
     * @param wait how long to wait for the lock, rounded up to whole seconds
     * @return the locked row; empty if the lock was not granted in time
     */
    Optional<LockedRow> lockRow(TableSpec table, List<Object> key, Duration wait);

    /**
     * Reads {@code MIN} and {@code MAX} of a table's single integer key (two index dives).
     *
     * @return empty if the table is empty or a value does not fit a {@code long}
     */
    Optional<KeyRange> keyRange(TableSpec table);

    /**
     * The server's version and build, such as {@code 11.4.5-MariaDB-log (mariadb.org binary
     * distribution)}: {@code CHECKSUM TABLE} values are comparable only between equal ones.
     */
    String serverVersion();

    /**
     * The table's {@code SHOW CREATE TABLE} without its {@code AUTO_INCREMENT} counter:
     * {@code CHECKSUM TABLE} values are comparable only between equal definitions.
     *
     * @return empty if the table is gone
     */
    Optional<String> definition(TableSpec table);

    /**
     * Runs {@code CHECKSUM TABLE ... EXTENDED} (every row's record read and hashed by the server)
     * and counts the rows, from the same scan where the server can tell.
     *
     * @param definition the table's {@link #definition}, which names its engine
     * @return the row count and the table checksum; empty if the server returns NULL (table gone,
     *     or an engine without checksums)
     */
    Optional<Checksum> tableChecksum(TableSpec table, String definition);

    /**
     * The server's current binlog position, to tell whether it is being written.
     *
     * @return empty if binary logging is off or the position cannot be read
     */
    Optional<BinlogPosition> binlogPosition();
}
