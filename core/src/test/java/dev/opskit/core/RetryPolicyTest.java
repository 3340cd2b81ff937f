package dev.opskit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.Retrying;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2024-01-01T00:00:00Z"));
    private final EventBus bus = new EventBus();
    private final List<Retrying> retries = new ArrayList<>();

    RetryPolicyTest() {
        bus.subscribe(Retrying.class, retries::add);
    }

    private RetryPolicy.Builder policy() {
        return RetryPolicy.builder()
                .retryOn(Retryable.on("cluster busy", WrongStateException.class))
                .backoff(Backoff.schedule(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)))
                .clock(time.clock()).sleeper(time.sleeper()).events(bus);
    }

    private static WrongStateException busy(int n) {
        return new WrongStateException("orders", "modifying", "cluster orders is modifying (" + n + ")");
    }

    @Test
    void retriesANamedConditionAndPublishesOneEventPerRetry() {
        AtomicInteger calls = new AtomicInteger();
        String result = policy().build().call(() -> {
            int n = calls.incrementAndGet();
            if (n < 3) {
                throw busy(n);
            }
            return "modified";
        });
        assertThat(result).isEqualTo("modified");
        assertThat(calls).hasValue(3);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(retries).hasSize(2);
        assertThat(retries).extracting(Retrying::condition).containsOnly("cluster busy");
        assertThat(retries).extracting(Retrying::attempt).containsExactly(1, 2);
        assertThat(retries).extracting(Retrying::nextDelay).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(retries).extracting(Retrying::error)
                .containsExactly("cluster orders is modifying (1)", "cluster orders is modifying (2)");
    }

    @Test
    void anUnnamedFailureIsNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        IllegalArgumentException bad = new IllegalArgumentException("InvalidParameterValue");
        assertThatThrownBy(() -> policy().build().call(() -> {
            calls.incrementAndGet();
            throw bad;
        })).isSameAs(bad);
        assertThat(calls).hasValue(1);
        assertThat(retries).isEmpty();
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void theFinalFailureIsTheOriginalExceptionWithTheReasonRetriesEnded() {
        AtomicInteger calls = new AtomicInteger();
        List<WrongStateException> thrown = new ArrayList<>();
        assertThatThrownBy(() -> policy().maxAttempts(3).build().call(() -> {
            WrongStateException e = busy(calls.incrementAndGet());
            thrown.add(e);
            throw e;
        })).isInstanceOfSatisfying(WrongStateException.class, e -> {
            assertThat(e).isSameAs(thrown.get(2));
            assertThat(e.getCause()).isNull();
            assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s.getMessage())
                    .contains("'cluster busy'", "3 attempts", "maxAttempts"));
        });
        assertThat(calls).hasValue(3);
        assertThat(retries).hasSize(2);
    }

    @Test
    void noRetryStartsThatWouldEndAfterTheDeadline() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> policy().maxAttempts(50).deadline(Duration.ofSeconds(10)).build().call(() -> {
            throw busy(calls.incrementAndGet());
        })).isInstanceOfSatisfying(WrongStateException.class, e -> assertThat(e.getSuppressed()[0].getMessage())
                .contains("deadline"));
        // 1 + 2 + 4 + 4 = 11 s would pass 10 s, so only three retries happened.
        assertThat(calls).hasValue(4);
        assertThat(time.totalSlept()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void eventsInsideARunCarryTheRunbookIdAndStep() {
        AtomicInteger calls = new AtomicInteger();
        RunbookOutcome out = Runbook.named("modify").resource("orders")
                .step("apply parameter group", ctx -> Observation.change("old group", "attach new group"),
                        (ctx, obs) -> policy().build().call(ctx, () -> {
                            if (calls.incrementAndGet() == 1) {
                                throw busy(1);
                            }
                            return "attached";
                        }))
                .events(bus).clock(time.clock()).build().run();
        assertThat(retries).singleElement().satisfies(r -> {
            assertThat(r.runbookId()).isEqualTo(out.runbookId());
            assertThat(r.step()).isEqualTo("apply parameter group");
            assertThat(r.resource()).isEqualTo("orders");
        });
    }

    @Test
    void aPolicyMustNameWhatItRetries() {
        assertThatThrownBy(() -> RetryPolicy.builder().build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("never retries unnamed failures");
    }
}
