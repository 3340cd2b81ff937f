package dev.opskit.rds.internal.replication;

import dev.opskit.core.Observation;
import dev.opskit.core.OpsException;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.core.WrongStateException;
import java.util.Locale;
import software.amazon.awssdk.services.rds.model.DBClusterMember;

/**
 * Reboots the source's writer once if binary logging is not yet as wanted ({@code log_bin=ON} and
 * the format), then checks it over JDBC.
 */
final class RebootWriterStep implements Step {
    private final ReplicationRun run;

    RebootWriterStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "reboot-writer";
    }

    @Override
    public String resource() {
        // Validate runs first and finds the writer.
        return run.source == null ? run.settings.sourceId()
                : Clusters.writer(run.source).map(DBClusterMember::dbInstanceIdentifier).orElse(run.settings.sourceId());
    }

    @Override
    public Observation observe(RunContext ctx) {
        DBClusterMember writer = Clusters.writer(run.source).orElseThrow(() -> new WrongStateException(
                run.settings.sourceId(), run.source.status(), "source cluster '" + run.settings.sourceId()
                        + "' has no writer instance; add one and run again"));
        if (run.settings.masterPassword() == null) {
            return Observation.change("writer '" + writer.dbInstanceIdentifier() + "', parameters "
                    + writer.dbClusterParameterGroupStatus() + " (binlog state unknown without masterPassword)",
                    "reboot it if log_bin is OFF or binlog_format is not " + run.settings.format());
        }
        run.source = run.settledSource(ctx, run.source);
        String found = binlogState();
        if (found.equals(wanted())) {
            return Observation.noChange("writer '" + writer.dbInstanceIdentifier() + "': " + found);
        }
        return Observation.change("writer '" + writer.dbInstanceIdentifier() + "': " + found
                + ", parameters " + writer.dbClusterParameterGroupStatus(),
                "reboot '" + writer.dbInstanceIdentifier() + "' and check log_bin=ON, binlog_format="
                        + run.settings.format());
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        String writer = resource();
        run.clusters.reboot(writer);
        run.source = run.waitInstanceAndClusterAvailable(ctx, writer, run.settings.sourceId());
        // The pool's connections died with the server: open it anew rather than have each one
        // found broken (and logged so) on its next use.
        run.reopenSourceDb();
        // The server may accept connections a moment after the instance shows available.
        String state = run.waiter(ctx, "writer '" + writer + "'", "log_bin=ON and binlog_format=" + run.settings.format(),
                        this::binlogState)
                .retryOn(OpsException.class)
                .failWhen(found -> !found.equals(wanted()),
                        found -> "it reached '" + found + "', which waiting will not change; fix it and run again")
                .succeedWhen(found -> found.equals(wanted()))
                .await();
        return "rebooted '" + writer + "': " + state;
    }

    /** Binary logging as the source's server reports it, such as {@code log_bin=ON, binlog_format=MIXED}. */
    private String binlogState() {
        var row = run.sourceDb().rows("SELECT @@log_bin AS log_bin, @@binlog_format AS binlog_format").get(0);
        return "log_bin=" + ("1".equals(row.get("log_bin")) ? "ON" : "OFF") + ", binlog_format="
                + String.valueOf(row.get("binlog_format")).toUpperCase(Locale.ROOT);
    }

    /** {@link #binlogState} as it reads once binary logging is as wanted. */
    private String wanted() {
        return "log_bin=ON, binlog_format=" + run.settings.format().name();
    }
}
