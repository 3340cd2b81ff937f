package dev.opskit.multiaccount;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Sleeper;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.multiaccount.event.SsoLoggedIn;
import dev.opskit.multiaccount.internal.CachedToken;
import dev.opskit.multiaccount.internal.DeviceLogin;
import dev.opskit.multiaccount.internal.SsoConfig;
import dev.opskit.multiaccount.internal.TokenCache;
import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;

/**
 * IAM Identity Center (SSO) logins. {@link #login(String, String)} runs the device
 * authorization flow the AWS CLI's {@code aws sso login} runs: it prints a URL and a code (and
 * opens a browser where there is one), waits until a person approves the code, and writes the
 * token to the CLI's cache ({@code ~/.aws/sso/cache/<sha1 of the session name>.json}) with the
 * CLI's members, so that the CLI, the SDK's {@code ProfileCredentialsProvider} with an
 * {@code sso-session} profile, and later opskit sessions all reuse it. A valid cached token
 * skips the login. The token is refreshed with its refresh token before it expires (by the SDK's
 * {@code SsoOidcTokenProvider}); when that is no longer possible, calls fail with
 * {@link SsoLoginRequiredException}, which says to log in again.
 *
 * <pre>{@code
 * try (SsoSession sso = Sso.login("https://my-org.awsapps.com/start", "eu-west-1")) {
 *     for (SsoAccount a : sso.accounts()) {
 *         System.out.println(a + " " + sso.roles(a.id()));
 *     }
 *     AwsContext prod = sso.context("222222222222", "AdministratorAccess", "eu-west-1");
 * }
 * }</pre>
 *
 * The session name is the {@code [sso-session NAME]} of {@code ~/.aws/config} whose
 * {@code sso_start_url} is the start URL, else {@code opskit}; {@link Builder#sessionName} sets it.
 */
public final class Sso {
    /** The session name used when neither the builder nor {@code ~/.aws/config} names one. */
    public static final String DEFAULT_SESSION_NAME = "opskit";

    private Sso() {
    }

    /**
     * Logs in to an IAM Identity Center (or takes the cached session if its token is still
     * valid or can be refreshed).
     *
     * @param startUrl the AWS access portal URL, e.g. {@code https://my-org.awsapps.com/start}
     * @param region the Identity Center's region, e.g. {@code eu-west-1}
     * @return the session; close it when done (the cached token stays)
     * @throws InvalidInputException if the URL or region is not valid
     * @throws SsoLoginException if the login is denied or nobody approves the code in time
     */
    public static SsoSession login(String startUrl, String region) {
        return builder().startUrl(startUrl).region(region).login();
    }

    /**
     * The session of an {@code [sso-session NAME]} section of {@code ~/.aws/config}, from the token
     * cache, without a login.
     *
     * <pre>{@code
     * SsoSession sso = Sso.session("my-sso");   // after aws sso login --sso-session my-sso
     * }</pre>
     *
     * @param sessionName the section's name
     * @return the session
     * @throws InvalidInputException if the config file has no such section
     * @throws SsoLoginRequiredException if nothing usable is cached
     */
    public static SsoSession session(String sessionName) {
        return builder().fromConfig(sessionName).session();
    }

    /** @return a builder for a login with more options */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Options of a login. Start URL and region are required (or {@link #fromConfig}).
     *
     * <pre>{@code
     * SsoSession sso = Sso.builder()
     *         .startUrl(aws.sso().startUrl()).region("us-east-1")
     *         .baseContext(aws.context())                       // LocalAws: its endpoint for every call
     *         .onDeviceCode(code -> aws.sso().approve(code.userCode()))
     *         .login();
     * }</pre>
     */
    public static final class Builder {
        private String startUrl;
        private String region;
        private String sessionName;
        private AwsContext baseContext;
        private Consumer<DeviceAuthorization> onDeviceCode;
        private PrintStream out = System.out;
        private boolean openBrowser = true;
        private Duration timeout = Duration.ofMinutes(10);
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private EventBus bus;
        private Path configFile;
        private boolean force;

        private Builder() {
        }

        /**
         * @param url the AWS access portal URL, http(s)
         * @return this builder
         * @throws InvalidInputException if not an absolute http(s) URL
         */
        public Builder startUrl(String url) {
            URI u;
            try {
                u = url == null ? null : URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                u = null;
            }
            if (u == null || u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                throw new InvalidInputException("startUrl", url,
                        "give the AWS access portal URL, e.g. https://my-org.awsapps.com/start");
            }
            this.startUrl = url.trim();
            return this;
        }

        /**
         * @param region the Identity Center's region id, e.g. {@code eu-west-1}
         * @return this builder
         * @throws InvalidInputException if not a region id
         */
        public Builder region(String region) {
            if (region == null || !region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
                throw new InvalidInputException("region", region, "give the Identity Center's region, e.g. eu-west-1");
            }
            this.region = region;
            return this;
        }

        /**
         * @param name the {@code sso-session} name the token is cached under
         * @return this builder
         * @throws InvalidInputException if blank or with characters other than letters, digits and {@code ._-}
         */
        public Builder sessionName(String name) {
            if (name == null || !name.matches("[\\w.-]{1,64}")) {
                throw new InvalidInputException("sessionName", name,
                        "give 1 to 64 letters, digits or ._- characters, e.g. my-sso");
            }
            this.sessionName = name;
            return this;
        }

        /**
         * Takes start URL, region and session name from an {@code [sso-session NAME]} section of
         * the AWS config file (the one {@link #configFile} names, if called before).
         *
         * @param sessionName the section's name
         * @return this builder
         * @throws InvalidInputException if there is no such section or it lacks sso_start_url or sso_region
         */
        public Builder fromConfig(String sessionName) {
            SsoConfig config = config();
            SsoConfig.Session s = config.session(sessionName).orElseThrow(() -> new InvalidInputException(
                    "sso-session", sessionName, "no [sso-session " + sessionName + "] in " + config.file()
                            + "; add one with sso_start_url and sso_region, or use Sso.login(startUrl, region)"));
            if (s.startUrl() == null || s.region() == null) {
                throw new InvalidInputException("sso-session", sessionName, "[sso-session " + sessionName + "] in "
                        + config.file() + " needs sso_start_url and sso_region");
            }
            return startUrl(s.startUrl()).region(s.region()).sessionName(sessionName);
        }

        /**
         * @param file the AWS config file to read {@code sso-session} sections from (default
         *     {@code AWS_CONFIG_FILE} or {@code ~/.aws/config})
         * @return this builder
         */
        public Builder configFile(Path file) {
            this.configFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Settings that SSO calls and every context the session yields copy: endpoint override
         * (e.g. LocalAws), retries, HTTP client, events. Credentials and region are replaced.
         *
         * @param context the context to copy; not closed
         * @return this builder
         */
        public Builder baseContext(AwsContext context) {
            this.baseContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * What to do with the code a person must confirm (default: print it with the URL and open
         * a browser where there is one).
         *
         * @param handler called once per login, before polling starts
         * @return this builder
         */
        public Builder onDeviceCode(Consumer<DeviceAuthorization> handler) {
            this.onDeviceCode = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * @param out where the default handler prints the URL and code (default {@code System.out})
         * @return this builder
         */
        public Builder out(PrintStream out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * @param open whether the default handler opens a browser where one exists (default true)
         * @return this builder
         */
        public Builder openBrowser(boolean open) {
            this.openBrowser = open;
            return this;
        }

        /**
         * @param timeout how long to wait for the approval at most (default 10 minutes; the code's
         *     own expiry may end the wait sooner)
         * @return this builder
         * @throws InvalidInputException if not positive
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new InvalidInputException("timeout", String.valueOf(timeout), "give a positive duration");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param force log in even if the cached token is still usable
         * @return this builder
         */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /**
         * @param clock the clock of the login's waits and events (tests pass virtual time)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param sleeper how the login's polling sleeps (tests pass virtual time)
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * @param bus where login, refresh and credential events go
         * @return this builder
         */
        public Builder events(EventBus bus) {
            this.bus = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * @param listener receives every event of the login and the session
         * @return this builder
         */
        public Builder listener(EventListener listener) {
            bus().subscribe(listener);
            return this;
        }

        /**
         * @param type the event type
         * @param listener receives events of that type
         * @param <E> the event type
         * @return this builder
         */
        public <E extends OpsEvent> Builder listener(Class<E> type, Consumer<? super E> listener) {
            bus().subscribe(type, listener);
            return this;
        }

        private EventBus bus() {
            if (bus == null) {
                bus = new EventBus();
            }
            return bus;
        }

        /**
         * Logs in, unless a cached token of the session is still usable (see {@link #force}).
         *
         * @return the session; close it when done (the cached token stays)
         * @throws InvalidInputException if start URL or region is missing
         * @throws SsoLoginException if the login is denied or nobody approves the code in time
         */
        public SsoSession login() {
            requireSettings();
            String name = resolveSessionName();
            TokenCache cache = TokenCache.standard();
            CachedToken cached = cache.read(name).orElse(null);
            Instant now = clock.instant();
            boolean sameSite = cached != null && sameUrl(cached.startUrl());
            if (!force && sameSite && (cached.validAt(now.plusSeconds(60)) || cached.refreshable(now))) {
                // The cached token is used if the portal still takes it (refreshed first if need be);
                // a token LocalAws or IAM Identity Center no longer knows means a login.
                SsoSession s = new SsoSession(name, startUrl, region, ssoContext(), template(), cache, bus, clock);
                if (s.usable()) {
                    publish(new SsoLoggedIn(clock.instant(), startUrl, name, s.expiresAt(), true));
                    return s;
                }
                s.close();
            }
            AwsContext context = ssoContext();
            try {
                SsoOidcClient oidc = context.client(SsoOidcClient.class, SsoOidcClient::builder);
                CachedToken token = new DeviceLogin(oidc, clock, sleeper, bus).login(name, startUrl, region,
                        sameSite ? cached : null, handler(), timeout);
                cache.write(name, token);
                publish(new SsoLoggedIn(clock.instant(), startUrl, name, token.expiresAt(), false));
                return new SsoSession(name, startUrl, region, context, template(), cache, bus, clock);
            } catch (RuntimeException e) {
                context.close();
                throw e;
            }
        }

        /**
         * The session from the token cache, without a login.
         *
         * @return the session
         * @throws SsoLoginRequiredException if the cache has no token for this start URL
         */
        public SsoSession session() {
            requireSettings();
            String name = resolveSessionName();
            TokenCache cache = TokenCache.standard();
            Optional<CachedToken> cached = cache.read(name);
            if (cached.isEmpty() || !sameUrl(cached.get().startUrl())) {
                throw new SsoLoginRequiredException("No SSO token for " + startUrl + " is cached as session '" + name
                        + "' (" + cache.file(name) + "); log in first: Sso.login(\"" + startUrl + "\", \"" + region
                        + "\") or aws sso login --sso-session " + name, name, null);
            }
            publish(new SsoLoggedIn(clock.instant(), startUrl, name, cached.get().expiresAt(), true));
            return new SsoSession(name, startUrl, region, ssoContext(), template(), cache, bus, clock);
        }

        private void requireSettings() {
            if (startUrl == null) {
                throw new InvalidInputException("startUrl", null, "give the AWS access portal URL with startUrl(...)");
            }
            if (region == null) {
                throw new InvalidInputException("region", null, "give the Identity Center's region with region(...)");
            }
        }

        private String resolveSessionName() {
            if (sessionName != null) {
                return sessionName;
            }
            return config().sessionFor(startUrl).map(SsoConfig.Session::name).orElse(DEFAULT_SESSION_NAME);
        }

        private SsoConfig config() {
            return configFile != null ? SsoConfig.of(configFile) : SsoConfig.standard();
        }

        private boolean sameUrl(String cachedUrl) {
            return cachedUrl == null || SsoConfig.sameUrl(cachedUrl, startUrl);
        }

        private AwsContext template() {
            return baseContext != null ? baseContext
                    : AwsContext.builder().region(region).credentials(AnonymousCredentialsProvider.create()).build();
        }

        /** SSO-OIDC and portal calls: unsigned, in the Identity Center's region; token calls may be sent again. */
        private AwsContext ssoContext() {
            AwsContext t = template();
            AwsContext.Builder b = t.toBuilder().credentials(AnonymousCredentialsProvider.create()).region(region)
                    .retries(t.retries().withReads("CreateToken", "RegisterClient", "StartDeviceAuthorization"));
            if (bus != null) {
                b.events(bus);
            }
            AwsContext c = b.build();
            if (baseContext == null) {
                t.close();
            }
            return c;
        }

        private void publish(OpsEvent e) {
            if (bus != null) {
                bus.publish(e);
            }
        }

        private Consumer<DeviceAuthorization> handler() {
            if (onDeviceCode != null) {
                return onDeviceCode;
            }
            PrintStream o = out;
            boolean browse = openBrowser;
            return d -> {
                URI page = d.verificationUriComplete() != null ? d.verificationUriComplete() : d.verificationUri();
                o.println("To sign in, open " + page);
                o.println("and confirm the code " + d.userCode() + " (valid until "
                        + DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault()).format(d.expiresAt())
                        + ").");
                o.flush();
                if (browse) {
                    openBrowser(page);
                }
            };
        }

        private static void openBrowser(URI page) {
            try {
                if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                        && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                    Desktop.getDesktop().browse(page);
                }
            } catch (Exception | LinkageError e) {
                // No browser here: the printed URL is enough.
            }
        }
    }
}
