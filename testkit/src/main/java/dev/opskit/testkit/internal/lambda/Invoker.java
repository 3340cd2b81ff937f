package dev.opskit.testkit.internal.lambda;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.testkit.internal.ecr.EcrService.ResolvedImage;
import dev.opskit.testkit.internal.lambda.Environment.Exited;
import dev.opskit.testkit.internal.lambda.Environment.FunctionError;
import dev.opskit.testkit.internal.lambda.Environment.Invocation;
import dev.opskit.testkit.internal.lambda.Environment.Outcome;
import dev.opskit.testkit.internal.lambda.Environment.Response;
import dev.opskit.testkit.internal.lambda.Environment.TooLarge;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.sts.AccessKey;
import dev.opskit.testkit.internal.sts.Identities;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * Runs invocations: finds a warm execution environment of the function version or starts one
 * (init: the entrypoint runs until it first asks the Runtime API for an invocation, 10 s at
 * most), hands it the event, and waits for its answer at most the function's timeout. A
 * timeout or crash ends the environment, as on Lambda; a healthy one waits for the next
 * invocation. Each answer carries the log lines Lambda writes (START, END, REPORT) around what
 * the function printed.
 */
final class Invoker implements AutoCloseable {
    static final Duration INIT_LIMIT = Duration.ofSeconds(10);
    /** Environments at once in one LocalAws; beyond it Invoke is throttled. */
    static final int MAX_ENVIRONMENTS = 32;
    private static final DateTimeFormatter STREAM_DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ISO_INSTANT;

    /** What Invoke answers. */
    record Result(String requestId, byte[] payload, String functionError, String log, String version) {
    }

    private final Path dir;
    private final RootFilesystems roots;
    private final Identities identities;
    private final java.util.function.Supplier<URI> awsEndpoint;
    private final Clock clock;
    private final ExecutorService http = Executors.newCachedThreadPool(
            new ThreadFactoryBuilder().threadNamePrefix("local-lambda-runtime-api").daemonThreads(true).build());
    private final Map<String, Deque<Environment>> idle = new HashMap<>();
    private final List<Environment> all = new ArrayList<>();
    private final Map<String, ImageConfig> configs = new ConcurrentHashMap<>();
    private final Map<String, StringBuilder> logs = new ConcurrentHashMap<>();
    private final AtomicInteger started = new AtomicInteger();
    private volatile boolean closed;

    Invoker(Path dir, RootFilesystems roots, Identities identities, java.util.function.Supplier<URI> awsEndpoint,
            Clock clock) {
        this.dir = dir;
        this.roots = roots;
        this.identities = identities;
        this.awsEndpoint = awsEndpoint;
        this.clock = clock;
    }

    /** The parts of an image's config that decide how it starts. */
    record ImageConfig(List<String> env, List<String> entrypoint, List<String> cmd, String workdir, String architecture) {
    }

    /** Reads an image's config blob. */
    @SuppressWarnings("unchecked")
    ImageConfig config(ResolvedImage image) throws RootFilesystems.InvalidImageException {
        ImageConfig cached = configs.get(image.image().digest());
        if (cached != null) {
            return cached;
        }
        Map<String, Object> json;
        try (InputStream in = Files.newInputStream(image.registry().blob(image.image().configDigest()))) {
            json = (Map<String, Object>) JSON.std.anyFrom(in);
        } catch (IOException | RuntimeException e) {
            throw new RootFilesystems.InvalidImageException("the config of " + image.uri() + " cannot be read: " + e, e);
        }
        Map<String, Object> c = json.get("config") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        ImageConfig config = new ImageConfig(strings(c.get("Env")), strings(c.get("Entrypoint")), strings(c.get("Cmd")),
                c.get("WorkingDir") instanceof String s && !s.isEmpty() ? s : null,
                String.valueOf(json.getOrDefault("architecture", "amd64")));
        configs.put(image.image().digest(), config);
        return config;
    }

    private static List<String> strings(Object v) {
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** How many environments have been started so far (warm starts start none). */
    int environmentsStarted() {
        return started.get();
    }

    /** What a function has logged so far (the last 1 MB). */
    String logs(String functionArn) {
        StringBuilder b = logs.get(functionArn);
        if (b == null) {
            return "";
        }
        synchronized (b) {
            return b.toString();
        }
    }

    /**
     * Runs one invocation and waits for its end.
     *
     * @throws AwsError {@code TooManyRequestsException} when no environment can be started
     */
    Result invoke(LambdaModel.Function fn, String version, LambdaModel.Code code, byte[] payload, String invokedArn,
            String clientContext) {
        String requestId = UUID.randomUUID().toString();
        String key = fn.arn + ":" + version;
        Environment env = take(key, code);
        StringBuilder text = new StringBuilder();
        if (env == null) {
            Started s = startEnvironment(fn, version, code, requestId);
            if (s.failure() != null) {
                record(fn, s.failure().log());
                return s.failure();
            }
            env = s.env();
        }
        long from = env.logSize();
        long t0 = System.nanoTime();
        long deadline = System.currentTimeMillis() + code.timeout() * 1000L;
        Invocation inv = new Invocation(requestId, payload, deadline, invokedArn, clientContext);
        text.append("START RequestId: ").append(requestId).append(" Version: ").append(version).append('\n');
        env.deliver(inv);
        Outcome outcome;
        boolean timedOut = false;
        try {
            outcome = inv.outcome.get(code.timeout() * 1000L, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            outcome = null;
            timedOut = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Exited(-9);
        } catch (ExecutionException e) {
            outcome = new Exited(-1);
        }
        double millis = (System.nanoTime() - t0) / 1e6;
        if (timedOut) {
            close(env);
        } else {
            settleOutput(env);
        }
        text.append(env.logFrom(from));
        byte[] out;
        String error = null;
        if (timedOut) {
            String seconds = String.format(Locale.ROOT, "%.2f", (double) code.timeout());
            text.append(LOG_TIME.format(clock.instant())).append(' ').append(requestId)
                    .append(" Task timed out after ").append(seconds).append(" seconds\n");
            out = error(requestId, "Sandbox.Timedout", "Task timed out after " + seconds + " seconds");
            error = "Unhandled";
        } else if (outcome instanceof Response r) {
            out = r.payload();
            giveBack(key, env, code);
        } else if (outcome instanceof FunctionError f) {
            out = errorDocument(f);
            error = "Unhandled";
            giveBack(key, env, code);
        } else if (outcome instanceof TooLarge t) {
            out = json(Map.of("errorType", "Function.ResponseSizeTooLarge", "errorMessage",
                    "Response payload size exceeded maximum allowed payload size (" + Environment.MAX_RESPONSE + " bytes)."));
            error = "Unhandled";
            giveBack(key, env, code);
        } else {
            Exited x = (Exited) outcome;
            out = exitError(requestId, x.status());
            error = "Unhandled";
            close(env);
        }
        text.append("END RequestId: ").append(requestId).append('\n');
        String initPart = env.initNanos >= 0 && from == 0 ? String.format(Locale.ROOT, "\tInit Duration: %.2f ms",
                env.initNanos / 1e6) : "";
        text.append(String.format(Locale.ROOT, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\t"
                + "Memory Size: %d MB%s\t%n", requestId, millis, (long) Math.ceil(millis), code.memory(), initPart));
        record(fn, text);
        return new Result(requestId, out, error, text.toString(), version);
    }

    /** A started environment, or how its init failed (the invocation's result). */
    private record Started(Environment env, Result failure) {
    }

    /**
     * Starts an environment and waits for its init.
     */
    private Started startEnvironment(LambdaModel.Function fn, String version, LambdaModel.Code code,
            String requestId) {
        synchronized (this) {
            if (closed) {
                throw new AwsError("ServiceException", 500, false, "LocalAws is shutting down");
            }
            if (all.size() >= MAX_ENVIRONMENTS) {
                throw new AwsError("TooManyRequestsException", 429, true, "Rate Exceeded.")
                        .withField("Reason", "ConcurrentInvocationLimitExceeded");
            }
        }
        String envId = Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 8) + started.incrementAndGet();
        Environment env;
        try {
            env = new Environment(envId, fn.arn, version, code, dir.resolve("env-" + envId + ".log"), http);
        } catch (IOException e) {
            throw new AwsError("ServiceException", 500, false, "LocalAws cannot start an execution environment: " + e);
        }
        synchronized (this) {
            all.add(env);
        }
        byte[] failure = null;
        try {
            Path root = roots.rootOf(code.image());
            ImageConfig config = config(code.image());
            List<String> argv = new ArrayList<>(code.entryPoint() != null ? code.entryPoint() : config.entrypoint());
            argv.addAll(code.command() != null ? code.command() : config.cmd());
            Map<String, String> vars = environment(fn, version, code, config, env);
            String cwd = code.workingDirectory() != null ? code.workingDirectory()
                    : config.workdir() != null ? config.workdir() : "/";
            String problem = Entrypoints.problem(root, argv, vars.getOrDefault("PATH", "/usr/bin:/bin"),
                    code.architecture());
            if (problem != null) {
                failure = error(requestId, "Runtime.InvalidEntrypoint", problem);
            } else if (!Sandbox.available()) {
                failure = error(requestId, "Runtime.Unknown", "LocalAws cannot isolate the function: bubblewrap (bwrap) "
                        + "is not installed or cannot create namespaces here; apt-get install bubblewrap");
            } else {
                env.start(Sandbox.command(root, cwd, "localaws-" + envId, argv), vars);
                Outcome init;
                try {
                    init = env.init.get(INIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    init = null;
                    failure = error(requestId, "Sandbox.Timedout", "Task timed out after "
                            + String.format(Locale.ROOT, "%.2f", (double) INIT_LIMIT.toSeconds()) + " seconds");
                }
                if (init instanceof FunctionError f) {
                    failure = errorDocument(f);
                } else if (init instanceof Exited x) {
                    failure = exitError(requestId, x.status());
                }
            }
        } catch (RootFilesystems.InvalidImageException e) {
            failure = error(requestId, "Runtime.InvalidEntrypoint", e.getMessage());
        } catch (IOException e) {
            failure = error(requestId, "Runtime.Unknown", "LocalAws could not start the sandbox: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = error(requestId, "Runtime.Unknown", "interrupted while the function initialized");
        } catch (ExecutionException e) {
            failure = error(requestId, "Runtime.Unknown", String.valueOf(e.getCause()));
        }
        if (failure == null) {
            return new Started(env, null);
        }
        settleOutput(env);
        StringBuilder text = new StringBuilder(env.logFrom(0));
        close(env);
        text.append("START RequestId: ").append(requestId).append(" Version: ").append(version).append('\n');
        text.append("END RequestId: ").append(requestId).append('\n');
        text.append(String.format(Locale.ROOT, "REPORT RequestId: %s\tDuration: 0.00 ms\tBilled Duration: 0 ms\t"
                + "Memory Size: %d MB\tStatus: error\tError Type: Runtime.InitError%n", requestId, code.memory()));
        return new Started(null, new Result(requestId, failure, "Unhandled", text.toString(), version));
    }

    private Map<String, String> environment(LambdaModel.Function fn, String version, LambdaModel.Code code,
            ImageConfig config, Environment env) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String kv : config.env()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                vars.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        vars.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        vars.putAll(code.environment());
        String roleName = code.role().substring(code.role().lastIndexOf('/') + 1);
        AccessKey key = identities.issueSession(fn.accountId, roleName, fn.name, Duration.ofHours(12));
        List<String> cmd = code.command() != null ? code.command() : config.cmd();
        if (!cmd.isEmpty()) {
            vars.put("_HANDLER", cmd.get(0));
        }
        vars.put("LAMBDA_TASK_ROOT", "/var/task");
        vars.put("LAMBDA_RUNTIME_DIR", "/var/runtime");
        vars.put("AWS_LAMBDA_RUNTIME_API", env.runtimeApi());
        vars.put("AWS_EXECUTION_ENV", "AWS_Lambda_Image");
        vars.put("AWS_LAMBDA_FUNCTION_NAME", fn.name);
        vars.put("AWS_LAMBDA_FUNCTION_VERSION", version);
        vars.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(code.memory()));
        vars.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + fn.name);
        vars.put("AWS_LAMBDA_LOG_STREAM_NAME", STREAM_DAY.format(clock.instant()) + "/[" + version + "]" + env.id);
        vars.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        vars.put("AWS_REGION", fn.region);
        vars.put("AWS_DEFAULT_REGION", fn.region);
        vars.put("AWS_ACCESS_KEY_ID", key.accessKeyId());
        vars.put("AWS_SECRET_ACCESS_KEY", key.secretAccessKey().reveal());
        vars.put("AWS_SESSION_TOKEN", key.sessionToken().reveal());
        // Not set by Lambda: points SDKs and the CLI inside the function at this LocalAws.
        vars.put("AWS_ENDPOINT_URL", awsEndpoint.get().toString());
        vars.putIfAbsent("TZ", ":UTC");
        vars.putIfAbsent("LANG", "en_US.UTF-8");
        return vars;
    }

    /** Output written just before an answer may still be on its way into the log file. */
    private static void settleOutput(Environment env) {
        long size = env.logSize();
        for (int i = 0; i < 5; i++) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = env.logSize();
            if (now == size) {
                return;
            }
            size = now;
        }
    }

    private synchronized Environment take(String key, LambdaModel.Code code) {
        Deque<Environment> q = idle.get(key);
        while (q != null && !q.isEmpty()) {
            Environment e = q.poll();
            if (e.alive() && e.code == code) {
                return e;
            }
            closeLater(e);
        }
        return null;
    }

    private void giveBack(String key, Environment env, LambdaModel.Code code) {
        synchronized (this) {
            if (!closed && env.alive() && env.code == code) {
                idle.computeIfAbsent(key, k -> new ArrayDeque<>()).push(env);
                return;
            }
        }
        close(env);
    }

    /** Ends the idle environments of a function version whose code changed or was deleted. */
    void retire(String functionArn, String version) {
        List<Environment> gone;
        synchronized (this) {
            Deque<Environment> q = idle.remove(functionArn + ":" + version);
            gone = q == null ? List.of() : new ArrayList<>(q);
        }
        gone.forEach(this::close);
    }

    private void closeLater(Environment e) {
        http.execute(() -> close(e));
    }

    private void close(Environment env) {
        synchronized (this) {
            all.remove(env);
            idle.values().forEach(q -> q.remove(env));
        }
        env.close();
    }

    private void record(LambdaModel.Function fn, CharSequence text) {
        StringBuilder b = logs.computeIfAbsent(fn.arn, k -> new StringBuilder());
        synchronized (b) {
            b.append(text);
            if (b.length() > 1 << 20) {
                b.delete(0, b.length() - (1 << 20));
            }
        }
    }

    private static byte[] errorDocument(FunctionError f) {
        try {
            Object parsed = f.body().length == 0 ? null : JSON.std.anyFrom(f.body());
            if (parsed instanceof Map<?, ?>) {
                return f.body();
            }
        } catch (IOException e) {
            // not JSON: wrapped below
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("errorMessage", new String(f.body(), StandardCharsets.UTF_8));
        doc.put("errorType", f.type() != null ? f.type() : "Runtime.Unknown");
        return json(doc);
    }

    private static byte[] exitError(String requestId, int status) {
        String how = status > 128 ? "signal: " + signal(status - 128) : "exit status " + status;
        return error(requestId, "Runtime.ExitError", "Runtime exited with error: " + how);
    }

    private static String signal(int n) {
        return switch (n) {
            case 9 -> "killed";
            case 15 -> "terminated";
            case 11 -> "segmentation fault";
            case 6 -> "aborted";
            default -> "signal " + n;
        };
    }

    private static byte[] error(String requestId, String type, String message) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("errorType", type);
        doc.put("errorMessage", "RequestId: " + requestId + " Error: " + message);
        return json(doc);
    }

    private static byte[] json(Object o) {
        try {
            return JSON.std.asBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        List<Environment> envs;
        synchronized (this) {
            closed = true;
            envs = new ArrayList<>(all);
            all.clear();
            idle.clear();
        }
        envs.forEach(Environment::close);
        http.shutdownNow();
    }
}
