package dev.opskit.core.internal;

import dev.opskit.core.event.OpsEvent;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns any event record into an ordered map of its fields, so that every output (SLF4J, JSON
 * lines) shows the same fields without one method per event type. Events are records whose
 * values are already safe (attributes are redacted when the event is built).
 */
public final class EventFields {
    private EventFields() {
    }

    /**
     * @param event an event
     * @return {@code type}, then each record component in declaration order ({@code null}s
     *         dropped), attributes as a nested map, then {@code message}
     */
    public static Map<String, Object> of(OpsEvent event) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", event.type());
        for (RecordComponent c : event.getClass().getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(event);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + event.type(), e);
            }
            if (value != null) {
                out.put(c.getName(), value);
            }
        }
        out.put("message", event.message());
        return out;
    }

    /**
     * @param value a field value
     * @return the value with durations and instants as ISO-8601 strings, maps converted deeply
     */
    public static Object jsonValue(Object value) {
        if (value instanceof Duration || value instanceof Instant) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), jsonValue(v)));
            return copy;
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return String.valueOf(value);
    }
}
