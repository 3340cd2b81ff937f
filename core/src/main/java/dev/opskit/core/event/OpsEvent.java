package dev.opskit.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something that happened during an operation: a runbook or step starting, being skipped,
 * succeeding or failing, a wait making progress, a retry, a warning, a note, and the typed events
 * of each module (replication lag, an upgrade's RDS events, a maintenance window's execution).
 * Every event is an immutable record that carries when it happened, the runbook run it belongs
 * to, the step, the resource concerned and free-form attributes. Core's own events are the
 * records of this package; a module adds its family as a sealed interface extending this one,
 * in its own {@code event} package, and listeners pick what they want by type. Secrets never appear in events: a
 * {@link dev.opskit.core.Secret} given as an attribute is stored in its redacted form.
 *
 * <pre>{@code
 * bus.subscribe(StepFailed.class, e -> System.out.println(e.step() + ": " + e.error()));
 * }</pre>
 */
public interface OpsEvent {

    /** How much an event matters to an operator; logs and consoles show it accordingly. */
    enum Severity {
        /** Progress and facts. */
        INFO,
        /** Nothing failed, but a caveat applies (something was skipped, a check could not run). */
        WARNING,
        /** Something failed. */
        ERROR
    }

    /**
     * @return how much this event matters; {@link Severity#INFO} unless the event type says
     *     otherwise ({@link Warning} and, e.g., a skipped replication error are warnings,
     *     {@link StepFailed} is an error)
     */
    default Severity severity() {
        return Severity.INFO;
    }

    /** @return when it happened */
    Instant time();

    /** @return the id of the runbook run it belongs to, or {@code null} outside a runbook */
    String runbookId();

    /** @return the step it belongs to, or {@code null} */
    String step();

    /** @return the resource it is about (cluster id, window id, ...), or {@code null} */
    String resource();

    /** @return further facts, in insertion order; values are strings, numbers, booleans,
     *  durations or instants */
    Map<String, Object> attributes();

    /** @return a one-line human-readable description */
    String message();

    /** @return the event's type name, such as {@code StepSucceeded} */
    default String type() {
        return getClass().getSimpleName();
    }

    /**
     * Copies attributes into an unmodifiable, ordered map of safe values: secrets become their
     * redacted form, enums their name, other unknown types their string form. Null values are
     * dropped.
     *
     * @param attributes the attributes, may be null
     * @return an unmodifiable copy
     */
    static Map<String, Object> safeAttributes(Map<String, ?> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        attributes.forEach((k, v) -> {
            if (k == null || v == null) {
                return;
            }
            Object safe;
            if (v instanceof String || v instanceof Number || v instanceof Boolean
                    || v instanceof Duration || v instanceof Instant) {
                safe = v;
            } else if (v instanceof Enum<?> e) {
                safe = e.name();
            } else {
                safe = v.toString(); // Secret.toString() is redacted
            }
            copy.put(k, safe);
        });
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Builds an attribute map from alternating keys and values, e.g.
     * {@code OpsEvent.attributes("lagSeconds", 3, "file", "mysql-bin.000002")}.
     *
     * @param keysAndValues alternating keys (strings) and values
     * @return an unmodifiable ordered map of safe values
     * @throws IllegalArgumentException if the count is odd or a key is not a string
     */
    static Map<String, Object> attributes(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("attributes need key/value pairs, got an odd count");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String key)) {
                throw new IllegalArgumentException("attribute key at " + i + " is not a string");
            }
            map.put(key, keysAndValues[i + 1]);
        }
        return safeAttributes(map);
    }
}
