package dev.opskit.rds.internal.runbook;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.Note;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Warning;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Publishes the runbook's events, all stamped with one runbook id. */
public final class Events {
    private final EventBus bus;
    private volatile String runbookId;

    public Events(EventBus bus, String runbookId) {
        this.bus = bus;
        this.runbookId = runbookId;
    }

    public EventBus bus() {
        return bus;
    }

    /** Adopts the id of the core runbook run, so that the runbook's own events carry it too. */
    public void runbookId(String id) {
        this.runbookId = id;
    }

    public String runbookId() {
        return runbookId;
    }

    public void publish(OpsEvent e) {
        bus.publish(e);
    }

    public void note(String step, String resource, String text, Map<String, Object> attributes) {
        bus.publish(new Note(Instant.now(), runbookId, step, resource, text, attributes));
    }

    public void warning(String step, String resource, String text, Map<String, Object> attributes) {
        bus.publish(new Warning(Instant.now(), runbookId, step, resource, text, attributes));
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
