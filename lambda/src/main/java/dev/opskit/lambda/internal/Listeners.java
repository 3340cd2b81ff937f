package dev.opskit.lambda.internal;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The event wiring every Lambda setup offers: its own bus, listeners on it, and buses the caller
 * gives that receive every event too (so the order of the calls does not matter).
 */
public final class Listeners {
    private final EventBus bus = new EventBus();

    /** @return the bus the runbook publishes to */
    public EventBus bus() {
        return bus;
    }

    public void add(EventListener listener) {
        bus.subscribe(Objects.requireNonNull(listener, "listener"));
    }

    public <E extends OpsEvent> void add(Class<E> type, Consumer<? super E> listener) {
        bus.subscribe(Objects.requireNonNull(type, "type"), Objects.requireNonNull(listener, "listener"));
    }

    public void forwardTo(EventBus other) {
        Objects.requireNonNull(other, "bus");
        bus.subscribe(other::publish);
    }
}
