package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Plan;
import dev.opskit.core.Runbook;
import dev.opskit.core.RunbookOutcome;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.lambda.internal.Listeners;
import dev.opskit.lambda.internal.deploy.DeployRun;
import dev.opskit.lambda.internal.deploy.DeploySteps;
import dev.opskit.lambda.internal.deploy.FunctionSpec;
import dev.opskit.lambda.internal.image.ImageReferences;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deploy of one function from a container image, as a runbook of steps that each look before
 * they act:
 * <ol>
 *   <li>{@code check image}: reads the image from the registry of the function's account and
 *       region and checks it (platform, entrypoint, the provided runtime's bootstrap and handler
 *       file, the {@code LAMBDA_TASK_ROOT} layout), pinning it by digest;</li>
 *   <li>{@code create function} ({@code PackageType=Image}) unless it exists, then waits until
 *       {@code State=Active};</li>
 *   <li>{@code update code} and {@code update configuration} where they differ, each waiting until
 *       {@code LastUpdateStatus=Successful} (a {@code Failed} state fails at once with its reason code);</li>
 *   <li>{@code publish version} unless a version already runs this image with this configuration;</li>
 *   <li>{@code move alias} to that version;</li>
 *   <li>{@code smoke test}: one invocation of the alias; a function error fails with
 *       {@link SmokeTestException}.</li>
 * </ol>
 * Input is checked when {@link #plan()} or {@link #run()} is called, before any call to AWS.
 */
public final class FunctionDeploy {
    private static final Pattern ROLE = Pattern.compile("arn:aws[a-zA-Z-]*:iam::(\\d{12}):role/[a-zA-Z_0-9+=,.@\\-/]+");
    private static final Set<String> RESERVED = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
            "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

    private final String name;
    private final AwsContext ctx;
    private final Listeners listeners = new Listeners();
    private final Map<String, String> env = new TreeMap<>();
    private String image;
    private Architecture imageArchitecture;
    private Architecture architecture;
    private String role;
    private int memory = 128;
    private Duration timeout = Duration.ofSeconds(3);
    private List<String> entrypoint;
    private List<String> command;
    private String workdir;
    private String description;
    private String alias = "live";
    private String smokePayload = "{}";
    private Duration deadline = Duration.ofMinutes(15);

    FunctionDeploy(String name, AwsContext ctx) {
        this.name = name;
        this.ctx = ctx;
    }

    /**
     * @param pushed an image pushed by {@link ImagePush}; its digest and architecture are used
     * @return this deploy
     */
    public FunctionDeploy image(PushedImage pushed) {
        Objects.requireNonNull(pushed, "pushed");
        this.image = pushed.uri();
        this.imageArchitecture = pushed.architecture();
        return this;
    }

    /**
     * @param uri an ECR image URI with a tag ({@code :v1}) or a digest ({@code @sha256:...}); a tag is
     *     resolved to its digest when the deploy runs
     * @return this deploy
     */
    public FunctionDeploy image(String uri) {
        this.image = Objects.requireNonNull(uri, "uri");
        this.imageArchitecture = null;
        return this;
    }

    /**
     * @param roleArn the execution role, {@code arn:aws:iam::<account>:role/<name>}, of the function's account
     * @return this deploy
     */
    public FunctionDeploy role(String roleArn) {
        this.role = Objects.requireNonNull(roleArn, "roleArn");
        return this;
    }

    /**
     * @param megabytes 128 to 10240 (default 128)
     * @return this deploy
     * @throws InvalidInputException if out of range
     */
    public FunctionDeploy memory(int megabytes) {
        if (megabytes < 128 || megabytes > 10240) {
            throw new InvalidInputException("memory", Integer.toString(megabytes), "give 128 to 10240 MB");
        }
        this.memory = megabytes;
        return this;
    }

    /**
     * @param timeout whole seconds from 1 s to 15 minutes (default 3 s)
     * @return this deploy
     * @throws InvalidInputException if out of range or not whole seconds
     */
    public FunctionDeploy timeout(Duration timeout) {
        if (timeout == null || timeout.toSeconds() < 1 || timeout.toSeconds() > 900 || timeout.toNanosPart() != 0) {
            throw new InvalidInputException("timeout", String.valueOf(timeout), "give whole seconds from 1 s to 900 s "
                    + "(15 minutes)");
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * Sets one environment variable (the function's environment becomes exactly those set here).
     *
     * @param key a name Lambda does not reserve
     * @param value its value
     * @return this deploy
     * @throws InvalidInputException if the name is malformed or reserved
     */
    public FunctionDeploy env(String key, String value) {
        if (key == null || !key.matches("[a-zA-Z]([a-zA-Z0-9_])*")) {
            throw new InvalidInputException("env name", key, "start with a letter; use letters, digits and _");
        }
        if (RESERVED.contains(key)) {
            throw new InvalidInputException("env name", key, "Lambda reserves it and sets it itself; choose another name");
        }
        env.put(key, Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * @param architecture what the function runs on (default: the pushed image's, else x86_64)
     * @return this deploy
     */
    public FunctionDeploy architecture(Architecture architecture) {
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        return this;
    }

    /**
     * @param entrypoint the function's ImageConfig EntryPoint, overriding the image's
     * @return this deploy
     */
    public FunctionDeploy entrypoint(String... entrypoint) {
        this.entrypoint = List.of(entrypoint);
        return this;
    }

    /**
     * @param command the function's ImageConfig Command (for the provided base: the handler), overriding the image's CMD
     * @return this deploy
     */
    public FunctionDeploy command(String... command) {
        this.command = List.of(command);
        return this;
    }

    /**
     * @param workdir the function's ImageConfig WorkingDirectory
     * @return this deploy
     */
    public FunctionDeploy workdir(String workdir) {
        if (workdir == null || !workdir.startsWith("/")) {
            throw new InvalidInputException("workdir", workdir, "give an absolute path");
        }
        this.workdir = workdir;
        return this;
    }

    /**
     * @param text the function's description
     * @return this deploy
     */
    public FunctionDeploy description(String text) {
        this.description = Objects.requireNonNull(text, "text");
        return this;
    }

    /**
     * @param name the alias to point at the published version (default {@code live})
     * @return this deploy
     * @throws InvalidInputException if malformed
     */
    public FunctionDeploy alias(String name) {
        if (name == null || name.length() > 128 || !name.matches("(?!^[0-9]+$)[a-zA-Z0-9_-]+")) {
            throw new InvalidInputException("alias", name, "use 1 to 128 letters, digits, - and _, not only digits");
        }
        this.alias = name;
        return this;
    }

    /**
     * Publishes the version without moving any alias; the smoke test then invokes the version.
     *
     * @return this deploy
     */
    public FunctionDeploy withoutAlias() {
        this.alias = null;
        return this;
    }

    /**
     * @param eventJson the event the smoke test sends (default {@code {}})
     * @return this deploy
     */
    public FunctionDeploy smokeTest(String eventJson) {
        this.smokePayload = Objects.requireNonNull(eventJson, "eventJson");
        return this;
    }

    /**
     * Deploys without invoking the function.
     *
     * @return this deploy
     */
    public FunctionDeploy withoutSmokeTest() {
        this.smokePayload = null;
        return this;
    }

    /**
     * @param deadline how long each step may take, its waits and retries included (default 15 minutes)
     * @return this deploy
     */
    public FunctionDeploy deadline(Duration deadline) {
        if (deadline == null || deadline.isZero() || deadline.isNegative()) {
            throw new InvalidInputException("deadline", String.valueOf(deadline), "give a positive duration");
        }
        this.deadline = deadline;
        return this;
    }

    /**
     * @param listener receives every event
     * @return this deploy
     */
    public FunctionDeploy listener(EventListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * @param type the event type, e.g. {@code AliasMoved.class}
     * @param listener receives events of that type
     * @param <E> the event type
     * @return this deploy
     */
    public <E extends OpsEvent> FunctionDeploy listener(Class<E> type, Consumer<? super E> listener) {
        listeners.add(type, listener);
        return this;
    }

    /**
     * @param bus also receives every event
     * @return this deploy
     */
    public FunctionDeploy events(EventBus bus) {
        listeners.forwardTo(bus);
        return this;
    }

    /**
     * What {@link #run()} would do, step by step; changes nothing.
     *
     * @return the plan
     * @throws InvalidInputException for bad input, before any call
     */
    public Plan plan() {
        return runbook(new DeployRun(spec(), ctx)).plan();
    }

    /**
     * Deploys.
     *
     * @return what was deployed
     * @throws InvalidInputException for bad input, before any call that changes something
     * @throws dev.opskit.core.OpsException the failing step's own exception (e.g.
     *     {@link dev.opskit.core.WaitFailedException} when Lambda reports Failed, {@link SmokeTestException})
     */
    public Deployment run() {
        DeployRun run = new DeployRun(spec(), ctx);
        RunbookOutcome outcome = runbook(run).run();
        Deployment.SmokeTest smoke = run.result(DeployRun.SMOKE).map(s -> new Deployment.SmokeTest(s.executedVersion(),
                s.payload(), s.logTail(), s.took())).orElse(null);
        return new Deployment(name, run.functionArn(), run.result(DeployRun.IMAGE).orElse(image),
                run.result(DeployRun.VERSION).orElseThrow(), alias, smoke, outcome);
    }

    private Runbook runbook(DeployRun run) {
        Runbook.Builder b = Runbook.named("deploy Lambda function " + name).resource(name).events(listeners.bus())
                .stepDeadline(deadline);
        DeploySteps.of(run).forEach(b::step);
        return b.build();
    }

    /** Checks the input, with no call to AWS. */
    private FunctionSpec spec() {
        if (image == null) {
            throw new InvalidInputException("image", null, "give the image to deploy: image(pushed) or image(\"<uri>\")");
        }
        if (role == null) {
            throw new InvalidInputException("role", null, "give the execution role: role(\"arn:aws:iam::<account>:role/<name>\")");
        }
        Matcher m = ROLE.matcher(role);
        if (!m.matches()) {
            throw new InvalidInputException("role", role, "give an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>");
        }
        String account = ctx.account().orElse(null);
        if (account != null && !m.group(1).equals(account)) {
            throw new InvalidInputException("role", role, "the role is in account " + m.group(1) + " but the function "
                    + "in " + account + "; Lambda assumes execution roles of the function's own account");
        }
        ImageReferences ref = ImageReferences.parse(image);
        String region = ctx.region() == null ? null : ctx.region().id();
        ref.ecrAccountAndRegion().ifPresent(ar -> {
            if (account != null && !ar[0].equals(account)) {
                throw new InvalidInputException("image", image, "the image is in account " + ar[0]
                        + "'s registry, the function in account " + account + ": push the image to " + account
                        + "'s ECR (Lambda runs images of its own account)");
            }
            if (region != null && !ar[1].equals(region)) {
                throw new InvalidInputException("image", image, "the image is in region " + ar[1] + ", the function in "
                        + region + ": push the image to ECR in " + region + " (Lambda runs images of its own region)");
            }
        });
        Architecture arch = architecture != null ? architecture : imageArchitecture != null ? imageArchitecture
                : Architecture.X86_64;
        if (architecture != null && imageArchitecture != null && architecture != imageArchitecture) {
            throw new InvalidInputException("architecture", architecture.lambdaName(), "the pushed image is for "
                    + imageArchitecture.lambdaName() + "; build it for " + architecture.lambdaName() + " or deploy as "
                    + imageArchitecture.lambdaName());
        }
        return new FunctionSpec(name, image, role, memory, (int) timeout.toSeconds(), env, arch.lambdaName(),
                arch.platform(), entrypoint, command, workdir, description, alias, smokePayload, deadline);
    }

    @Override
    public String toString() {
        return "FunctionDeploy[" + name + ", image=" + image + ", role=" + role + ", " + memory + " MB, "
                + timeout.toSeconds() + " s, env=" + env.keySet() + ", alias=" + alias + "]";
    }
}
