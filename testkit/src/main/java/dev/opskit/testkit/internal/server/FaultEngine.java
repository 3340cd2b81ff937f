package dev.opskit.testkit.internal.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The injected faults of one LocalAws and the count of calls seen per service and operation.
 * Rules are checked in the order they were added; every matching latency rule adds its delay,
 * the first matching throttle, server error or dropped connection decides the answer.
 */
public final class FaultEngine {
    /** What a fault does. */
    public enum Kind { THROTTLE, SERVER_ERROR, LATENCY, DROP_CONNECTION }

    /** One injected fault; {@code remaining} is -1 for unlimited, {@code fraction} 1 for every call. */
    public static final class Rule {
        private final String service;
        private final String operation;
        private final Kind kind;
        private final int status;
        private final Duration latency;
        private final AtomicInteger remaining;
        private final double fraction;
        private final Random random;
        private final AtomicInteger triggered = new AtomicInteger();

        public Rule(String service, String operation, Kind kind, int status, Duration latency,
                int times, double fraction, long seed) {
            this.service = service;
            this.operation = operation;
            this.kind = kind;
            this.status = status;
            this.latency = latency;
            this.remaining = new AtomicInteger(times);
            this.fraction = fraction;
            this.random = new Random(seed);
        }

        public Kind kind() {
            return kind;
        }

        public int status() {
            return status;
        }

        public Duration latency() {
            return latency;
        }

        public int triggered() {
            return triggered.get();
        }

        /** Whether a limited rule has used up its calls. */
        public boolean exhausted() {
            return remaining.get() == 0;
        }

        boolean matches(String svc, String op) {
            return (service.equals("*") || service.equalsIgnoreCase(svc))
                    && (operation.equals("*") || operation.equals(op));
        }

        boolean fire() {
            if (fraction < 1.0) {
                synchronized (random) {
                    if (random.nextDouble() >= fraction) {
                        return false;
                    }
                }
            }
            // Count down atomically so that concurrent calls never overshoot "next N".
            int left;
            do {
                left = remaining.get();
                if (left == 0) {
                    return false;
                }
            } while (left > 0 && !remaining.compareAndSet(left, left - 1));
            triggered.incrementAndGet();
            return true;
        }
    }

    /** What to do with one call: wait {@code delay}, then fail with {@code fault} unless null. */
    public record Decision(Duration delay, Rule fault) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    public Rule add(Rule rule) {
        rules.add(rule);
        return rule;
    }

    public void remove(Rule rule) {
        rules.remove(rule);
    }

    /** Removes every rule and forgets the call counts. */
    public void clear() {
        rules.clear();
        calls.clear();
    }

    /** Counts the call and decides its faults. */
    public Decision decide(String service, String operation) {
        calls.computeIfAbsent(service + "/" + operation, k -> new AtomicInteger()).incrementAndGet();
        Duration delay = Duration.ZERO;
        Rule fault = null;
        for (Rule r : rules) {
            if (!r.matches(service, operation)) {
                continue;
            }
            if (r.kind == Kind.LATENCY) {
                if (r.fire()) {
                    delay = delay.plus(r.latency);
                }
            } else if (fault == null && r.fire()) {
                fault = r;
            }
        }
        return new Decision(delay, fault);
    }

    /** Calls seen for a service and operation ({@code *} for all of the service's operations). */
    public int calls(String service, String operation) {
        int sum = 0;
        for (Map.Entry<String, AtomicInteger> e : calls.entrySet()) {
            int slash = e.getKey().indexOf('/');
            String s = e.getKey().substring(0, slash);
            String op = e.getKey().substring(slash + 1);
            if ((service.equals("*") || service.equalsIgnoreCase(s)) && (operation.equals("*") || operation.equals(op))) {
                sum += e.getValue().get();
            }
        }
        return sum;
    }
}
