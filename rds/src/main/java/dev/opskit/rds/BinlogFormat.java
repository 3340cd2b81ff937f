package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.Locale;

/**
 * The {@code binlog_format} of a MySQL server. Binlog replication from Aurora MySQL needs binary
 * logging on, in {@link #MIXED} (the runbook's default) or {@link #ROW} format.
 *
 * <pre>{@code
 * BinlogFormat format = BinlogFormat.parse("row");   // ROW
 * format.supportsReplicationRunbook();               // true
 * }</pre>
 */
public enum BinlogFormat {
    /** Statements where safe, rows otherwise; the default for replication. */
    MIXED,
    /** Every changed row. Largest logs, safest replication. */
    ROW,
    /** Statements only; unsafe for non-deterministic statements, so the runbook refuses it. */
    STATEMENT;

    /**
     * Reads a format name as MySQL prints it, in any case.
     *
     * @param text {@code MIXED}, {@code ROW} or {@code STATEMENT}
     * @return the format
     * @throws InvalidInputException for any other text (including {@code OFF}: binlog disabled)
     */
    public static BinlogFormat parse(String text) {
        if (text != null) {
            String name = text.trim().toUpperCase(Locale.ROOT);
            for (BinlogFormat f : values()) {
                if (f.name().equals(name)) {
                    return f;
                }
            }
        }
        throw new InvalidInputException("binlog_format", text, "use MIXED, ROW or STATEMENT");
    }

    /**
     * Whether the replication runbook accepts this format.
     *
     * @return true for {@link #MIXED} and {@link #ROW}
     */
    public boolean supportsReplicationRunbook() {
        return this != STATEMENT;
    }
}
