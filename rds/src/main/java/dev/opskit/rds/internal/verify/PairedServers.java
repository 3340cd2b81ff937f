package dev.opskit.rds.internal.verify;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * The two servers of one check, each with a thread pool of {@code parallelism} threads: every
 * query goes to its server's pool, so a server runs at most that many queries at a time. Compares
 * one chunk whole (checksums) or row by row (hashes). Closing stops the pools.
 */
final class PairedServers implements AutoCloseable {
    final ChunkSource source;
    final ChunkSource target;
    private final ExecutorService sourcePool;
    private final ExecutorService targetPool;

    PairedServers(ChunkSource source, ChunkSource target, int parallelism) {
        this.source = source;
        this.target = target;
        this.sourcePool = Executors.newFixedThreadPool(parallelism, threads("verify-source"));
        this.targetPool = Executors.newFixedThreadPool(parallelism, threads("verify-target"));
    }

    static ThreadFactory threads(String name) {
        return new ThreadFactoryBuilder().threadNamePrefix("opskit-" + name).daemonThreads(true).build();
    }

    /** Queues work on the source's pool. */
    <T> CompletableFuture<T> onSource(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, sourcePool);
    }

    /** Queues work on the target's pool. */
    <T> CompletableFuture<T> onTarget(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, targetPool);
    }

    /** Runs a task on the source's pool (a scan that queues the next one). */
    void runOnSource(Runnable task) {
        sourcePool.execute(task);
    }

    /** Checksums a chunk on both servers at once. */
    CompletableFuture<ChunkOutcome> compare(Chunk c) {
        CompletableFuture<Checksum> s = onSource(() -> source.checksum(c.table(), c.bounds()));
        CompletableFuture<Checksum> t = onTarget(() -> target.checksum(c.table(), c.bounds()));
        return s.thenCombine(t, (a, b) -> new ChunkOutcome(c, a, b));
    }

    /** Checksums a chunk on the target, to compare with what a scan found on the source. */
    CompletableFuture<ChunkOutcome> compareOnTarget(Chunk c, Checksum onSource) {
        return onTarget(() -> target.checksum(c.table(), c.bounds())).thenApply(x -> new ChunkOutcome(c, onSource, x));
    }

    /**
     * Re-checks a chunk row by row: each row's key and hash on both servers at once. A row that
     * differs only because the replica had not applied its latest change yet differs in one round
     * and not in the next (each round waits until the replica has passed the position the source
     * had before it); a real difference differs in every round. So a row counts only if it has
     * differed in every round so far, and the chunk is settled as the same once no row has. A
     * chunk whose rows keep changing, such as the end of a table that is appended to, thus settles
     * in two rounds, where its checksums would differ every time.
     */
    CompletableFuture<ChunkOutcome> compareRows(ChunkOutcome previous) {
        Chunk c = previous.chunk();
        CompletableFuture<Map<List<String>, ChunkSource.RowHash>> s = onSource(() -> source.rowHashes(c.table(), c.bounds()));
        CompletableFuture<Map<List<String>, ChunkSource.RowHash>> t = onTarget(() -> target.rowHashes(c.table(), c.bounds()));
        return s.thenCombine(t, (a, b) -> {
            Map<List<String>, List<Object>> differing = new HashMap<>();
            a.forEach((key, row) -> {
                ChunkSource.RowHash other = b.get(key);
                if (other == null || other.hash() != row.hash()) {
                    differing.put(key, row.key());
                }
            });
            b.forEach((key, row) -> {
                if (!a.containsKey(key)) {
                    differing.put(key, row.key());
                }
            });
            if (previous.differingRows() != null) {
                differing.keySet().retainAll(previous.differingRows().keySet());
            }
            return new ChunkOutcome(c, sum(a), sum(b), differing);
        });
    }

    /** The chunk checksum of rows' hashes, as {@code COUNT(*), BIT_XOR(hash)} computes it. */
    private static Checksum sum(Map<List<String>, ChunkSource.RowHash> rows) {
        long xor = 0;
        for (ChunkSource.RowHash r : rows.values()) {
            xor ^= r.hash();
        }
        return new Checksum(rows.size(), xor);
    }

    @Override
    public void close() {
        sourcePool.shutdownNow();
        targetPool.shutdownNow();
    }
}
