package dev.opskit.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventListenersTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void eachRunGetsEveryListenerInOrderAndLetsGoOfTheCallersBusAfterwards() {
        List<String> seen = new ArrayList<>();
        EventBus shared = new EventBus();
        shared.subscribe(e -> seen.add("shared " + e.type()));
        EventListeners listeners = new EventListeners()
                .add(e -> seen.add("all " + e.type()))
                .add(StepFailed.class, e -> seen.add("failed " + e.step()))
                .forwardTo(shared);

        EventBus run = new EventBus();
        try (Subscription s = listeners.attachTo(run)) {
            run.publish(new StepStarted(T, "rb-1", "clone", "orders", Map.of()));
            run.publish(new StepFailed(T, "rb-1", "clone", "orders", Duration.ZERO, "busy", Map.of()));
        }
        run.publish(new StepStarted(T, "rb-1", "after", "orders", Map.of()));

        assertThat(seen).containsExactly("all StepStarted", "shared StepStarted", "all StepFailed", "failed clone",
                "shared StepFailed");
        assertThat(run.listenerCount()).isZero();
        assertThat(shared.listenerCount()).isEqualTo(1);
        assertThat(listeners.newBus().listenerCount()).isEqualTo(3);
        assertThat(new EventListeners().isEmpty()).isTrue();
    }
}
