package dev.opskit.rds.event;

import dev.opskit.core.event.OpsEvent;
import java.util.Map;

/**
 * The typed events of an in-place upgrade ({@link dev.opskit.rds.AuroraUpgrades}), published next
 * to core's step, wait and retry events: each pre-check's result, each RDS event of the upgrade as
 * it is seen, and the connection loss and return the reconnecting probe measures. Their
 * {@link #time()} comes from the runbook's clock; times RDS or the probe recorded are fields of
 * their own. The {@linkplain #resource() resource} is the cluster. None carries a secret.
 *
 * <pre>{@code
 * AuroraUpgrades.inPlace("orders", ctx).to("8.0")
 *         .listener(UpgradeRdsEventSeen.class, e -> System.out.println(e.rdsTime() + " " + e.rdsMessage()))
 *         .listener(UpgradeConnectionRestored.class, e -> System.out.println("down for " + e.window()))
 *         .run();
 * }</pre>
 */
public sealed interface UpgradeEvent extends OpsEvent
        permits UpgradePrecheckResult, UpgradeRdsEventSeen, UpgradeConnectionLost, UpgradeConnectionRestored {

    /** @return the id of the cluster being upgraded, the same as {@link #resource()} */
    default String clusterId() {
        return resource();
    }

    /** @return no free-form attributes: every fact is a field of the record */
    @Override
    default Map<String, Object> attributes() {
        return Map.of();
    }
}
