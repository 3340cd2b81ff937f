package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.internal.server.FaultEngine;
import dev.opskit.testkit.internal.server.FaultEngine.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultEngineTest {
    private final FaultEngine engine = new FaultEngine();

    @Test
    void nextTwoThrottlesOnlyTheFirstTwoMatchingCallsAndCountsEveryCall() {
        FaultEngine.Rule rule = engine.add(new FaultEngine.Rule("sts", "GetCallerIdentity", Kind.THROTTLE, 0,
                Duration.ZERO, 2, 1.0, 0));

        assertThat(engine.decide("sts", "AssumeRole").fault()).isNull();
        assertThat(engine.decide("sts", "GetCallerIdentity").fault()).isSameAs(rule);
        assertThat(engine.decide("sts", "GetCallerIdentity").fault()).isSameAs(rule);
        assertThat(engine.decide("sts", "GetCallerIdentity").fault()).isNull();

        assertThat(rule.triggered()).isEqualTo(2);
        assertThat(rule.exhausted()).isTrue();
        assertThat(engine.calls("sts", "GetCallerIdentity")).isEqualTo(3);
        assertThat(engine.calls("sts", "*")).isEqualTo(4);
        assertThat(engine.calls("rds", "*")).isZero();
    }

    @Test
    void wildcardsMatchAnyServiceAndOperationAndLatencyAddsUp() {
        engine.add(new FaultEngine.Rule("*", "*", Kind.LATENCY, 0, Duration.ofMillis(5), -1, 1.0, 0));
        engine.add(new FaultEngine.Rule("rds", "*", Kind.LATENCY, 0, Duration.ofMillis(7), -1, 1.0, 0));
        engine.add(new FaultEngine.Rule("rds", "*", Kind.SERVER_ERROR, 503, Duration.ZERO, -1, 1.0, 0));

        FaultEngine.Decision rds = engine.decide("rds", "DescribeDBClusters");
        FaultEngine.Decision sts = engine.decide("sts", "GetCallerIdentity");

        assertThat(rds.delay()).isEqualTo(Duration.ofMillis(12));
        assertThat(rds.fault().status()).isEqualTo(503);
        assertThat(sts.delay()).isEqualTo(Duration.ofMillis(5));
        assertThat(sts.fault()).isNull();
    }

    @Test
    void fractionIsReproducibleForTheSameSeedAndRoughlyTheShare() {
        List<Boolean> first = sample(42);
        List<Boolean> second = sample(42);

        assertThat(first).isEqualTo(second);
        long hits = first.stream().filter(b -> b).count();
        assertThat(hits).isBetween(200L, 400L);
        assertThat(sample(43)).isNotEqualTo(first);
    }

    @Test
    void clearRemovesFaultsAndCounts() {
        engine.add(new FaultEngine.Rule("sts", "*", Kind.DROP_CONNECTION, 0, Duration.ZERO, -1, 1.0, 0));
        engine.decide("sts", "GetCallerIdentity");

        engine.clear();

        assertThat(engine.decide("sts", "GetCallerIdentity").fault()).isNull();
        assertThat(engine.calls("sts", "*")).isEqualTo(1);
    }

    @Test
    void faultsRejectNonsenseBeforeInjectingAnything() {
        Faults faults = new Faults(engine);
        assertThatThrownBy(() -> faults.next(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("calls");
        assertThatThrownBy(() -> faults.fraction(1.5, 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> faults.always().serverError("rds", "*", 404))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("5xx");
        assertThatThrownBy(() -> faults.always().latency("rds", "*", Duration.ZERO))
                .isInstanceOf(InvalidInputException.class);
        assertThat(engine.decide("rds", "X").fault()).isNull();
    }

    private static List<Boolean> sample(long seed) {
        FaultEngine e = new FaultEngine();
        e.add(new FaultEngine.Rule("rds", "*", Kind.THROTTLE, 0, Duration.ZERO, -1, 0.3, seed));
        List<Boolean> hits = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            hits.add(e.decide("rds", "DescribeDBClusters").fault() != null);
        }
        return hits;
    }
}
