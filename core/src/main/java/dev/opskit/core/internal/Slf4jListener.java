package dev.opskit.core.internal;

import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each event through the SLF4J 2 fluent API: the event's message as the log message and
 * every field as a key-value pair, so structured back ends (logstash encoder, JSON layouts) get
 * {@code runbookId}, {@code step}, {@code resource} and the attributes as fields.
 */
public final class Slf4jListener implements EventListener {
    private final Logger logger;

    /** @param logger where events go */
    public Slf4jListener(Logger logger) {
        this.logger = logger;
    }

    /** @return a listener logging to {@code dev.opskit.events} */
    public static Slf4jListener standard() {
        return new Slf4jListener(LoggerFactory.getLogger("dev.opskit.events"));
    }

    @Override
    public void onEvent(OpsEvent event) {
        Level level = switch (event.severity()) {
            case ERROR -> Level.ERROR;
            case WARNING -> Level.WARN;
            case INFO -> Level.INFO;
        };
        if (!logger.isEnabledForLevel(level)) {
            return;
        }
        LoggingEventBuilder b = logger.atLevel(level);
        for (Map.Entry<String, Object> field : EventFields.of(event).entrySet()) {
            String key = field.getKey();
            if (key.equals("message") || key.equals("time")) {
                continue; // the message is the log line; the back end stamps its own time
            }
            if (field.getValue() instanceof Map<?, ?> attributes) {
                attributes.forEach((k, v) -> b.addKeyValue(String.valueOf(k), v));
            } else {
                b.addKeyValue(key.equals("type") ? "event" : key, field.getValue());
            }
        }
        b.log(event.message());
    }
}
