package dev.opskit.rds.internal.verify;

import static software.amazon.awssdk.utils.CompletableFutureUtils.joinLikeSync;

import dev.opskit.rds.ChunkDifference;
import dev.opskit.rds.TableResult;
import dev.opskit.rds.VerificationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The report of one check: per table, its row counts and the chunks that still differ, with the
 * keys of the rows that do (compared row by row here where no re-check has, on a target that does
 * not replicate).
 */
final class ReportAssembly {
    private final PairedServers servers;

    ReportAssembly(PairedServers servers) {
        this.servers = servers;
    }

    VerificationReport assemble(List<TableRun> runs, Rechecks.Result checked, Map<Chunk, ChunkOutcome> latest,
                                Duration elapsed) {
        // Which rows differ, for the report, where no round has compared them row by row yet
        // (a target that does not replicate). A chunk whose rows now all agree (a source written
        // since) keeps the verdict of its checksums, without rows.
        List<CompletableFuture<ChunkOutcome>> byRows = new ArrayList<>();
        for (ChunkOutcome o : checked.differing()) {
            if (o.differingRows() == null && o.chunk().table().hasPrimaryKey()) {
                byRows.add(servers.compareRows(o));
            }
        }
        for (CompletableFuture<ChunkOutcome> f : byRows) {
            ChunkOutcome o = joinLikeSync(f);
            if (!o.same()) {
                latest.put(o.chunk(), o);
            }
        }
        List<TableResult> results = new ArrayList<>();
        for (TableRun run : runs) {
            results.add(result(run, latest));
        }
        return new VerificationReport(results, checked.rounds(), checked.lockedRows(), elapsed);
    }

    private static TableResult result(TableRun run, Map<Chunk, ChunkOutcome> latest) {
        TableSpec t = run.table;
        if (run.problem != null) {
            return new TableResult(t.fullName(), t.keyColumns(), 0, 0, 0, List.of(), Optional.of(run.problem),
                    TableResult.Method.NOT_COMPARED, "");
        }
        if (run.wholeTable != null) {
            long rows = run.wholeTable.rows();
            return new TableResult(t.fullName(), t.keyColumns(), rows, rows, 1, List.of(), Optional.empty(),
                    TableResult.Method.TABLE_CHECKSUM, "");
        }
        long sourceRows = 0;
        long targetRows = 0;
        List<ChunkDifference> differences = new ArrayList<>();
        List<CompletableFuture<ChunkOutcome>> outcomes = run.outcomes();
        for (CompletableFuture<ChunkOutcome> f : outcomes) {
            ChunkOutcome first = f.join();
            ChunkOutcome o = latest.getOrDefault(first.chunk(), first);
            sourceRows += o.source().rows();
            targetRows += o.target().rows();
            if (!o.same()) {
                Map<List<String>, List<Object>> rows = o.differingRows();
                differences.add(new ChunkDifference(t.keyColumns(), KeyText.of(o.chunk().bounds().after()),
                        KeyText.of(o.chunk().bounds().upTo()), o.source().rows(), o.target().rows(),
                        rows == null ? -1 : rows.size(), rows == null ? List.of() : sample(rows.keySet())));
            }
        }
        return new TableResult(t.fullName(), t.keyColumns(), sourceRows, targetRows, outcomes.size(),
                differences, Optional.empty(), TableResult.Method.CHUNKS, run.reason);
    }

    /** The first {@link ChunkDifference#MAX_KEYS} keys, in key order where the values are numbers. */
    private static List<List<String>> sample(Set<List<String>> keys) {
        return keys.stream().sorted(KeyText.ORDER).limit(ChunkDifference.MAX_KEYS).toList();
    }
}
