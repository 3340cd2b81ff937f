package dev.opskit.core.internal;

import dev.opskit.core.event.OpsEvent;
import java.lang.reflect.Method;
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
     *         dropped), attributes as a nested map (also when an event computes them), then
     *         {@code message}; for an event that is not a record, or whose record cannot be read
     *         (a private type of a user's), the fields every event has
     */
    public static Map<String, Object> of(OpsEvent event) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", event.type());
        if (!components(event, out)) {
            put(out, "time", event.time());
            put(out, "runbookId", event.runbookId());
            put(out, "step", event.step());
            put(out, "resource", event.resource());
        }
        if (!out.containsKey("attributes") && !event.attributes().isEmpty()) {
            out.put("attributes", event.attributes());
        }
        out.put("message", event.message());
        return out;
    }

    private static boolean components(OpsEvent event, Map<String, Object> out) {
        RecordComponent[] components = event.getClass().getRecordComponents();
        if (components == null) {
            return false;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (RecordComponent c : components) {
            try {
                Method accessor = c.getAccessor();
                if (!accessor.canAccess(event)) {
                    accessor.setAccessible(true);
                }
                put(values, c.getName(), accessor.invoke(event));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
        out.putAll(values);
        return true;
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
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
