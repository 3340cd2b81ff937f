package dev.opskit.core.event;

/**
 * A listener's subscription to an {@link EventBus}. Closing it unsubscribes; closing it again
 * does nothing.
 *
 * <pre>{@code
 * try (Subscription s = bus.subscribe(e -> System.out.println(e.message()))) {
 *     runbook.run();
 * }
 * }</pre>
 */
public interface Subscription extends AutoCloseable {
    /** Unsubscribes the listener; idempotent. */
    @Override
    void close();
}
