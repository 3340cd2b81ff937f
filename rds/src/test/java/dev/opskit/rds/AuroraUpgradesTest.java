package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuroraUpgradesTest {

    @Test
    void badInputIsRejectedBeforeAnyCall() {
        assertThatThrownBy(() -> AuroraUpgrades.inPlace(" ")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cluster id");
        assertThatThrownBy(() -> AuroraUpgrades.inPlace("orders").to("latest"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("8.0");
        assertThatThrownBy(() -> AuroraUpgrades.inPlace("orders").to("8.0").deadline(Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("positive");
    }

    @Test
    void theSetupDescribesItsOptionsWithoutTheSecret() {
        String text = AuroraUpgrades.inPlace("orders").to("8.0").snapshotFirst().nextMaintenanceWindow()
                .masterPassword(Secret.of("Very-Secret-1")).toString();
        assertThat(text).contains("orders", "8.0", "snapshotFirst=true", "next maintenance window",
                "reconnect check on").doesNotContain("Very-Secret-1");
    }

    @Test
    void theConnectionCheckReportsTheLossWindow() {
        Instant lost = Instant.parse("2024-05-01T10:00:01.200Z");
        UpgradeConnectionCheck c = new UpgradeConnectionCheck("5.7.12", lost, lost.plusMillis(850), "8.0.28", 9);
        assertThat(c.downtime()).contains(Duration.ofMillis(850));
        assertThat(c.toString()).contains("0.850 s", "9 failed probes", "5.7.12 -> 8.0.28");
        assertThat(new UpgradeConnectionCheck(null, null, null, "8.0.28", 0).downtime()).isEmpty();
        assertThatThrownBy(() -> new UpgradeConnectionCheck("5.7.12", lost, lost.minusMillis(1), "8.0.28", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePlanIsReadyOnlyWithoutFailedChecks() {
        UpgradeCheck ok = UpgradeCheck.passed("cluster available", "status available");
        UpgradeCheck warn = UpgradeCheck.warning("backtrack", "backtrack is on", "take a snapshot first");
        UpgradeCheck bad = UpgradeCheck.failed("valid upgrade target", "9.9 is unknown", "pick a listed target");
        UpgradePlan ready = new UpgradePlan("orders", "5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.04.0",
                List.of(ok, warn), List.of(), Optional.empty());
        assertThat(ready.ready()).isTrue();
        assertThat(ready.warnings()).containsExactly(warn);
        UpgradePlan blocked = new UpgradePlan("orders", "5.7.mysql_aurora.2.11.2", "9.9", List.of(ok, bad),
                List.of(), Optional.empty());
        assertThat(blocked.ready()).isFalse();
        assertThat(blocked.toString()).contains("1 pre-check(s) failed", "FAILED  valid upgrade target: 9.9 is unknown"
                + " -> fix: pick a listed target");
    }

    @Test
    void aParameterGroupListsWhatIsNotCarriedOver() {
        UpgradeParameterGroup g = new UpgradeParameterGroup(UpgradeParameterGroup.Level.CLUSTER, "shop57",
                "aurora-mysql5.7", "shop57-aurora-mysql80", "aurora-mysql8.0", true, Map.of("binlog_format", "ROW"),
                List.of("query_cache_type"));
        assertThat(g.changes()).isTrue();
        assertThat(g.toString()).contains("recreated", "{binlog_format=ROW}",
                "not carried over (no longer in aurora-mysql8.0) [query_cache_type]");
    }
}
