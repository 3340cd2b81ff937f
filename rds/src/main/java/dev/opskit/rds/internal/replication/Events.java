package dev.opskit.rds.internal.replication;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Warning;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** Where the replication runbook's and its handle's events go, stamped by the run's clock. */
public final class Events {
    private final EventBus bus;
    private final Clock clock;

    public Events(EventBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    public EventBus bus() {
        return bus;
    }

    /** @return now, by the run's clock: the time to give an event */
    public Instant now() {
        return clock.instant();
    }

    public void publish(OpsEvent e) {
        bus.publish(e);
    }

    public void warning(String runbookId, String step, String resource, String text, Map<String, Object> attributes) {
        bus.publish(new Warning(now(), runbookId, step, resource, text, attributes));
    }
}
