package dev.opskit.rds.internal.upgrade;

import dev.opskit.core.Secret;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The options of one in-place upgrade, already validated by the public setup.
 *
 * @param clusterId the cluster
 * @param requestedTarget a full engine version, or a MySQL series such as {@code 8.0}
 * @param snapshotFirst whether to take a manual snapshot first
 * @param applyImmediately false to leave the upgrade for the next maintenance window
 * @param masterPassword the master password for the reconnect check, or {@code null} to skip it
 * @param deadline how long each step, and so each wait, may take
 * @param probeInterval how often the reconnect probe runs {@code SELECT VERSION()}
 * @param afterStep test hook called with a step's name after it acted, or {@code null}
 */
public record UpgradeOptions(String clusterId, String requestedTarget, boolean snapshotFirst,
        boolean applyImmediately, Secret masterPassword, Duration deadline, Duration probeInterval,
        Consumer<String> afterStep) {
}
