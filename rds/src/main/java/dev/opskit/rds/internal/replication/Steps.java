package dev.opskit.rds.internal.replication;

import dev.opskit.core.Observation;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The steps of the replication runbook, in order. */
final class Steps {
    private Steps() {
    }

    /** The steps for a run: all ten when cloning, without the two clone steps for an existing target. */
    static List<Step> of(ReplicationRun run) {
        List<Step> steps = new ArrayList<>(List.of(new ValidateStep(run), new BinlogParameterGroupStep(run),
                new RebootWriterStep(run), new ReplicationUserStep(run), new BinlogRetentionStep(run)));
        if (run.settings.cloning()) {
            steps.add(new CloneStep(run));
            steps.add(new CloneWriterStep(run));
        }
        steps.add(new StartPositionStep(run));
        steps.add(new ExternalSourceStep(run));
        steps.add(new StartReplicationStep(run));
        Consumer<String> afterStep = run.settings.afterStep();
        return afterStep == null ? steps : steps.stream().<Step>map(s -> new AfterAct(s, afterStep)).toList();
    }

    /** A step whose act is followed by a test's hook (which may throw, as a crash would end the run there). */
    private record AfterAct(Step step, Consumer<String> hook) implements Step {
        @Override
        public String name() {
            return step.name();
        }

        @Override
        public String resource() {
            return step.resource();
        }

        @Override
        public Observation observe(RunContext ctx) {
            return step.observe(ctx);
        }

        @Override
        public String act(RunContext ctx, Observation observation) {
            String result = step.act(ctx, observation);
            hook.accept(step.name());
            return result;
        }
    }
}
