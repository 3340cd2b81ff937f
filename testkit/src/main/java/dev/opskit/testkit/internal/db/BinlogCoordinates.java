package dev.opskit.testkit.internal.db;

import dev.opskit.core.InvalidInputException;

/**
 * A position in a server's binary log, as {@code SHOW MASTER STATUS} reports it and as
 * {@code mysql.rds_set_external_master} takes it: a file name such as
 * {@code mysql-bin-changelog.000002} and a byte offset in it.
 *
 * @param file binary log file name, without directory
 * @param position byte offset in that file, at least 4 (the end of the file header)
 */
public record BinlogCoordinates(String file, long position) {
    /** Checks the arguments. */
    public BinlogCoordinates {
        if (file == null || file.isBlank() || file.contains("/")) {
            throw new InvalidInputException("binlog file", file,
                    "pass a file name such as 'mysql-bin-changelog.000001' (no directory)");
        }
        if (position < 4) {
            throw new InvalidInputException("binlog position", Long.toString(position),
                    "a binlog position is at least 4 (the end of the file header)");
        }
    }

    /** @return {@code file:position}, the form MySQL tools print */
    @Override
    public String toString() {
        return file + ":" + position;
    }
}
