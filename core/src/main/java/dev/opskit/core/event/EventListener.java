package dev.opskit.core.event;

/**
 * Receives events. A listener's exception is logged by the {@link EventBus} and never reaches the
 * operation that published the event.
 *
 * <pre>{@code
 * EventListener printer = e -> System.out.println(e.message());
 * }</pre>
 */
@FunctionalInterface
public interface EventListener {
    /**
     * Called for every event published to a bus this listener is subscribed to.
     *
     * @param event the event
     */
    void onEvent(OpsEvent event);
}
