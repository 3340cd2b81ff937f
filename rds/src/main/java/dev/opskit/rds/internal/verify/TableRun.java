package dev.opskit.rds.internal.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Per-table state of one check, filled by the fast path, the chunk walk and the checksum tasks. */
final class TableRun {
    final TableSpec table;
    /** In key order; added to by one scan at a time, read under the lock of this object. */
    private final List<CompletableFuture<ChunkOutcome>> outcomes = new ArrayList<>();
    /** Completes when the whole table is compared or its chunks are all queued. */
    final CompletableFuture<Void> scanned = new CompletableFuture<>();
    /** Why the table cannot be compared at all (missing on one side, other columns or keys). */
    String problem;
    /** The count and table checksum both servers agreed on, if the fast path decided. */
    volatile Checksum wholeTable;
    /** Why the table was compared the way it was. */
    volatile String reason = "";

    TableRun(TableSpec table) {
        this.table = table;
    }

    synchronized void add(CompletableFuture<ChunkOutcome> outcome) {
        outcomes.add(outcome);
    }

    synchronized List<CompletableFuture<ChunkOutcome>> outcomes() {
        return List.copyOf(outcomes);
    }
}
