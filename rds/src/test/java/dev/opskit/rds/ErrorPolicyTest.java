package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class ErrorPolicyTest {
    private static final ReplicationError DUPLICATE = new ReplicationError(1062, "Duplicate entry '1' for key 'PRIMARY'");
    private static final ReplicationError MISSING = new ReplicationError(1032, "Can't find record in 't'");

    @Test
    void stopIsTheDefaultAndStopsOnEverything() {
        ErrorPolicy p = ErrorPolicy.stop();
        assertThat(p.decide(DUPLICATE, 0)).isEqualTo(ErrorPolicy.Action.STOP);
        assertThat(p).hasToString("stop on every error");
    }

    @Test
    void skipsOnlyTheListedErrorsUpToTheLimit() {
        ErrorPolicy p = ErrorPolicy.skip(1062).maxSkips(2);
        assertThat(p.decide(DUPLICATE, 0)).isEqualTo(ErrorPolicy.Action.SKIP);
        assertThat(p.decide(DUPLICATE, 1)).isEqualTo(ErrorPolicy.Action.SKIP);
        assertThat(p.decide(DUPLICATE, 2)).isEqualTo(ErrorPolicy.Action.STOP);
        assertThat(p.decide(MISSING, 0)).isEqualTo(ErrorPolicy.Action.STOP);
        assertThat(p).hasToString("skip [1062] at most 2 times, stop on others");
        assertThat(ErrorPolicy.skip(1062, 1032).maxSkips()).isEqualTo(ErrorPolicy.DEFAULT_MAX_SKIPS);
    }

    @Test
    void skippingNothingOrNonsenseIsRejected() {
        assertThatThrownBy(ErrorPolicy::skip).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("ErrorPolicy.skip(1062)");
        assertThatThrownBy(() -> ErrorPolicy.skip(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ErrorPolicy.skip(1062).maxSkips(-1)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void binlogFormatsAllowedByTheRunbook() {
        assertThat(BinlogFormat.parse("mixed")).isEqualTo(BinlogFormat.MIXED);
        assertThat(BinlogFormat.parse("ROW").supportsReplicationRunbook()).isTrue();
        assertThat(BinlogFormat.STATEMENT.supportsReplicationRunbook()).isFalse();
        assertThatThrownBy(() -> BinlogFormat.parse("OFF")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("MIXED, ROW or STATEMENT");
    }
}
