package dev.opskit.rds.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.event.OpsEvent.Severity;
import dev.opskit.rds.UpgradeCheck;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpgradeEventsTest {
    private static final Instant NOW = Instant.parse("2031-01-01T00:00:00Z");

    @Test
    void aPrecheckResultMattersAsMuchAsItsStatus() {
        UpgradePrecheckResult warn = UpgradePrecheckResult.of(NOW, "rb-1", "pre-checks", "orders",
                UpgradeCheck.warning("backtrack", "backtrack is on", "take a snapshot first"));
        assertThat(warn.severity()).isEqualTo(Severity.WARNING);
        assertThat(warn.check()).isEqualTo(UpgradeCheck.warning("backtrack", "backtrack is on", "take a snapshot first"));
        assertThat(warn.message()).isEqualTo(warn.check().toString());
        assertThat(warn.clusterId()).isEqualTo("orders");
        assertThat(warn.attributes()).isEmpty();
        assertThat(UpgradePrecheckResult.of(NOW, "rb-1", "pre-checks", "orders",
                UpgradeCheck.failed("writer instance", "no instance", "add one")).severity()).isEqualTo(Severity.ERROR);
        assertThat(UpgradePrecheckResult.of(NOW, "rb-1", "pre-checks", "orders",
                UpgradeCheck.passed("backtrack", "backtrack is off")).severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void anRdsEventIsAnErrorOnlyWhenRdsStopsTheUpgrade() {
        UpgradeRdsEventSeen progress = new UpgradeRdsEventSeen(NOW, "rb-1", "follow upgrade", "orders",
                NOW.minusSeconds(5), "Upgrade in progress: Upgrading database objects.");
        assertThat(progress.severity()).isEqualTo(Severity.INFO);
        assertThat(progress.message()).isEqualTo("RDS: Upgrade in progress: Upgrading database objects.");
        assertThat(progress.rdsEvent().time()).isEqualTo(NOW.minusSeconds(5));
        assertThat(new UpgradeRdsEventSeen(NOW, "rb-1", "follow upgrade", "orders", NOW,
                "Database cluster is in a state that cannot be upgraded: Upgrade prechecks failed.").severity())
                .isEqualTo(Severity.ERROR);
    }

    @Test
    void aRestoredConnectionCarriesItsWindow() {
        Instant lost = NOW.minusMillis(1850);
        Instant back = NOW.minusMillis(1000);
        UpgradeConnectionRestored restored = new UpgradeConnectionRestored(NOW, "rb-1", "follow upgrade", "orders",
                lost, back, Duration.ofMillis(850), 9, "8.0.39");
        assertThat(restored.message()).contains("orders", "0.850 s", "9 failed probes", "8.0.39");
        assertThatThrownBy(() -> new UpgradeConnectionRestored(NOW, "rb-1", "follow upgrade", "orders", lost, back,
                Duration.ofMillis(800), 9, "8.0.39")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UpgradeConnectionRestored(NOW, "rb-1", "follow upgrade", "orders", back, lost,
                Duration.ofMillis(-850), 9, "8.0.39")).isInstanceOf(IllegalArgumentException.class);
        UpgradeConnectionLost gone = new UpgradeConnectionLost(NOW, "rb-1", "follow upgrade", "orders", lost, "5.7.12",
                "Communications link failure");
        assertThat(gone.message()).contains("lost at " + lost, "Communications link failure");
        assertThat(gone.severity()).isEqualTo(Severity.INFO);
    }
}
