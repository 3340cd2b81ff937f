package dev.opskit.rds;

import dev.opskit.core.OpsException;

/**
 * An in-place upgrade that RDS started but did not finish: its pre-checks failed on the service
 * side (the message then carries the {@code upgrade-prechecks.log}), the upgrade itself failed, or
 * afterwards the reconnect check could not connect or the server reports another version than
 * expected. It reaches the caller of {@link UpgradeSetup#run()} as itself, with {@link #step()}
 * naming the step ({@code follow upgrade} or {@code verify}). The cluster is as RDS left it, after
 * a stopped upgrade usually {@code available} on its old version; fix what the message says and
 * run again.
 *
 * <pre>{@code
 * try {
 *     AuroraUpgrades.inPlace("orders").to("8.0").run();
 * } catch (UpgradeException e) {
 *     System.out.println(e.getMessage());          // the RDS event and the pre-checks log
 *     System.out.println(e.prechecksLog());
 * }
 * }</pre>
 */
public class UpgradeException extends OpsException {
    private final String prechecksLog;

    /**
     * @param clusterId the cluster
     * @param lastState its last observed status
     * @param message what happened and what to do
     * @param prechecksLog the contents of {@code upgrade-prechecks.log}, or {@code null}
     */
    public UpgradeException(String clusterId, String lastState, String message, String prechecksLog) {
        super(message, clusterId, lastState, null);
        this.prechecksLog = prechecksLog;
    }

    /** @return the contents of the writer's {@code upgrade-prechecks.log}, if it was read */
    public java.util.Optional<String> prechecksLog() {
        return java.util.Optional.ofNullable(prechecksLog);
    }
}
