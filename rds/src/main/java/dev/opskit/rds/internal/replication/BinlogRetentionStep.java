package dev.opskit.rds.internal.replication;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;

/** {@code binlog retention hours} on the source ({@code mysql.rds_set_configuration}). */
final class BinlogRetentionStep implements Step {
    private final ReplicationRun run;

    BinlogRetentionStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "binlog-retention";
    }

    @Override
    public String resource() {
        return run.settings.sourceId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        int want = run.settings.retentionHours();
        if (run.settings.masterPassword() == null) {
            return Observation.change("unknown without masterPassword", "set binlog retention hours to " + want);
        }
        String current = current();
        if (Integer.toString(want).equals(current)) {
            return Observation.noChange("binlog retention hours is " + current);
        }
        return Observation.change("binlog retention hours is " + current, "set it to " + want);
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        run.sourceDb().execute(run.dialect().setBinlogRetentionCall(), run.settings.retentionHours());
        return "binlog retention hours set to " + current();
    }

    private String current() {
        for (var row : run.sourceDb().rows("CALL mysql.rds_show_configuration")) {
            if ("binlog retention hours".equalsIgnoreCase(row.get("name"))) {
                String v = row.get("value");
                return v == null ? "NULL" : v.trim();
            }
        }
        return "NULL";
    }
}
