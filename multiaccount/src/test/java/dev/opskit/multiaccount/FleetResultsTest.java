package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetResultsTest {
    private final FleetResults<Object> results = new FleetResults<>("fl-0000abcd", List.of(
            new FleetResult<>("111111111111", "prod", "Admin", "eu-west-1", FleetResult.Status.SUCCEEDED,
                    "Upgrade of orders from 5.7 to 8.0: ready\n  check 1", null, Duration.ofMillis(120)),
            new FleetResult<>("111111111111", "prod", "Admin", "us-east-1", FleetResult.Status.SUCCEEDED, 42, null,
                    Duration.ofMillis(80)),
            new FleetResult<>("222222222222", "dev", "Admin", "eu-west-1", FleetResult.Status.FAILED, null,
                    new IllegalStateException("x".repeat(200)), Duration.ofMillis(5)),
            new FleetResult<>("222222222222", "dev", "Admin", "us-east-1", FleetResult.Status.CANCELLED, null, null,
                    Duration.ZERO)), Duration.ofMillis(300), true);

    @Test
    void theTableHasOneRowPerTargetWithTheFirstLineOfItsResultAndASummary() {
        String[] lines = results.table().split("\n");
        assertThat(lines).hasSize(6);
        assertThat(lines[0]).startsWith("ACCOUNT       NAME  REGION     STATUS     TIME    RESULT");
        assertThat(lines[1]).isEqualTo("111111111111  prod  eu-west-1  SUCCEEDED  120 ms  Upgrade of orders from 5.7 to 8.0: ready");
        assertThat(lines[3]).contains("FAILED").contains("IllegalStateException: xxx").endsWith("...");
        assertThat(lines[3].length()).isLessThan(150);
        assertThat(lines[5]).isEqualTo("2 succeeded, 1 failed, 1 cancelled in 300 ms");
    }

    @Test
    void jsonKeepsSimpleValuesAndWritesOthersAsText() throws Exception {
        Map<String, Object> json = JSON.std.mapFrom(results.toJson());
        assertThat(json).containsEntry("fleet", "fl-0000abcd").containsEntry("cancelled", true)
                .containsEntry("tookMs", 300);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("results");
        assertThat(rows.get(0)).containsEntry("value", "Upgrade of orders from 5.7 to 8.0: ready\n  check 1")
                .containsEntry("status", "SUCCEEDED").containsEntry("region", "eu-west-1");
        assertThat(rows.get(1)).containsEntry("value", 42);
        assertThat((String) rows.get(2).get("error")).startsWith("IllegalStateException: xxx");
        assertThat(results.values()).containsExactly("Upgrade of orders from 5.7 to 8.0: ready\n  check 1", 42);
    }

    @Test
    void badFleetInputIsRefusedWithTheFix() {
        assertThatThrownBy(() -> Fleet.over(List.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one account");
    }
}
