package dev.opskit.core.event;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to subscribed listeners, synchronously and in subscription order. Thread-safe.
 * A listener that throws is logged and skipped: the operation that published the event never sees
 * the exception.
 *
 * <pre>{@code
 * EventBus bus = new EventBus();
 * Subscription all = bus.subscribe(e -> System.out.println(e.message()));
 * Subscription failures = bus.subscribe(StepFailed.class, e -> alert(e.error()));
 * failures.close();  // unsubscribes
 * }</pre>
 */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();

    /** Creates a bus with no listeners. */
    public EventBus() {
    }

    /**
     * Subscribes a listener to every event.
     *
     * @param listener the listener
     * @return a subscription; close it to unsubscribe
     */
    public Subscription subscribe(EventListener listener) {
        Objects.requireNonNull(listener, "listener");
        Registration registration = new Registration(listener);
        registrations.add(registration);
        return registration;
    }

    /**
     * Subscribes a listener to events of one type (and its subtypes).
     *
     * @param type the event type, e.g. {@code StepFailed.class}
     * @param listener the listener
     * @param <E> the event type
     * @return a subscription; close it to unsubscribe
     */
    public <E extends OpsEvent> Subscription subscribe(Class<E> type, Consumer<? super E> listener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        return subscribe(event -> {
            if (type.isInstance(event)) {
                listener.accept(type.cast(event));
            }
        });
    }

    /**
     * Delivers an event to every current listener. Never throws because of a listener.
     *
     * @param event the event
     */
    public void publish(OpsEvent event) {
        Objects.requireNonNull(event, "event");
        for (Registration registration : registrations) {
            try {
                registration.listener.onEvent(event);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("event listener {} failed on {} event; the operation goes on",
                        registration.listener.getClass().getName(), event.type(), e);
            }
        }
    }

    /** @return the number of current listeners */
    public int listenerCount() {
        return registrations.size();
    }

    private final class Registration implements Subscription {
        private final EventListener listener;
        private final AtomicBoolean closed = new AtomicBoolean();

        Registration(EventListener listener) {
            this.listener = listener;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                registrations.remove(this);
            }
        }
    }
}
