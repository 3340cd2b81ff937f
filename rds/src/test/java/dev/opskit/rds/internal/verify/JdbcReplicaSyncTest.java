package dev.opskit.rds.internal.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.VirtualTime;
import dev.opskit.core.WaitTimeoutException;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.Waiting;
import dev.opskit.rds.BinlogPosition;
import dev.opskit.rds.ReplicationStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JdbcReplicaSyncTest {
    private static final BinlogPosition TARGET = BinlogPosition.of("mysql-bin.000001", 5000);

    /** Sleeping moves the clock. */
    private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<Duration> sleeps = new ArrayList<>();
    private long executed = 1000;
    private final EventBus bus = new EventBus();
    private final List<Waiting> waits = new ArrayList<>();

    {
        bus.subscribe(Waiting.class, waits::add);
    }

    private JdbcReplicaSync sync(Duration timeout) {
        return new JdbcReplicaSync(() -> Optional.of(TARGET), () -> Optional.of(status()), "clone:3306", timeout,
                time.clock(), d -> {
                    sleeps.add(d);
                    time.advance(d);
                }, bus);
    }

    private ReplicationStatus status() {
        Map<String, Object> r = new HashMap<>();
        r.put("Master_Host", "source");
        r.put("Master_Port", 3306L);
        r.put("Master_Log_File", "mysql-bin.000001");
        r.put("Read_Master_Log_Pos", 6000L);
        r.put("Relay_Master_Log_File", "mysql-bin.000001");
        r.put("Exec_Master_Log_Pos", executed);
        r.put("Slave_IO_Running", "Yes");
        r.put("Slave_SQL_Running", "Yes");
        r.put("Seconds_Behind_Master", 1L);
        return ReplicationStatus.fromRow(r);
    }

    @Test
    void aReplicaAlreadyThereReturnsAtOnce() {
        executed = 5000;
        assertThat(sync(Duration.ofMinutes(2)).awaitExecuted(TARGET, Duration.ofSeconds(2))).isTrue();
        sync(Duration.ofMinutes(2)).awaitExecuted(TARGET);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aBoundedWaitPollsCloselyAndGivesUpQuietlyAtItsLimit() {
        assertThat(sync(Duration.ofMinutes(2)).awaitExecuted(TARGET, Duration.ofSeconds(2))).isFalse();
        assertThat(sleeps.get(0)).isEqualTo(Duration.ofMillis(5));
        assertThat(sleeps).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(40)));
        assertThat(sleeps.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aBoundedWaitNeverOutlastsTheCatchUpTimeout() {
        assertThat(sync(Duration.ofMillis(300)).awaitExecuted(TARGET, Duration.ofSeconds(2))).isFalse();
        assertThat(sleeps.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void theUnboundedWaitFailsWithTheReplicasStateAtTheCatchUpTimeout() {
        assertThatThrownBy(() -> sync(Duration.ofSeconds(10)).awaitExecuted(TARGET))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("replica clone:3306 (executed up to source position mysql-bin.000001 5000)")
                .hasMessageContaining("deadline 10s")
                .hasMessageContaining("executed=mysql-bin.000001 1000");
        assertThat(sleeps).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(500)));
        assertThat(sleeps.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofSeconds(10));
        // every poll is a Waiting event, the last one without a next delay
        assertThat(waits).hasSize(sleeps.size() + 1).allSatisfy(w -> {
            assertThat(w.resource()).isEqualTo("replica clone:3306");
            assertThat(w.observedState()).contains("executed=mysql-bin.000001 1000");
        });
        assertThat(waits.get(waits.size() - 1).nextDelay()).isNull();
    }

    @Test
    void aReplicaThatGetsThereWhileWaitedForEndsTheWait() {
        JdbcReplicaSync s = new JdbcReplicaSync(() -> Optional.of(TARGET), () -> {
            executed += 1000; // an event group applied per poll
            return Optional.of(status());
        }, "clone:3306", Duration.ofMinutes(2), Clock.systemUTC(), d -> sleeps.add(d), null);
        assertThat(s.awaitExecuted(TARGET, Duration.ofSeconds(2))).isTrue();
        assertThat(sleeps).hasSize(3);
    }
}
