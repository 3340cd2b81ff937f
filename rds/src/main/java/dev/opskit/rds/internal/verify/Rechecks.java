package dev.opskit.rds.internal.verify;

import static software.amazon.awssdk.utils.CompletableFutureUtils.joinLikeSync;

import dev.opskit.rds.BinlogPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What makes a live source checkable. With a target that replicates from it, a chunk can differ
 * only because the target has not applied the latest events yet. Differing chunks are therefore
 * checked again: read the source's binlog position (after every first read, so it covers all of
 * them), wait until the replica has executed up to it, and compare again, row by row where the
 * table has a primary key: a row counts only if it has differed in every round, which a change in
 * flight does not (it is applied by the next round), so a chunk that keeps being written settles
 * where its checksums never would. A chunk is reported only if it still differs after
 * {@code maxRechecks} rounds, and then, if it has rows that differed in every round, only if one
 * of them still differs when read again with the source's copy locked (a row rewritten all the
 * time differs in every round; see {@link #confirmUnderLock}). Nothing of this runs when no chunk
 * differs.
 */
final class Rechecks {
    /** At most this many rows are confirmed under a lock per check; beyond them, rows are reported as they differed. */
    static final int MAX_LOCKED_ROWS = 200;
    /** How long to wait for a row lock that writers hold. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(1);
    /** How long a row stays locked at most while the replica catches up with it. */
    static final Duration LOCK_HOLD = Duration.ofSeconds(2);

    private final PairedServers servers;
    private final ReplicaSync sync;
    private final int maxRechecks;
    private final boolean confirmUnderLock;

    Rechecks(PairedServers servers, ReplicaSync sync, int maxRechecks, boolean confirmUnderLock) {
        this.servers = servers;
        this.sync = sync;
        this.maxRechecks = maxRechecks;
        this.confirmUnderLock = confirmUnderLock;
    }

    /**
     * What the re-checks left.
     *
     * @param differing the chunks that still differ
     * @param rounds how many re-check rounds ran
     * @param lockedRows how many rows were read under a lock
     */
    record Result(List<ChunkOutcome> differing, int rounds, int lockedRows) {
    }

    /**
     * Re-checks the differing chunks while the replica catches up, then confirms rows under a lock.
     *
     * @param differing the chunks that differed at the first comparison
     * @param latest filled with each re-checked chunk's latest outcome
     */
    Result run(List<ChunkOutcome> differing, Map<Chunk, ChunkOutcome> latest) {
        int rounds = 0;
        Optional<BinlogPosition> position = differing.isEmpty() ? Optional.empty() : sync.sourcePosition();
        while (!differing.isEmpty() && position.isPresent() && rounds < maxRechecks) {
            rounds++;
            sync.awaitExecuted(position.get());
            List<CompletableFuture<ChunkOutcome>> again = new ArrayList<>();
            for (ChunkOutcome o : differing) {
                again.add(o.chunk().table().hasPrimaryKey() ? servers.compareRows(o) : servers.compare(o.chunk()));
            }
            differing = new ArrayList<>();
            for (CompletableFuture<ChunkOutcome> f : again) {
                ChunkOutcome o = joinLikeSync(f);
                latest.put(o.chunk(), o);
                if (!o.same()) {
                    differing.add(o);
                }
            }
            position = differing.isEmpty() ? Optional.empty() : sync.sourcePosition();
        }
        int locked = 0;
        if (rounds > 0 && confirmUnderLock && !differing.isEmpty()) {
            Result confirmed = confirmUnderLock(differing, latest);
            differing = confirmed.differing();
            locked = confirmed.lockedRows();
        }
        return new Result(differing, rounds, locked);
    }

    private record Candidate(ChunkOutcome outcome, List<String> text, List<Object> key) {
    }

    /**
     * The last word on rows that have differed in every round: a row written many times a second
     * differs every time, as the two servers are never read at the same binlog position. Each such
     * row is read on the source under a shared lock, which holds off its writers; the source's
     * position read after the lock was granted covers every change to it; once the replica has
     * executed up to that position (waited for at most {@link #LOCK_HOLD}), its copy of the row is
     * exactly what the source's should be, and the two are compared. The lock is then released.
     * One lock per transaction, so it never takes part in a deadlock; writers of that one row wait
     * for as long as the replica takes to catch up (its lag, typically milliseconds). A row whose
     * lock is not granted within {@link #LOCK_WAIT} or whose replica does not catch up in time is
     * reported as it differed; once the replica has not caught up with one row, no further row
     * is locked (it would not catch up with those either), so writers are held off that long at
     * most once per concurrent lock. Up to {@link #MAX_LOCKED_ROWS} rows, {@code parallelism} at
     * a time; more than that differing in every round is a real difference, reported without this.
     */
    private Result confirmUnderLock(List<ChunkOutcome> differing, Map<Chunk, ChunkOutcome> latest) {
        List<Candidate> candidates = new ArrayList<>();
        for (ChunkOutcome o : differing) {
            if (o.differingRows() != null) {
                o.differingRows().entrySet().stream().sorted(Map.Entry.comparingByKey(KeyText.ORDER))
                        .forEach(e -> candidates.add(new Candidate(o, e.getKey(), e.getValue())));
            }
        }
        if (candidates.isEmpty() || candidates.size() > MAX_LOCKED_ROWS) {
            return new Result(differing, 0, 0);
        }
        List<CompletableFuture<Locked>> verdicts = new ArrayList<>();
        // A replica that did not catch up with one locked row will not with the next: lock no more.
        AtomicBoolean replicaBehind = new AtomicBoolean();
        for (Candidate c : candidates) {
            verdicts.add(servers.onSource(() -> {
                if (replicaBehind.get()) {
                    return Locked.NOT_TRIED;
                }
                Locked verdict = underLock(c.outcome().chunk().table(), c.key());
                if (verdict == Locked.NOT_CAUGHT_UP) {
                    replicaBehind.set(true);
                }
                return verdict;
            }));
        }
        Map<ChunkOutcome, Set<List<String>>> settled = new IdentityHashMap<>();
        int locked = 0;
        for (int i = 0; i < candidates.size(); i++) {
            Locked verdict = joinLikeSync(verdicts.get(i));
            if (verdict != Locked.NOT_GRANTED && verdict != Locked.NOT_TRIED) {
                locked++;
            }
            if (verdict == Locked.SAME) {
                Candidate c = candidates.get(i);
                settled.computeIfAbsent(c.outcome(), o -> new HashSet<>()).add(c.text());
            }
        }
        List<ChunkOutcome> still = new ArrayList<>();
        for (ChunkOutcome o : differing) {
            Set<List<String>> rows = settled.get(o);
            ChunkOutcome now = o;
            if (rows != null) {
                Map<List<String>, List<Object>> left = new HashMap<>(o.differingRows());
                left.keySet().removeAll(rows);
                now = new ChunkOutcome(o.chunk(), o.source(), o.target(), left);
                latest.put(o.chunk(), now);
            }
            if (!now.same()) {
                still.add(now);
            }
        }
        return new Result(still, 0, locked);
    }

    /** What reading a row under a lock found. */
    private enum Locked { NOT_TRIED, NOT_GRANTED, NOT_CAUGHT_UP, SAME, DIFFERENT }

    /** Reads a row under a lock on the source and compares it once the replica has caught up with it. */
    private Locked underLock(TableSpec table, List<Object> key) {
        Optional<ChunkSource.LockedRow> lock = servers.source.lockRow(table, key, LOCK_WAIT);
        if (lock.isEmpty()) {
            return Locked.NOT_GRANTED;
        }
        try (ChunkSource.LockedRow row = lock.get()) {
            if (row.position().isEmpty() || !sync.awaitExecuted(row.position().get(), LOCK_HOLD)) {
                return Locked.NOT_CAUGHT_UP;
            }
            return row.hash().equals(servers.target.rowHash(table, key)) ? Locked.SAME : Locked.DIFFERENT;
        }
    }
}
