package dev.opskit.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBusTest {
    private static Note note(String text) {
        return new Note(Instant.EPOCH, "rb-00000000", "s", "r", text, Map.of());
    }

    @Test
    void deliversInPublishOrderToListenersInSubscriptionOrder() {
        EventBus bus = new EventBus();
        List<String> seen = new ArrayList<>();
        bus.subscribe(e -> seen.add("a:" + e.message()));
        bus.subscribe(e -> seen.add("b:" + e.message()));
        bus.publish(note("1"));
        bus.publish(note("2"));
        assertThat(seen).containsExactly("a:1", "b:1", "a:2", "b:2");
    }

    @Test
    void closingASubscriptionUnsubscribesOnceAndForAll() {
        EventBus bus = new EventBus();
        List<String> seen = new ArrayList<>();
        Subscription s = bus.subscribe(e -> seen.add(e.message()));
        bus.publish(note("before"));
        s.close();
        s.close();
        bus.publish(note("after"));
        assertThat(seen).containsExactly("before");
        assertThat(bus.listenerCount()).isZero();
    }

    @Test
    void aThrowingListenerDoesNotBreakThePublisherAndOthersStillGetTheEvent() {
        EventBus bus = new EventBus();
        List<String> seen = new ArrayList<>();
        bus.subscribe(e -> {
            throw new IllegalStateException("listener bug");
        });
        bus.subscribe(e -> seen.add(e.message()));
        bus.publish(note("x"));
        assertThat(seen).containsExactly("x");
    }

    @Test
    void typedSubscriptionsSeeOnlyTheirType() {
        EventBus bus = new EventBus();
        List<Warning> warnings = new ArrayList<>();
        bus.subscribe(Warning.class, warnings::add);
        bus.publish(note("n"));
        bus.publish(new Warning(Instant.EPOCH, null, null, null, "careful", Map.of()));
        assertThat(warnings).extracting(Warning::text).containsExactly("careful");
    }
}
