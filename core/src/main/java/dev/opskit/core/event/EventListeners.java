package dev.opskit.core.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The listeners a runbook setup was given, in the order given, to be attached to each run's own
 * bus: listeners of every event, listeners of one event type, and buses of the caller's that
 * receive every event too. Every setup offers the same three methods
 * ({@code listener(EventListener)}, {@code listener(Class, Consumer)}, {@code events(EventBus)})
 * and keeps them here; each run subscribes them to a fresh bus and closes the subscriptions when
 * it ends, so nothing of one run stays on a caller's bus.
 *
 * <pre>{@code
 * private final EventListeners listeners = new EventListeners();
 *
 * public MySetup listener(EventListener l) { listeners.add(l); return this; }
 *
 * RunbookOutcome run() {
 *     EventBus bus = new EventBus();
 *     try (Subscription s = listeners.attachTo(bus)) {
 *         return Runbook.named("...").events(bus)...build().run();
 *     }
 * }
 * }</pre>
 *
 * <p>Not thread-safe while being filled; attaching is safe from any thread afterwards.
 */
public final class EventListeners {
    private final List<Function<EventBus, Subscription>> subscriptions = new ArrayList<>();

    /** Creates an empty set. */
    public EventListeners() {
    }

    /**
     * @param listener receives every event
     * @return this set
     */
    public EventListeners add(EventListener listener) {
        Objects.requireNonNull(listener, "listener");
        subscriptions.add(bus -> bus.subscribe(listener));
        return this;
    }

    /**
     * @param type the event type (and its subtypes)
     * @param listener receives the events of that type
     * @param <E> the event type
     * @return this set
     */
    public <E extends OpsEvent> EventListeners add(Class<E> type, Consumer<? super E> listener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        subscriptions.add(bus -> bus.subscribe(type, listener));
        return this;
    }

    /**
     * @param bus a bus of the caller's that receives every event as well, e.g. one shared by
     *     several runbooks
     * @return this set
     */
    public EventListeners forwardTo(EventBus bus) {
        Objects.requireNonNull(bus, "bus");
        subscriptions.add(run -> run.subscribe(bus::publish));
        return this;
    }

    /**
     * Subscribes every listener to a run's bus, in the order given.
     *
     * @param bus the run's bus
     * @return one subscription that unsubscribes them all
     */
    public Subscription attachTo(EventBus bus) {
        Objects.requireNonNull(bus, "bus");
        List<Subscription> made = new ArrayList<>();
        for (Function<EventBus, Subscription> s : List.copyOf(subscriptions)) {
            made.add(s.apply(bus));
        }
        return () -> made.forEach(Subscription::close);
    }

    /** @return a new bus with every listener subscribed */
    public EventBus newBus() {
        EventBus bus = new EventBus();
        attachTo(bus);
        return bus;
    }

    /** @return true if nothing was added */
    public boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    @Override
    public String toString() {
        return "EventListeners[" + subscriptions.size() + "]";
    }
}
