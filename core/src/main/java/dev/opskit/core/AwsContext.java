package dev.opskit.core;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.internal.CallRetryStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * Where and as whom AWS calls go: credentials, region, an optional endpoint override (for
 * {@code LocalAws} or a VPC endpoint), how calls are retried ({@link CallRetries}: throttling and
 * transient errors until a deadline, by default) and SDK client overrides (HTTP client,
 * interceptors).
 * It builds SDK clients on demand, caches one per client type, and closes what it built.
 * Every opskit entry point has an overload that takes a context; without one it uses
 * {@link #defaults()}.
 *
 * <pre>{@code
 * try (AwsContext ctx = AwsContext.builder()
 *         .region(Region.EU_WEST_1)
 *         .credentials(ProfileCredentialsProvider.create("ops"))
 *         .build()) {
 *     RdsClient rds = ctx.client(RdsClient.class, RdsClient::builder);
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #toString()} shows region and endpoint, never credentials.
 */
public final class AwsContext implements AutoCloseable {
    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final URI endpointOverride;
    private final RetryStrategy retryStrategy;
    private final CallRetries retries;
    private final EventBus events;
    private final SdkHttpClient userHttpClient;
    private final Consumer<ClientOverrideConfiguration.Builder> overrides;
    private final String accountHint;

    private final Map<Class<?>, SdkClient> clients = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private SdkHttpClient ownHttpClient;
    private volatile boolean closed;

    private AwsContext(Builder b) {
        this.credentials = b.credentials;
        this.region = b.region;
        this.endpointOverride = b.endpointOverride;
        this.retryStrategy = b.retryStrategy;
        this.retries = b.retries;
        this.events = b.events;
        this.userHttpClient = b.httpClient;
        this.overrides = b.overrides;
        this.accountHint = b.accountHint;
    }

    /**
     * A context for the SDK's default credentials chain and region chain (environment, system
     * properties, profile, container and instance credentials).
     *
     * @return a new context
     * @throws InvalidInputException if no region can be found by the default chain
     */
    public static AwsContext defaults() {
        return builder().build();
    }

    /** @return a builder with the SDK's defaults for anything not set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder that starts from this context's settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.credentials = credentials;
        b.region = region;
        b.endpointOverride = endpointOverride;
        b.retryStrategy = retryStrategy;
        b.retries = retries;
        b.events = events;
        b.httpClient = userHttpClient;
        b.overrides = overrides;
        b.accountHint = accountHint;
        return b;
    }

    /** @return the region calls go to */
    public Region region() {
        return region;
    }

    /** @return the credentials provider */
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** @return the endpoint override, if any */
    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(endpointOverride);
    }

    /**
     * @return how calls through this context are retried (ignored for clients if an SDK
     *     {@link Builder#retryStrategy retry strategy} was given instead)
     */
    public CallRetries retries() {
        return retries;
    }

    /** @return the account id these credentials are expected to belong to, if it was given */
    public Optional<String> account() {
        return Optional.ofNullable(accountHint);
    }

    /**
     * Returns the cached client of a type, building it on first use with this context's
     * credentials, region, endpoint override, retry strategy and HTTP client.
     *
     * <pre>{@code
     * RdsClient rds = ctx.client(RdsClient.class, RdsClient::builder);
     * }</pre>
     *
     * @param type the client interface, e.g. {@code RdsClient.class}
     * @param builder the client's builder factory, e.g. {@code RdsClient::builder}
     * @param <C> the client type
     * @param <B> the builder type
     * @return the client; do not close it, the context does
     * @throws IllegalStateException if the context is closed
     */
    public <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>>
            C client(Class<C> type, Supplier<B> builder) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(builder, "builder");
        if (closed) {
            throw new IllegalStateException("AwsContext is closed; create a new one");
        }
        SdkClient client = clients.computeIfAbsent(type, t -> build(builder.get()));
        return type.cast(client);
    }

    private <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C build(B b) {
        b.region(region).credentialsProvider(credentials).httpClient(httpClient());
        if (endpointOverride != null) {
            b.endpointOverride(endpointOverride);
        }
        ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder();
        if (retryStrategy != null) {
            o.retryStrategy(retryStrategy);
        } else {
            CallRetryStrategy strategy = new CallRetryStrategy(retries, events);
            o.retryStrategy(strategy).addExecutionInterceptor(strategy.interceptor());
        }
        if (overrides != null) {
            overrides.accept(o);
        }
        b.overrideConfiguration(o.build());
        return b.build();
    }

    private SdkHttpClient httpClient() {
        if (userHttpClient != null) {
            return userHttpClient;
        }
        synchronized (lock) {
            if (ownHttpClient == null) {
                // The URL-connection client starts fastest, which matters in JShell. Built the
                // default way it creates an SSLContext and reads the trust store at once (about
                // 0.1 s of a cold start); a plain-http endpoint such as LocalAws never needs them.
                ownHttpClient = isPlainHttp(endpointOverride)
                        ? UrlConnectionHttpClient.create(AwsContext::plainHttpConnection)
                        : UrlConnectionHttpClient.create();
            }
            return ownHttpClient;
        }
    }

    private static boolean isPlainHttp(URI endpoint) {
        return endpoint != null && "http".equalsIgnoreCase(endpoint.getScheme());
    }

    /** A connection for an http:// endpoint, with the SDK's default connect and read timeouts. */
    static HttpURLConnection plainHttpConnection(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(defaultMillis(SdkHttpConfigurationOption.CONNECTION_TIMEOUT));
            c.setReadTimeout(defaultMillis(SdkHttpConfigurationOption.READ_TIMEOUT));
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a connection to " + uri, e);
        }
    }

    private static int defaultMillis(SdkHttpConfigurationOption<Duration> option) {
        return Math.toIntExact(SdkHttpConfigurationOption.GLOBAL_HTTP_DEFAULTS.get(option).toMillis());
    }

    /**
     * Closes every client this context built and the HTTP client it created (not one that was
     * passed in). Closing twice does nothing.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            List<RuntimeException> failures = new ArrayList<>();
            for (SdkClient c : clients.values()) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
            clients.clear();
            if (ownHttpClient != null) {
                ownHttpClient.close();
                ownHttpClient = null;
            }
            if (!failures.isEmpty()) {
                OpsException e = new OpsException("closing SDK clients failed", failures.get(0));
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return "AwsContext[region=" + region
                + (endpointOverride == null ? "" : ", endpoint=" + endpointOverride)
                + (accountHint == null ? "" : ", account=" + accountHint) + "]";
    }

    /**
     * Builds an {@link AwsContext}. Anything not set comes from the SDK's default chains.
     *
     * <pre>{@code
     * AwsContext ctx = AwsContext.builder()
     *         .region(Region.US_EAST_1)
     *         .maxAttempts(5)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private AwsCredentialsProvider credentials;
        private Region region;
        private URI endpointOverride;
        private RetryStrategy retryStrategy;
        private CallRetries retries = CallRetries.defaults();
        private EventBus events;
        private SdkHttpClient httpClient;
        private Consumer<ClientOverrideConfiguration.Builder> overrides;
        private String accountHint;

        private Builder() {
        }

        /**
         * @param provider credentials to sign with
         * @return this builder
         */
        public Builder credentials(AwsCredentialsProvider provider) {
            this.credentials = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * @param region the region to call
         * @return this builder
         */
        public Builder region(Region region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * @param region the region id, e.g. {@code eu-west-1}
         * @return this builder
         * @throws InvalidInputException if the id is blank
         */
        public Builder region(String region) {
            if (region == null || region.isBlank()) {
                throw new InvalidInputException("region", region, "give a region id such as eu-west-1");
            }
            return region(Region.of(region));
        }

        /**
         * Sends every call to this endpoint instead of the service's regional endpoint.
         *
         * @param endpoint an absolute http or https URI
         * @return this builder
         * @throws InvalidInputException if the URI is not absolute http(s)
         */
        public Builder endpointOverride(URI endpoint) {
            if (endpoint == null || endpoint.getScheme() == null
                    || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
                    || endpoint.getHost() == null) {
                throw new InvalidInputException("endpointOverride", String.valueOf(endpoint),
                        "give an absolute http:// or https:// URI such as http://127.0.0.1:4566");
            }
            this.endpointOverride = endpoint;
            return this;
        }

        /**
         * How calls are retried; see {@link CallRetries} for the defaults (throttling and
         * transient errors until a deadline, a {@code Retrying} event per retry).
         *
         * @param retries the retry settings
         * @return this builder
         */
        public Builder retries(CallRetries retries) {
            this.retries = Objects.requireNonNull(retries, "retries");
            this.retryStrategy = null;
            return this;
        }

        /**
         * Caps the attempts per call (the first included) on top of the {@link #retries} deadline,
         * e.g. for a test that expects a throttled call to fail quickly.
         *
         * @param attempts 1 (no retries) to 1000
         * @return this builder
         * @throws InvalidInputException if out of range
         */
        public Builder maxAttempts(int attempts) {
            return retries(retries.withMaxAttempts(attempts));
        }

        /**
         * Where {@code Retrying} events of calls made outside a runbook step go (inside a step
         * they go to the runbook's bus).
         *
         * @param bus the bus
         * @return this builder
         */
        public Builder events(EventBus bus) {
            this.events = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * Replaces opskit's retries with an SDK retry strategy of your own (no deadline, no
         * {@code Retrying} events, the SDK's own rules); {@link #retries} switches back.
         *
         * @param strategy the strategy
         * @return this builder
         */
        public Builder retryStrategy(RetryStrategy strategy) {
            this.retryStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * An HTTP client to share; the context will not close it.
         *
         * @param client the client
         * @return this builder
         */
        public Builder httpClient(SdkHttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Further SDK client overrides (timeouts, interceptors, headers) applied to every client.
         *
         * @param overrides changes to the override configuration
         * @return this builder
         */
        public Builder overrides(Consumer<ClientOverrideConfiguration.Builder> overrides) {
            this.overrides = Objects.requireNonNull(overrides, "overrides");
            return this;
        }

        /**
         * The account the credentials belong to, when known (used in messages and fan-out).
         *
         * @param accountId a 12-digit account id
         * @return this builder
         * @throws InvalidInputException if not 12 digits
         */
        public Builder account(String accountId) {
            if (accountId == null || !accountId.matches("\\d{12}")) {
                throw new InvalidInputException("account", accountId, "an AWS account id has 12 digits");
            }
            this.accountHint = accountId;
            return this;
        }

        /**
         * @return the context
         * @throws InvalidInputException if no region was set and the default chain finds none
         */
        public AwsContext build() {
            if (credentials == null) {
                credentials = DefaultCredentialsProvider.builder().build();
            }
            if (region == null) {
                try {
                    region = DefaultAwsRegionProviderChain.builder().build().getRegion();
                } catch (RuntimeException e) {
                    throw new InvalidInputException("region", null,
                            "no region was set and the default chain found none; call region(...) "
                                    + "or set AWS_REGION");
                }
            }
            return new AwsContext(this);
        }
    }
}
