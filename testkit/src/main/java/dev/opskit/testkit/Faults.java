package dev.opskit.testkit;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.internal.server.FaultEngine;
import java.time.Duration;
import java.util.Objects;

/**
 * Injects failures into a {@link LocalAws}, per service and operation, to rehearse how code
 * copes with throttling, server errors, slow answers and dropped connections. First say how
 * often ({@link #next(int)}, {@link #fraction(double, long)}, {@link #always()}), then what.
 * The service is the SigV4 signing name ({@code rds}, {@code sts}, {@code ssm}); {@code "*"}
 * matches any service or operation.
 *
 * <pre>{@code
 * aws.faults().next(2).throttle("sts", "GetCallerIdentity");      // then succeed
 * aws.faults().fraction(0.3, 42).serverError("rds", "*", 503);    // 30 %, reproducible
 * aws.faults().always().latency("rds", "DescribeDBClusters", Duration.ofMillis(200));
 * aws.faults().next(1).dropConnection("*", "*");
 * int attempts = aws.faults().calls("sts", "GetCallerIdentity");
 * aws.faults().clear();
 * }</pre>
 *
 * <p>Throttling answers {@code Throttling} (awsQuery) or {@code ThrottlingException} (awsJson),
 * HTTP 400, "Rate exceeded"; server errors answer {@code InternalFailure} (500) or
 * {@code ServiceUnavailable} (503); a dropped connection closes the socket without a response.
 * Latency is added to whatever the call then does. Thread-safe.
 */
public final class Faults {
    private final FaultEngine engine;

    Faults(FaultEngine engine) {
        this.engine = engine;
    }

    /**
     * Faults for the next matching calls only.
     *
     * @param calls how many calls, 1 or more
     * @return the choice of fault
     * @throws InvalidInputException if calls is below 1
     */
    public When next(int calls) {
        if (calls < 1) {
            throw new InvalidInputException("calls", Integer.toString(calls), "give 1 or more calls");
        }
        return new When(calls, 1.0, 0);
    }

    /**
     * Faults for every matching call until removed.
     *
     * @return the choice of fault
     */
    public When always() {
        return new When(-1, 1.0, 0);
    }

    /**
     * Faults for a random share of matching calls; the same seed gives the same sequence.
     *
     * @param share from 0 (exclusive) to 1 (inclusive)
     * @param seed seed of the random choice
     * @return the choice of fault
     * @throws InvalidInputException if share is out of range
     */
    public When fraction(double share, long seed) {
        if (!(share > 0.0 && share <= 1.0)) {
            throw new InvalidInputException("share", Double.toString(share), "give a share above 0 and at most 1");
        }
        return new When(-1, share, seed);
    }

    /**
     * How many calls LocalAws received for an operation since start or {@link #clear()}, faulted
     * ones included (so SDK retries count).
     *
     * @param service signing name, or {@code "*"}
     * @param operation operation name, or {@code "*"}
     * @return the number of calls
     */
    public int calls(String service, String operation) {
        return engine.calls(Objects.requireNonNull(service, "service"), Objects.requireNonNull(operation, "operation"));
    }

    /** Removes every injected fault and resets the call counts. */
    public void clear() {
        engine.clear();
    }

    /**
     * The second half of a fault: what goes wrong, and for which service and operation.
     */
    public final class When {
        private final int times;
        private final double share;
        private final long seed;

        private When(int times, double share, long seed) {
            this.times = times;
            this.share = share;
            this.seed = seed;
        }

        /**
         * Answers with the protocol's throttling error, which SDKs retry with backoff.
         *
         * @param service signing name, or {@code "*"}
         * @param operation operation name, or {@code "*"}
         * @return the injected fault
         */
        public Injection throttle(String service, String operation) {
            return add(service, operation, FaultEngine.Kind.THROTTLE, 0, Duration.ZERO);
        }

        /**
         * Answers with a server error: 500 {@code InternalFailure}, 503
         * {@code ServiceUnavailable}, or another 5xx status with {@code InternalFailure}.
         *
         * @param service signing name, or {@code "*"}
         * @param operation operation name, or {@code "*"}
         * @param status 500 to 599
         * @return the injected fault
         * @throws InvalidInputException if the status is not 5xx
         */
        public Injection serverError(String service, String operation, int status) {
            if (status < 500 || status > 599) {
                throw new InvalidInputException("status", Integer.toString(status),
                        "a server error has a 5xx status such as 500 or 503");
            }
            return add(service, operation, FaultEngine.Kind.SERVER_ERROR, status, Duration.ZERO);
        }

        /**
         * Delays the answer; the call then proceeds (or meets another fault).
         *
         * @param service signing name, or {@code "*"}
         * @param operation operation name, or {@code "*"}
         * @param delay from 1 ms to 5 minutes
         * @return the injected fault
         * @throws InvalidInputException if the delay is out of range
         */
        public Injection latency(String service, String operation, Duration delay) {
            if (delay == null || delay.toMillis() < 1 || delay.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new InvalidInputException("delay", String.valueOf(delay), "give a delay from 1 ms to 5 minutes");
            }
            return add(service, operation, FaultEngine.Kind.LATENCY, 0, delay);
        }

        /**
         * Closes the connection without answering, as a crashed load balancer would.
         *
         * @param service signing name, or {@code "*"}
         * @param operation operation name, or {@code "*"}
         * @return the injected fault
         */
        public Injection dropConnection(String service, String operation) {
            return add(service, operation, FaultEngine.Kind.DROP_CONNECTION, 0, Duration.ZERO);
        }

        private Injection add(String service, String operation, FaultEngine.Kind kind, int status, Duration delay) {
            if (service == null || service.isBlank()) {
                throw new InvalidInputException("service", service, "give a signing name such as rds or sts, or *");
            }
            if (operation == null || operation.isBlank()) {
                throw new InvalidInputException("operation", operation,
                        "give an operation name such as DescribeDBClusters, or *");
            }
            return new Injection(engine.add(new FaultEngine.Rule(service, operation, kind, status, delay,
                    times, share, seed)));
        }
    }

    /**
     * One injected fault. Closing it removes it; closing twice is fine.
     */
    public final class Injection implements AutoCloseable {
        private final FaultEngine.Rule rule;

        private Injection(FaultEngine.Rule rule) {
            this.rule = rule;
        }

        /** @return how many calls this fault has hit so far */
        public int triggered() {
            return rule.triggered();
        }

        /** @return whether a {@link Faults#next(int)} fault has used up its calls */
        public boolean exhausted() {
            return rule.exhausted();
        }

        /** Removes the fault; calls from now on are not affected by it. */
        @Override
        public void close() {
            engine.remove(rule);
        }
    }
}
