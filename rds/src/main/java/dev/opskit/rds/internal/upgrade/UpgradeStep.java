package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Step;

/** A step of the in-place upgrade: its name, and the plan or run whose facts it reads and adds to. */
abstract class UpgradeStep implements Step {
    private final String name;
    protected final UpgradeRun run;

    UpgradeStep(String name, UpgradeRun run) {
        this.name = name;
        this.run = run;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public String toString() {
        return "Step[" + name + "]";
    }
}
