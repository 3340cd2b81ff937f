package dev.opskit.testkit;

import dev.opskit.core.AwsContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;

/**
 * A JUnit 5 extension that runs a {@link LocalAws} for a test class or for each test, and closes
 * it afterwards with the context and the clients it made, whatever the tests did. JUnit Jupiter
 * is an optional dependency of opskit-testkit: add {@code junit-jupiter} to your tests to use it.
 *
 * <pre>{@code
 * class OrdersIT {
 *     @RegisterExtension
 *     static final LocalAwsExtension AWS = LocalAwsExtension.perClass();   // one LocalAws for the class
 *
 *     @Test
 *     void createsACluster() {
 *         RdsClient rds = AWS.client(RdsClient.class, RdsClient::builder);
 *         rds.createDBCluster(...);
 *     }
 * }
 * }</pre>
 *
 * <p>With settings, and a LocalAws of its own for each test:
 *
 * <pre>{@code
 * static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-01-07T12:00:00Z"));
 *
 * @RegisterExtension
 * final LocalAwsExtension aws = LocalAwsExtension.builder()
 *         .clock(TIME.clock()).timings(Timings.instant())
 *         .perTest();
 * }</pre>
 *
 * <p>A {@link #perClass()} extension must be registered on a {@code static} field (JUnit calls
 * class-level callbacks only for those); {@link #perTest()} works on either.
 */
public final class LocalAwsExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final boolean perClass;
    private final Consumer<LocalAws.Builder> settings;
    private volatile Running running;

    /** A started LocalAws, the context made for it (lazily), and the JUnit context that started it. */
    private static final class Running {
        final LocalAws aws;
        final String startedBy;
        AwsContext context;

        Running(LocalAws aws, String startedBy) {
            this.aws = aws;
            this.startedBy = startedBy;
        }
    }

    private LocalAwsExtension(boolean perClass, Consumer<LocalAws.Builder> settings) {
        this.perClass = perClass;
        this.settings = settings;
    }

    /**
     * One LocalAws with default settings for all tests of a class: started before the first, closed
     * after the last. Register it on a {@code static} field.
     *
     * @return the extension
     */
    public static LocalAwsExtension perClass() {
        return builder().perClass();
    }

    /**
     * A LocalAws with default settings for each test: started before it, closed after it.
     *
     * @return the extension
     */
    public static LocalAwsExtension perTest() {
        return builder().perTest();
    }

    /** @return a builder for an extension whose LocalAws has other timings, a clock or a data directory */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the running LocalAws
     * @throws IllegalStateException outside the tests it runs for
     */
    public LocalAws aws() {
        return current().aws;
    }

    /**
     * A context for the LocalAws's default account and region, made on first use and closed with the
     * LocalAws, so tests need not close it.
     *
     * @return the context
     * @throws IllegalStateException outside the tests it runs for
     */
    public AwsContext context() {
        Running r = current();
        synchronized (r) {
            if (r.context == null) {
                r.context = r.aws.context();
            }
            return r.context;
        }
    }

    /**
     * An SDK client of {@link #context()}, built once per LocalAws; the extension closes it.
     *
     * <pre>{@code
     * SsmClient ssm = AWS.client(SsmClient.class, SsmClient::builder);
     * }</pre>
     *
     * @param type the client interface, e.g. {@code RdsClient.class}
     * @param builder the client's builder factory, e.g. {@code RdsClient::builder}
     * @param <C> the client type
     * @param <B> the builder type
     * @return the client
     */
    public <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>>
            C client(Class<C> type, Supplier<B> builder) {
        return context().client(type, builder);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // A @Nested class calls this again: the outer class's LocalAws serves it too.
        if (perClass && running == null) {
            start(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perClass) {
            if (running == null) {
                throw new ExtensionConfigurationException("LocalAwsExtension.perClass() in "
                        + context.getRequiredTestClass().getName() + " is not on a static field, so JUnit never"
                        + " started it; make the field static, or use LocalAwsExtension.perTest()");
            }
            return;
        }
        start(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context);
    }

    private synchronized void start(ExtensionContext context) {
        if (running != null) {
            throw new ExtensionConfigurationException("LocalAwsExtension.perTest() runs one LocalAws at a time;"
                    + " with tests in parallel, register it on an instance field (one per test instance)");
        }
        LocalAws.Builder b = LocalAws.builder();
        settings.accept(b);
        running = new Running(b.start(), context.getUniqueId());
    }

    /** Closes what the JUnit context {@code context} started, if it started anything. */
    private synchronized void stop(ExtensionContext context) {
        Running r = running;
        if (r == null || !r.startedBy.equals(context.getUniqueId())) {
            return;
        }
        running = null;
        try {
            synchronized (r) {
                if (r.context != null) {
                    r.context.close();
                }
            }
        } finally {
            r.aws.close();
        }
    }

    private Running current() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("no LocalAws is running: " + (perClass
                    ? "a perClass() extension runs one from before the first test of its class to after the last"
                    : "a perTest() extension runs one for each test, from before it to after it"));
        }
        return r;
    }

    @Override
    public String toString() {
        Running r = running;
        return "LocalAwsExtension[" + (perClass ? "per class" : "per test") + ", "
                + (r == null ? "stopped" : r.aws.endpoint()) + "]";
    }

    /**
     * Settings of the LocalAws a {@link LocalAwsExtension} starts.
     *
     * <pre>{@code
     * @TempDir static Path dataDir;
     *
     * @RegisterExtension
     * static final LocalAwsExtension AWS = LocalAwsExtension.builder()
     *         .timings(Timings.instant())
     *         .configure(b -> b.dataDir(dataDir))   // read when it starts, after @TempDir is set
     *         .perClass();
     * }</pre>
     */
    public static final class Builder {
        private Consumer<LocalAws.Builder> settings = b -> { };

        private Builder() {
        }

        /**
         * @param timings how long emulated operations take; see {@link LocalAws.Builder#timings}
         * @return this builder
         */
        public Builder timings(Timings timings) {
            Objects.requireNonNull(timings, "timings");
            return configure(b -> b.timings(timings));
        }

        /**
         * @param clock the clock of emulated time, e.g. {@code VirtualTime.clock()}; see
         *     {@link LocalAws.Builder#clock}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            return configure(b -> b.clock(clock));
        }

        /**
         * @param dir where the database servers keep their data; see {@link LocalAws.Builder#dataDir}
         * @return this builder
         */
        public Builder dataDir(Path dir) {
            Objects.requireNonNull(dir, "dir");
            return configure(b -> b.dataDir(dir));
        }

        /**
         * Any other setting of {@link LocalAws.Builder}, applied each time a LocalAws starts (after the
         * settings given before), so it may read a static {@code @TempDir} field JUnit sets later.
         *
         * @param settings sets options on the LocalAws builder
         * @return this builder
         */
        public Builder configure(Consumer<LocalAws.Builder> settings) {
            Objects.requireNonNull(settings, "settings");
            this.settings = this.settings.andThen(settings);
            return this;
        }

        /** @return an extension with one LocalAws for all tests of a class; register it on a static field */
        public LocalAwsExtension perClass() {
            return new LocalAwsExtension(true, settings);
        }

        /** @return an extension with a LocalAws of its own for each test */
        public LocalAwsExtension perTest() {
            return new LocalAwsExtension(false, settings);
        }
    }
}
