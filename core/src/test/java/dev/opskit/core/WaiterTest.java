package dev.opskit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.Waiting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WaiterTest {
    private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2024-01-01T00:00:00Z"));

    /** Returns the given states in order, then repeats the last one; counts polls. */
    private static final class States {
        final AtomicInteger polls = new AtomicInteger();
        private final Iterator<String> it;
        private String last;

        States(String... states) {
            it = List.of(states).iterator();
        }

        String next() {
            polls.incrementAndGet();
            if (it.hasNext()) {
                last = it.next();
            }
            return last;
        }
    }

    private Waiter.Builder<String> waiter(States states) {
        return Waiter.forResource("DB cluster orders-clone").waitingFor("status available")
                .poll(states::next)
                .state(s -> s)
                .clock(time.clock())
                .sleeper(time.sleeper());
    }

    @Test
    void returnsTheObservationOnceASuccessAcceptorMatches() {
        States states = new States("creating", "creating", "backing-up", "available");
        String result = waiter(states).succeedWhen("available"::equals)
                .backoff(Backoff.fixed(Duration.ofSeconds(5)))
                .await();
        assertThat(result).isEqualTo("available");
        assertThat(states.polls).hasValue(4);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void deadlineIsHonouredEvenWithManyQuickAttempts() {
        States states = new States("creating");
        Duration deadline = Duration.ofMinutes(2);
        assertThatThrownBy(() -> waiter(states).succeedWhen("available"::equals)
                .backoff(Backoff.fixed(Duration.ofMillis(700)))
                .deadline(deadline)
                .await())
                .isInstanceOfSatisfying(WaitTimeoutException.class, e -> {
                    assertThat(e.attemptLimitReached()).isFalse();
                    assertThat(e.elapsed()).isEqualTo(deadline);
                    // 120 s / 0.7 s = 171 full sleeps, one clipped sleep, then the poll at the deadline
                    assertThat(e.attempts()).isEqualTo(173);
                });
        assertThat(time.totalSlept()).isEqualTo(deadline);
        List<Duration> sleeps = time.sleeps();
        assertThat(sleeps.get(sleeps.size() - 1)).isEqualTo(Duration.ofMillis(120_000 - 171 * 700));
    }

    @Test
    void attemptLimitIsExplicitAndTheMessageSaysItEndedTheWait() {
        States states = new States("creating");
        assertThatThrownBy(() -> waiter(states).succeedWhen("available"::equals)
                .backoff(Backoff.fixed(Duration.ofSeconds(10)))
                .deadline(Duration.ofMinutes(30))
                .maxAttempts(4)
                .await())
                .isInstanceOfSatisfying(WaitTimeoutException.class, e -> {
                    assertThat(e.attemptLimitReached()).isTrue();
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.getMessage()).contains("maxAttempts limit", "4 attempts", "30m 0s deadline",
                            "'creating'", "DB cluster orders-clone", "status available");
                });
        assertThat(states.polls).hasValue(4);
    }

    @Test
    void withoutAnExplicitLimitManyAttemptsNeverShortenTheDeadline() {
        States states = new States("creating");
        // 1 ms delays would mean over a million attempts in 20 minutes: no hidden cap may stop it early.
        assertThatThrownBy(() -> waiter(states).succeedWhen("available"::equals)
                .backoff(Backoff.fixed(Duration.ofMillis(1)))
                .deadline(Duration.ofMinutes(20))
                .await())
                .isInstanceOfSatisfying(WaitTimeoutException.class, e -> {
                    assertThat(e.elapsed()).isEqualTo(Duration.ofMinutes(20));
                    assertThat(e.attempts()).isEqualTo(1_200_001);
                    assertThat(e.attemptLimitReached()).isFalse();
                });
    }

    @Test
    void timeoutMessageNamesWhatResourceLastStateAttemptsAndElapsed() {
        States states = new States("creating", "creating", "modifying");
        assertThatThrownBy(() -> waiter(states).succeedWhen("available"::equals)
                .backoff(Backoff.fixed(Duration.ofSeconds(30)))
                .deadline(Duration.ofSeconds(90))
                .await())
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("DB cluster orders-clone")
                .hasMessageContaining("status available")
                .hasMessageContaining("last state seen 'modifying'")
                .hasMessageContaining("4 attempts")
                .hasMessageContaining("after 1m 30s")
                .satisfies(e -> {
                    WaitTimeoutException w = (WaitTimeoutException) e;
                    assertThat(w.resourceId()).contains("DB cluster orders-clone");
                    assertThat(w.lastState()).contains("modifying");
                });
    }

    @Test
    void terminalStateFailsFastWithTheReason() {
        States states = new States("creating", "failed", "available");
        assertThatThrownBy(() -> waiter(states)
                .failWhen("failed"::equals, s -> "the clone failed; read its RDS events")
                .succeedWhen("available"::equals)
                .backoff(Backoff.fixed(Duration.ofSeconds(5)))
                .await())
                .isInstanceOfSatisfying(WaitFailedException.class, e -> {
                    assertThat(e.reason()).isEqualTo("the clone failed; read its RDS events");
                    assertThat(e.lastState()).contains("failed");
                    assertThat(e.attempts()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("DB cluster orders-clone", "'failed'", "read its RDS events");
                });
        assertThat(states.polls).hasValue(2);
        assertThat(time.sleeps()).hasSize(1);
    }

    @Test
    void acceptorsAreEvaluatedInDeclaredOrder() {
        // "incompatible-parameters" matches both; the first declared acceptor must win.
        States states = new States("incompatible-parameters");
        assertThatThrownBy(() -> waiter(states)
                .failWhen(s -> s.startsWith("incompatible"), s -> "fix the parameter group")
                .succeedWhen(s -> !s.equals("creating"))
                .await())
                .isInstanceOf(WaitFailedException.class);

        States again = new States("incompatible-parameters");
        assertThat(waiter(again)
                .succeedWhen(s -> !s.equals("creating"))
                .failWhen(s -> s.startsWith("incompatible"), s -> "fix the parameter group")
                .await()).isEqualTo("incompatible-parameters");
    }

    @Test
    void namedErrorsAreWaitedOutAndOthersPropagateUnchanged() {
        AtomicInteger polls = new AtomicInteger();
        String result = Waiter.forResource("DB cluster c").waitingFor("exists")
                .poll(() -> {
                    if (polls.incrementAndGet() < 3) {
                        throw new ResourceNotFoundException("DB cluster", "c", "not yet", null);
                    }
                    return "available";
                })
                .succeedWhen("available"::equals)
                .retryOn(ResourceNotFoundException.class)
                .clock(time.clock()).sleeper(time.sleeper())
                .await();
        assertThat(result).isEqualTo("available");
        assertThat(polls).hasValue(3);

        IllegalStateException boom = new IllegalStateException("access denied");
        assertThatThrownBy(() -> Waiter.forResource("DB cluster c").waitingFor("exists")
                .poll(() -> {
                    throw boom;
                })
                .succeedWhen(x -> true)
                .retryOn(ResourceNotFoundException.class)
                .clock(time.clock()).sleeper(time.sleeper())
                .await()).isSameAs(boom);
    }

    @Test
    void failOnTurnsATerminalErrorIntoWaitFailedWithTheCause() {
        ConflictException conflict = new ConflictException("c", "cluster c was deleted");
        assertThatThrownBy(() -> Waiter.forResource("DB cluster c").waitingFor("available")
                .poll(() -> {
                    throw conflict;
                })
                .succeedWhen(x -> true)
                .failOn(ConflictException.class, e -> "deleted while waiting: " + e.getMessage())
                .clock(time.clock()).sleeper(time.sleeper())
                .await())
                .isInstanceOf(WaitFailedException.class)
                .hasCause(conflict)
                .hasMessageContaining("deleted while waiting: cluster c was deleted");
    }

    @Test
    void publishesAWaitingEventOnEveryAttempt() {
        EventBus bus = new EventBus();
        List<Waiting> events = new ArrayList<>();
        bus.subscribe(Waiting.class, events::add);
        List<Waiting> callbacks = new ArrayList<>();
        States states = new States("creating", "modifying", "available");
        waiter(states).succeedWhen("available"::equals)
                .backoff(Backoff.schedule(Duration.ofSeconds(2), Duration.ofSeconds(4)))
                .events(bus, "rb-12345678", "create clone")
                .onProgress(callbacks::add)
                .await();
        assertThat(events).hasSize(3).isEqualTo(callbacks);
        assertThat(events).extracting(Waiting::attempt).containsExactly(1, 2, 3);
        assertThat(events).extracting(Waiting::observedState).containsExactly("creating", "modifying", "available");
        assertThat(events).extracting(Waiting::nextDelay)
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), null);
        assertThat(events).extracting(Waiting::elapsed)
                .containsExactly(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(6));
        assertThat(events).allSatisfy(e -> {
            assertThat(e.runbookId()).isEqualTo("rb-12345678");
            assertThat(e.step()).isEqualTo("create clone");
            assertThat(e.resource()).isEqualTo("DB cluster orders-clone");
            assertThat(e.waitingFor()).isEqualTo("status available");
        });
    }

    @Test
    void aThrowingProgressCallbackDoesNotBreakTheWait() {
        States states = new States("creating", "available");
        assertThat(waiter(states).succeedWhen("available"::equals)
                .onProgress(e -> {
                    throw new IllegalStateException("display broke");
                })
                .await()).isEqualTo("available");
    }

    @Test
    void interruptEndsARealSleepPromptlyAndKeepsTheFlag() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        CountDownLatch polled = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                Waiter.forResource("DB cluster c").waitingFor("available")
                        .poll(() -> {
                            polled.countDown();
                            return "creating";
                        })
                        .succeedWhen("available"::equals)
                        .backoff(Backoff.fixed(Duration.ofMinutes(5)))
                        .await();
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        assertThat(polled.await(5, TimeUnit.SECONDS)).isTrue();
        long before = System.nanoTime();
        t.interrupt();
        t.join(5_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
        assertThat(thrown.get()).isInstanceOf(WaitInterruptedException.class)
                .hasMessageContaining("DB cluster c").hasMessageContaining("'creating'");
        assertThat(flag.get()).isTrue();
    }

    @Test
    void aThreadAlreadyInterruptedDoesNotPoll() {
        States states = new States("creating");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> waiter(states).succeedWhen("available"::equals).await())
                    .isInstanceOf(WaitInterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(states.polls).hasValue(0);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void rejectsBadSettingsBeforeWaiting() {
        assertThatThrownBy(() -> Waiter.forResource(" ")).isInstanceOf(InvalidInputException.class);
        Waiter.Builder<String> w = waiter(new States("x"));
        assertThatThrownBy(() -> w.deadline(Duration.ZERO)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("deadline");
        assertThatThrownBy(() -> w.maxAttempts(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxAttempts");
    }
}
