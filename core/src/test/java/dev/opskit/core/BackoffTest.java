package dev.opskit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Property
    void fullJitterStaysWithinZeroAndTheEnvelope(@ForAll @LongRange(min = 1, max = 60_000) long initialMs,
            @ForAll @LongRange(min = 0, max = 600_000) long extraMs, @ForAll @IntRange(min = 1, max = 200) int attempt,
            @ForAll long seed) {
        Duration initial = Duration.ofMillis(initialMs);
        Duration cap = initial.plusMillis(extraMs);
        Backoff b = Backoff.exponential(initial, cap).withJitter(Backoff.Jitter.FULL);
        Duration envelope = envelope(initial, cap, attempt);
        Duration d = b.delayAfter(attempt, new Random(seed));
        assertThat(b.ceiling(attempt)).isEqualTo(envelope);
        assertThat(d).isBetween(Duration.ZERO, envelope);
        assertThat(d).isLessThanOrEqualTo(cap);
    }

    @Property
    void equalJitterStaysWithinHalfTheEnvelopeAndTheEnvelope(@ForAll @LongRange(min = 1, max = 60_000) long initialMs,
            @ForAll @LongRange(min = 0, max = 600_000) long extraMs, @ForAll @IntRange(min = 1, max = 200) int attempt,
            @ForAll long seed) {
        Duration initial = Duration.ofMillis(initialMs);
        Duration cap = initial.plusMillis(extraMs);
        Backoff b = Backoff.exponential(initial, cap).withJitter(Backoff.Jitter.EQUAL);
        Duration envelope = envelope(initial, cap, attempt);
        Duration d = b.delayAfter(attempt, new Random(seed));
        assertThat(d).isBetween(envelope.dividedBy(2), envelope);
    }

    @Property
    void theEnvelopeNeverShrinksAndNeverPassesTheCap(@ForAll @LongRange(min = 1, max = 10_000) long initialMs,
            @ForAll @LongRange(min = 0, max = 100_000) long extraMs, @ForAll @IntRange(min = 1, max = 500) int attempt) {
        Duration cap = Duration.ofMillis(initialMs + extraMs);
        Backoff b = Backoff.exponential(Duration.ofMillis(initialMs), cap);
        assertThat(b.ceiling(attempt + 1)).isGreaterThanOrEqualTo(b.ceiling(attempt)).isLessThanOrEqualTo(cap);
    }

    private static Duration envelope(Duration initial, Duration cap, int attempt) {
        double nanos = initial.toNanos() * Math.pow(2, attempt - 1);
        return nanos >= cap.toNanos() ? cap : Duration.ofNanos((long) nanos);
    }

    @Test
    void jitterActuallySpreadsDelays() {
        Backoff b = Backoff.exponential(Duration.ofSeconds(10), Duration.ofSeconds(10)).withJitter(Backoff.Jitter.FULL);
        Random r = new Random(42);
        long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> b.delayAfter(1, r)).distinct().count();
        assertThat(distinct).isGreaterThan(40);
    }

    @Test
    void scheduleRepeatsItsLastDelay() {
        Backoff s = Backoff.schedule(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(s.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.delayAfter(2)).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.delayAfter(9)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rejectsACapBelowTheInitialDelay() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least the initial delay PT5S");
        assertThatThrownBy(() -> Backoff.fixed(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Backoff.schedule()).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void proportionalDelaysStayNearTwoAndAHalfPercentOfTheTimeWaitedAndAreCapped() {
        Backoff b = Backoff.proportional(Duration.ofMillis(5), Duration.ofSeconds(10));
        long waited = 0;
        for (int attempt = 1; attempt < 800; attempt++) {
            long ceiling = b.ceiling(attempt).toMillis();
            assertThat(ceiling).isLessThanOrEqualTo(Math.max(5, waited / 40) + 1).isLessThanOrEqualTo(10_000);
            waited += ceiling;
        }
        assertThat(b.cap()).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(5));
        assertThat(b.ceiling(40)).isEqualTo(Duration.ofMillis(5));
        assertThat(b.ceiling(10_000)).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.jitter()).isEqualTo(Backoff.Jitter.EQUAL);
        assertThat(b.toString()).contains("proportional", "PT0.005S", "PT10S");
        Random r = new Random(7);
        for (int attempt = 1; attempt < 500; attempt += 7) {
            Duration d = b.delayAfter(attempt, r);
            assertThat(d).isBetween(b.ceiling(attempt).dividedBy(2), b.ceiling(attempt));
        }
    }

    @Test
    void proportionalRejectsAFloorBelowAMillisecondOrACapBelowTheFloor() {
        assertThatThrownBy(() -> Backoff.proportional(Duration.ofNanos(10), Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("1 ms");
        assertThatThrownBy(() -> Backoff.proportional(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least the floor");
        assertThatThrownBy(() -> Backoff.proportional(null, Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class);
    }
}
