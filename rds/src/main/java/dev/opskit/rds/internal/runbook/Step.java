package dev.opskit.rds.internal.runbook;

import dev.opskit.core.Observation;

/**
 * One named step of the replication runbook, bound to a {@link Run} that carries what earlier
 * steps found. {@link #observe} looks at the real state and changes nothing; {@link #act} is
 * called only when the observation says something must be done. {@link Runner} adapts these to
 * core's {@link dev.opskit.core.Step}.
 */
public interface Step {
    String name();

    /** The resource the step is about, for events. */
    String resource(Run run);

    Observation observe(Run run);

    /** Does what the observation says; returns a short description of what was done. */
    String act(Run run, Observation observation);
}
