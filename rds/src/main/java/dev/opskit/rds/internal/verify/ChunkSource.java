package dev.opskit.rds.internal.verify;

import dev.opskit.rds.BinlogPosition;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Each row's hash within the bounds, by its key as text ({@link Verifier#text}): which rows of
     * a chunk differ. The table must have a primary key.
     */
    Map<List<String>, Long> rowHashes(TableSpec table, ChunkBounds bounds);

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
