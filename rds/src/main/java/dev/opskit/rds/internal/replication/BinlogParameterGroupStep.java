package dev.opskit.rds.internal.replication;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.core.WrongStateException;
import software.amazon.awssdk.services.rds.model.DBClusterParameterGroup;

/**
 * A custom cluster parameter group with the wanted {@code binlog_format}, attached to the source:
 * the source's own custom group is changed; a source on a default group gets
 * {@code <source>-opskit-binlog}, created from the default group's family, set, then attached (set
 * before attaching: a change to a group already attached makes RDS apply it to the cluster's
 * members again). The change applies when the writer reboots (next step).
 */
final class BinlogParameterGroupStep implements Step {
    private static final String UNSET = "OFF";

    private final ReplicationRun run;
    private boolean observedBefore;
    /** What the last observation found, for the act that follows it. */
    private boolean customGroup;
    private boolean groupExists;
    private String groupFormat;

    BinlogParameterGroupStep(ReplicationRun run) {
        this.run = run;
    }

    @Override
    public String name() {
        return "binlog-parameter-group";
    }

    @Override
    public String resource() {
        return run.settings.sourceId();
    }

    @Override
    public Observation observe(RunContext ctx) {
        if (observedBefore && !ctx.dryRun()) {
            // Observed again after a failure: the act may have attached the group, the cluster may be
            // modifying. Validate's look at the source is stale now.
            run.source = run.waitClusterAvailable(ctx, run.settings.sourceId());
        }
        observedBefore = true;
        String want = run.settings.format().name();
        String current = run.source.dbClusterParameterGroup();
        customGroup = current != null && !current.startsWith("default.");
        if (customGroup) {
            groupFormat = run.clusters.parameterValue(current, "binlog_format").orElse(UNSET);
            if (groupFormat.equalsIgnoreCase(want)) {
                return Observation.noChange("custom group '" + current + "' has binlog_format=" + groupFormat);
            }
            return Observation.change("custom group '" + current + "' has binlog_format=" + groupFormat,
                    "set binlog_format=" + want + " in '" + current + "' (applies on reboot)");
        }
        String mine = run.settings.binlogGroupName();
        groupExists = run.clusters.parameterGroup(mine).isPresent();
        String found = "cluster uses default group '" + current + "'";
        if (!groupExists) {
            return Observation.change(found, "create group '" + mine + "', set binlog_format=" + want
                    + ", attach it to '" + run.settings.sourceId() + "'");
        }
        groupFormat = run.clusters.parameterValue(mine, "binlog_format").orElse(UNSET);
        return Observation.change(found + ", group '" + mine + "' exists with binlog_format=" + groupFormat,
                (groupFormat.equalsIgnoreCase(want) ? "" : "set binlog_format=" + want + ", ")
                        + "attach '" + mine + "' to '" + run.settings.sourceId() + "'");
    }

    @Override
    public String act(RunContext ctx, Observation o) {
        ReplicationSettings s = run.settings;
        String want = s.format().name();
        String current = run.source.dbClusterParameterGroup();
        String group;
        if (customGroup) {
            group = current;
            ctx.warn("changing binlog_format in custom group '" + group
                    + "', which every cluster using it will pick up on its next reboot");
            run.clusters.setParameter(group, "binlog_format", want);
        } else {
            group = s.binlogGroupName();
            boolean created = false;
            if (!groupExists) {
                String family = run.clusters.parameterGroup(current)
                        .map(DBClusterParameterGroup::dbParameterGroupFamily)
                        .orElseThrow(() -> new WrongStateException(s.sourceId(), current,
                                "cannot read the family of parameter group '" + current + "'"));
                run.clusters.createParameterGroup(group, family,
                        "binlog_format for replication from " + s.sourceId() + " (opskit)", s.sourceId());
                created = true;
            }
            // A group just created has binlog_format unset (OFF): no need to read it back.
            if (created || !groupFormat.equalsIgnoreCase(want)) {
                run.clusters.setParameter(group, "binlog_format", want);
            }
            run.clusters.attachParameterGroup(s.sourceId(), group);
        }
        run.source = run.waitClusterAvailable(ctx, s.sourceId());
        return "binlog_format=" + want + " in '" + group + "', attached to '" + s.sourceId() + "'";
    }
}
