package dev.opskit.core.event;

import dev.opskit.core.internal.Slf4jListener;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Receives events. A listener's exception is logged by the {@link EventBus} and never reaches the
 * operation that published the event.
 *
 * <pre>{@code
 * EventListener printer = e -> System.out.println(e.message());
 * bus.subscribe(EventListener.slf4j());
 * bus.subscribe(EventListener.console());
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

    /**
     * Logs every event through SLF4J 2's fluent API to the logger {@code dev.opskit.events}:
     * the event's message as the log message, and {@code event}, {@code runbookId},
     * {@code step}, {@code resource}, the event's own fields and its attributes as key-value
     * pairs, at the level of the event's {@link OpsEvent#severity() severity}: ERROR
     * ({@code StepFailed}), WARN ({@code Warning}, a skipped replication error, ...) or INFO.
     *
     * <pre>{@code
     * bus.subscribe(EventListener.slf4j());
     * }</pre>
     *
     * @return the listener
     */
    static EventListener slf4j() {
        return Slf4jListener.standard();
    }

    /**
     * Appends one JSON object per event per line to a file; see {@link JsonLinesListener} for
     * the fields, the time format and why jackson-jr. Close it when done.
     *
     * <pre>{@code
     * try (JsonLinesListener json = EventListener.jsonLines(Path.of("run.jsonl"))) {
     *     bus.subscribe(json);
     *     runbook.run();
     * }
     * }</pre>
     *
     * @param file the file to append to (created if missing)
     * @return the listener
     */
    static JsonLinesListener jsonLines(Path file) {
        return JsonLinesListener.appendingTo(file);
    }

    /**
     * A progress display on {@code System.out}: a line per step result and one updating line
     * per wait; see {@link ConsoleProgress}.
     *
     * <pre>{@code
     * bus.subscribe(EventListener.console());
     * }</pre>
     *
     * @return the listener
     */
    static ConsoleProgress console() {
        return console(System.out);
    }

    /**
     * A progress display on the given stream.
     *
     * @param out where to print
     * @return the listener
     */
    static ConsoleProgress console(PrintStream out) {
        return ConsoleProgress.to(out);
    }
}
