package dev.opskit.testkit.internal.lambda;

import dev.opskit.testkit.internal.ecr.EcrService;
import dev.opskit.testkit.internal.ecr.EcrService.ResolvedImage;
import dev.opskit.testkit.internal.lambda.LambdaModel.Alias;
import dev.opskit.testkit.internal.lambda.LambdaModel.Code;
import dev.opskit.testkit.internal.lambda.LambdaModel.Function;
import dev.opskit.testkit.internal.lambda.LambdaModel.Version;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.protocol.RestJsonService;
import dev.opskit.testkit.internal.protocol.RestRequest;
import dev.opskit.testkit.internal.protocol.RestResponse;
import dev.opskit.testkit.internal.sts.Identities;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * Lambda over restJson1, for functions from container images: create, get, update code and
 * configuration, delete, list, versions, aliases and Invoke. A create leaves the function
 * {@code Pending} and an update leaves {@code LastUpdateStatus} {@code InProgress} while LocalAws
 * unpacks the image (at least {@link #transitionTime()}), then {@code Active} /
 * {@code Successful}, or {@code Failed} with {@code InvalidImage} or {@code ImageDeleted}; calls
 * that need a settled function meanwhile answer {@code ResourceConflictException}, as Lambda
 * does, and invocations of {@code $LATEST} run the previous code until the update is done.
 * Invoke really runs the image ({@link Invoker}).
 */
public final class LambdaService implements RestJsonService, AutoCloseable {
    private static final String BASE = "/2015-03-31/functions";
    private static final Pattern ROLE = Pattern.compile("arn:(aws[a-zA-Z-]*)?:iam::(\\d{12}):role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final Pattern NAME = Pattern.compile("(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?"
            + "(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
    private static final Pattern ALIAS = Pattern.compile("(?!^[0-9]+$)([a-zA-Z0-9-_]+)");
    private static final DateTimeFormatter MODIFIED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final int MAX_PAYLOAD = 6 * 1024 * 1024;
    private static final int MAX_ASYNC_PAYLOAD = 1024 * 1024;

    private final Clock clock;
    private final EcrService ecr;
    private final Invoker invoker;
    private final RootFilesystems roots;
    private final Path dir;
    private final Map<String, Function> functions = new TreeMap<>();
    private final Map<String, String[]> failNext = new LinkedHashMap<>();
    private final ScheduledExecutorService transitions = Executors.newScheduledThreadPool(2,
            new ThreadFactoryBuilder().threadNamePrefix("local-lambda-transition").daemonThreads(true).build());
    private final ExecutorService async = Executors.newCachedThreadPool(
            new ThreadFactoryBuilder().threadNamePrefix("local-lambda-async").daemonThreads(true).build());
    private volatile Duration transitionTime = Duration.ofMillis(300);
    private int inFlight;

    /**
     * @param clock LocalAws's clock (timestamps)
     * @param dir where unpacked images and environment logs go; deleted on close
     * @param ecr the registry images come from
     * @param identities issues each function's role credentials
     * @param awsEndpoint LocalAws's endpoint, given to functions as {@code AWS_ENDPOINT_URL}
     */
    public LambdaService(Clock clock, Path dir, EcrService ecr, Identities identities,
            java.util.function.Supplier<URI> awsEndpoint) {
        this.clock = clock;
        this.ecr = ecr;
        this.dir = dir;
        this.roots = new RootFilesystems(dir.resolve("images"));
        this.invoker = new Invoker(dir.resolve("environments"), roots, identities, awsEndpoint, clock);
    }

    @Override
    public String signingName() {
        return "lambda";
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.signed("POST", BASE, "CreateFunction"),
                Route.signed("GET", BASE + "/", "ListFunctions"),
                Route.signed("GET", BASE + "/{FunctionName}", "GetFunction"),
                Route.signed("DELETE", BASE + "/{FunctionName}", "DeleteFunction"),
                Route.signed("GET", BASE + "/{FunctionName}/configuration", "GetFunctionConfiguration"),
                Route.signed("PUT", BASE + "/{FunctionName}/configuration", "UpdateFunctionConfiguration"),
                Route.signed("PUT", BASE + "/{FunctionName}/code", "UpdateFunctionCode"),
                Route.signed("POST", BASE + "/{FunctionName}/versions", "PublishVersion"),
                Route.signed("GET", BASE + "/{FunctionName}/versions", "ListVersionsByFunction"),
                Route.signed("POST", BASE + "/{FunctionName}/aliases", "CreateAlias"),
                Route.signed("GET", BASE + "/{FunctionName}/aliases", "ListAliases"),
                Route.signed("GET", BASE + "/{FunctionName}/aliases/{Name}", "GetAlias"),
                Route.signed("PUT", BASE + "/{FunctionName}/aliases/{Name}", "UpdateAlias"),
                Route.signed("DELETE", BASE + "/{FunctionName}/aliases/{Name}", "DeleteAlias"),
                Route.signed("POST", BASE + "/{FunctionName}/invocations", "Invoke"));
    }

    @Override
    public RestResponse handle(RestRequest r) {
        return switch (r.operation()) {
            case "CreateFunction" -> createFunction(r);
            case "ListFunctions" -> listFunctions(r);
            case "GetFunction" -> getFunction(r);
            case "DeleteFunction" -> deleteFunction(r);
            case "GetFunctionConfiguration" -> RestResponse.ok(getConfiguration(r));
            case "UpdateFunctionConfiguration" -> updateConfiguration(r);
            case "UpdateFunctionCode" -> updateCode(r);
            case "PublishVersion" -> publishVersion(r);
            case "ListVersionsByFunction" -> listVersions(r);
            case "CreateAlias" -> createAlias(r);
            case "ListAliases" -> listAliases(r);
            case "GetAlias" -> RestResponse.ok(getAlias(r));
            case "UpdateAlias" -> updateAlias(r);
            case "DeleteAlias" -> deleteAlias(r);
            case "Invoke" -> invoke(r);
            default -> throw new AwsError("UnknownOperationException", 404, true,
                    "LocalAws's Lambda does not implement " + r.operation());
        };
    }

    /** How long a create or update stays Pending / InProgress at least. */
    public Duration transitionTime() {
        return transitionTime;
    }

    public void transitionTime(Duration d) {
        this.transitionTime = Objects.requireNonNull(d, "d");
    }

    /** Makes the next create or update of a function end Failed with this reason code. */
    public synchronized void failNextUpdate(String accountId, String region, String name, String reasonCode, String reason) {
        failNext.put(accountId + "/" + region + "/" + name, new String[] {reasonCode, reason});
    }

    /** Environments started so far (a warm invocation starts none). */
    public int environmentsStarted() {
        return invoker.environmentsStarted();
    }

    /** The log of a function: what it wrote, with Lambda's START/END/REPORT lines. */
    public synchronized String logs(String accountId, String region, String name) {
        Function fn = functions.get(key(accountId, region, name));
        return fn == null ? "" : invoker.logs(fn.arn);
    }

    /** Waits until no create or update is in progress. */
    public boolean awaitIdle(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (inFlight > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** The result of an invocation made from inside LocalAws (a maintenance window's LAMBDA task). */
    public record TaskResult(String requestId, String functionError, String payload, String log) {
    }

    /**
     * Invokes a function for a maintenance window task, synchronously.
     *
     * @param function a name or ARN, with an optional qualifier
     * @param qualifier a version or alias, or null
     * @param payload the event
     * @throws AwsError as Invoke would answer
     */
    public TaskResult invokeForTask(String accountId, String region, String function, String qualifier, byte[] payload) {
        Target t;
        synchronized (this) {
            t = target(accountId, region, function, qualifier);
        }
        Invoker.Result res = run(t, payload, null);
        return new TaskResult(res.requestId(), res.functionError(), new String(res.payload(), StandardCharsets.UTF_8), res.log());
    }

    // ---- functions

    private RestResponse createFunction(RestRequest r) {
        JsonRequest j = r.json();
        String name = j.require("FunctionName");
        if (!name.matches("[a-zA-Z0-9-_]{1,64}")) {
            throw validation("functionName", name, "Member must satisfy regular expression pattern: "
                    + "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
                    + "([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        }
        String packageType = j.string("PackageType") == null ? "Zip" : j.string("PackageType");
        if (!packageType.equals("Image")) {
            throw invalid("LocalAws runs functions from container images only: give PackageType Image and "
                    + "Code.ImageUri (Zip functions are not emulated)");
        }
        if (j.string("Runtime") != null || j.string("Handler") != null) {
            throw invalid("Runtime and Handler are not allowed for functions with PackageType Image; set the handler "
                    + "as the image's CMD or ImageConfig.Command");
        }
        Map<String, Object> code = map(j.body().get("Code"));
        if (code.get("ImageUri") == null) {
            throw invalid("Please provide ImageUri when creating a function with PackageType Image.");
        }
        String role = role(r, j.require("Role"));
        ResolvedImage image = ecr.resolveForLambda(r.accountId(), r.region(), String.valueOf(code.get("ImageUri")));
        Map<String, Object> imageConfig = map(j.body().get("ImageConfig"));
        Code c = new Code(image, role, memory(j.number("MemorySize"), 128), timeout(j.number("Timeout"), 3),
                variables(j.body().get("Environment")), strings(imageConfig.get("EntryPoint")),
                strings(imageConfig.get("Command")), (String) imageConfig.get("WorkingDirectory"),
                architecture(j.list("Architectures")), j.string("Description"),
                storage(j.body().get("EphemeralStorage"), 512));
        Function fn;
        synchronized (this) {
            String key = key(r.accountId(), r.region(), name);
            if (functions.containsKey(key)) {
                throw new AwsError("ResourceConflictException", 409, true, "Function already exist: " + name)
                        .withField("Type", "User");
            }
            fn = new Function(r.accountId(), r.region(), name);
            fn.latest = c;
            touch(fn);
            Map<String, Object> tags = map(j.body().get("Tags"));
            tags.forEach((k, v) -> fn.tags.put(k, String.valueOf(v)));
            functions.put(key, fn);
            // With Publish, version 1 is published once the function is Active.
            schedule(fn, true, Boolean.TRUE.equals(j.body().get("Publish")));
            return RestResponse.json(201, configuration(fn, "$LATEST"));
        }
    }

    private RestResponse getFunction(RestRequest r) {
        synchronized (this) {
            Target t = target(r.accountId(), r.region(), r.pathParam("FunctionName"), r.queryParam("Qualifier"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("Configuration", configuration(t.fn, t.version));
            Code c = t.version.equals("$LATEST") ? t.fn.latest : t.fn.versions.get(t.version).code();
            out.put("Code", Map.of("RepositoryType", "ECR", "ImageUri", c.image().uri(),
                    "ResolvedImageUri", c.image().resolvedUri()));
            if (!t.fn.tags.isEmpty()) {
                out.put("Tags", t.fn.tags);
            }
            return RestResponse.ok(out);
        }
    }

    private synchronized Map<String, Object> getConfiguration(RestRequest r) {
        Target t = target(r.accountId(), r.region(), r.pathParam("FunctionName"), r.queryParam("Qualifier"));
        return configuration(t.fn, t.version);
    }

    private RestResponse listFunctions(RestRequest r) {
        synchronized (this) {
            List<Object> out = new ArrayList<>();
            for (Function fn : functions.values()) {
                if (fn.accountId.equals(r.accountId()) && fn.region.equals(r.region())) {
                    out.add(configuration(fn, "$LATEST"));
                }
            }
            return RestResponse.ok(Map.of("Functions", out));
        }
    }

    private RestResponse deleteFunction(RestRequest r) {
        Function fn;
        List<String> versions;
        synchronized (this) {
            Target t = target(r.accountId(), r.region(), r.pathParam("FunctionName"), r.queryParam("Qualifier"));
            fn = t.fn;
            if (t.explicitVersion != null && !t.explicitVersion.equals("$LATEST")) {
                if (t.fn.aliases.values().stream().anyMatch(a -> a.version.equals(t.version))) {
                    throw new AwsError("ResourceConflictException", 409, true, "Unable to delete version because the "
                            + "following aliases reference it: " + t.fn.aliases.values().stream()
                            .filter(a -> a.version.equals(t.version)).map(a -> a.name).toList()).withField("Type", "User");
                }
                fn.versions.remove(t.version);
                versions = List.of(t.version);
            } else if (t.explicitVersion != null) {
                throw invalid("$LATEST version cannot be deleted without deleting the function.");
            } else {
                functions.remove(key(fn.accountId, fn.region, fn.name));
                fn.generation++;
                versions = new ArrayList<>(fn.versions.keySet());
                versions.add("$LATEST");
            }
        }
        versions.forEach(v -> invoker.retire(fn.arn, v));
        return RestResponse.empty(204);
    }

    private RestResponse updateCode(RestRequest r) {
        JsonRequest j = r.json();
        synchronized (this) {
            Function fn = function(r, r.pathParam("FunctionName"));
            settled(fn);
            revision(fn.revisionId, j.string("RevisionId"));
            if (j.string("ImageUri") == null) {
                throw invalid("Please provide ImageUri when updating a function with packageType Image.");
            }
            ResolvedImage image = ecr.resolveForLambda(r.accountId(), r.region(), j.string("ImageUri"));
            Code o = fn.latest;
            List<Object> archs = j.list("Architectures");
            fn.latest = new Code(image, o.role(), o.memory(), o.timeout(), o.environment(), o.entryPoint(), o.command(),
                    o.workingDirectory(), archs.isEmpty() ? o.architecture() : architecture(archs), o.description(),
                    o.ephemeralStorage());
            touch(fn);
            schedule(fn, false, Boolean.TRUE.equals(j.body().get("Publish")));
            return RestResponse.ok(configuration(fn, "$LATEST"));
        }
    }

    private RestResponse updateConfiguration(RestRequest r) {
        JsonRequest j = r.json();
        synchronized (this) {
            Function fn = function(r, r.pathParam("FunctionName"));
            settled(fn);
            revision(fn.revisionId, j.string("RevisionId"));
            if (j.string("Runtime") != null || j.string("Handler") != null) {
                throw invalid("Runtime and Handler are not allowed for functions with PackageType Image");
            }
            Code o = fn.latest;
            Map<String, Object> ic = j.body().containsKey("ImageConfig") ? map(j.body().get("ImageConfig")) : null;
            fn.latest = new Code(o.image(),
                    j.string("Role") != null ? role(r, j.string("Role")) : o.role(),
                    j.number("MemorySize") != null ? memory(j.number("MemorySize"), 128) : o.memory(),
                    j.number("Timeout") != null ? timeout(j.number("Timeout"), 3) : o.timeout(),
                    j.body().containsKey("Environment") ? variables(j.body().get("Environment")) : o.environment(),
                    ic != null ? strings(ic.get("EntryPoint")) : o.entryPoint(),
                    ic != null ? strings(ic.get("Command")) : o.command(),
                    ic != null ? (String) ic.get("WorkingDirectory") : o.workingDirectory(),
                    o.architecture(), j.body().containsKey("Description") ? j.string("Description") : o.description(),
                    j.body().containsKey("EphemeralStorage") ? storage(j.body().get("EphemeralStorage"), 512)
                            : o.ephemeralStorage());
            touch(fn);
            schedule(fn, false, false);
            return RestResponse.ok(configuration(fn, "$LATEST"));
        }
    }

    /** Moves a create or update to its end state after the image is unpacked. */
    private void schedule(Function fn, boolean create, boolean publish) {
        if (create) {
            fn.state = "Pending";
            fn.stateReason = "The function is being created.";
            fn.stateReasonCode = "Creating";
        }
        fn.lastUpdateStatus = "InProgress";
        fn.lastUpdateStatusReason = "The function is being created.";
        fn.lastUpdateStatusReasonCode = "Creating";
        long generation = ++fn.generation;
        Code code = fn.latest;
        String[] failure = failNext.remove(fn.accountId + "/" + fn.region + "/" + fn.name);
        long startedNanos = System.nanoTime();
        inFlight++;
        transitions.execute(() -> {
            String[] outcome = failure;
            if (outcome == null) {
                try {
                    roots.rootOf(code.image());
                    invoker.config(code.image());
                    if (!ecr.stillExists(code.image())) {
                        outcome = new String[] {"ImageDeleted", "The image " + code.image().uri() + " was deleted."};
                    }
                } catch (RootFilesystems.InvalidImageException e) {
                    outcome = new String[] {"InvalidImage", e.getMessage()};
                }
            }
            String[] result = outcome;
            long left = transitionTime.toNanos() - (System.nanoTime() - startedNanos);
            transitions.schedule(() -> settle(fn, generation, create, publish, result), Math.max(0, left),
                    TimeUnit.NANOSECONDS);
        });
    }

    private void settle(Function fn, long generation, boolean create, boolean publish, String[] failure) {
        synchronized (this) {
            try {
                if (fn.generation != generation) {
                    return;
                }
                if (failure != null) {
                    if (create) {
                        fn.state = "Failed";
                        fn.stateReason = failure[1];
                        fn.stateReasonCode = failure[0];
                    }
                    fn.lastUpdateStatus = "Failed";
                    fn.lastUpdateStatusReason = failure[1];
                    fn.lastUpdateStatusReasonCode = failure[0];
                    return;
                }
                fn.state = "Active";
                fn.stateReason = null;
                fn.stateReasonCode = null;
                fn.lastUpdateStatus = "Successful";
                fn.lastUpdateStatusReason = null;
                fn.lastUpdateStatusReasonCode = null;
                fn.running = fn.latest;
                if (publish) {
                    publish(fn, null);
                }
            } finally {
                inFlight--;
                notifyAll();
            }
        }
        invoker.retire(fn.arn, "$LATEST");
    }

    // ---- versions

    private RestResponse publishVersion(RestRequest r) {
        JsonRequest j = r.json();
        synchronized (this) {
            Function fn = function(r, r.pathParam("FunctionName"));
            settled(fn);
            if (!fn.lastUpdateStatus.equals("Successful")) {
                throw conflict("The operation cannot be performed at this time. The last update of the function "
                        + "failed: " + fn.lastUpdateStatusReason + "; update it again.");
            }
            revision(fn.revisionId, j.string("RevisionId"));
            String sha = j.string("CodeSha256");
            if (sha != null && !sha.equals(fn.latest.codeSha256())) {
                throw invalid("CodeSHA256 (" + sha + ") is different from current CodeSHA256 in $LATEST ("
                        + fn.latest.codeSha256() + "). Please try again");
            }
            String v = publish(fn, j.string("Description"));
            return RestResponse.json(201, configuration(fn, v));
        }
    }

    private String publish(Function fn, String description) {
        if (!fn.versions.isEmpty()) {
            String last = String.valueOf(fn.lastVersion);
            Version lv = fn.versions.get(last);
            if (lv != null && lv.code().sameAs(fn.latest)) {
                return last;
            }
        }
        String number = String.valueOf(++fn.lastVersion);
        Code c = fn.latest;
        if (description != null) {
            c = new Code(c.image(), c.role(), c.memory(), c.timeout(), c.environment(), c.entryPoint(), c.command(),
                    c.workingDirectory(), c.architecture(), description, c.ephemeralStorage());
        }
        fn.versions.put(number, new Version(number, c, clock.instant(), UUID.randomUUID().toString()));
        return number;
    }

    private RestResponse listVersions(RestRequest r) {
        synchronized (this) {
            Function fn = function(r, r.pathParam("FunctionName"));
            List<Object> out = new ArrayList<>();
            out.add(configuration(fn, "$LATEST"));
            fn.versions.keySet().forEach(v -> out.add(configuration(fn, v)));
            return RestResponse.ok(Map.of("Versions", out));
        }
    }

    // ---- aliases

    private RestResponse createAlias(RestRequest r) {
        JsonRequest j = r.json();
        synchronized (this) {
            Function fn = function(r, r.pathParam("FunctionName"));
            String name = aliasName(j.require("Name"));
            String version = existingVersion(fn, j.require("FunctionVersion"));
            if (fn.aliases.containsKey(name)) {
                throw new AwsError("ResourceConflictException", 409, true, "Alias already exists: " + fn.arn + ":" + name)
                        .withField("Type", "User");
            }
            Alias a = new Alias(name);
            a.version = version;
            a.description = j.string("Description");
            a.revisionId = UUID.randomUUID().toString();
            fn.aliases.put(name, a);
            return RestResponse.json(201, aliasView(fn, a));
        }
    }

    private synchronized Map<String, Object> getAlias(RestRequest r) {
        Function fn = function(r, r.pathParam("FunctionName"));
        return aliasView(fn, alias(fn, r.pathParam("Name")));
    }

    private RestResponse updateAlias(RestRequest r) {
        JsonRequest j = r.json();
        synchronized (this) {
            Function fn = function(r, r.pathParam("FunctionName"));
            Alias a = alias(fn, r.pathParam("Name"));
            revision(a.revisionId, j.string("RevisionId"));
            if (j.string("FunctionVersion") != null) {
                a.version = existingVersion(fn, j.string("FunctionVersion"));
            }
            if (j.body().containsKey("Description")) {
                a.description = j.string("Description");
            }
            a.revisionId = UUID.randomUUID().toString();
            return RestResponse.ok(aliasView(fn, a));
        }
    }

    private RestResponse deleteAlias(RestRequest r) {
        synchronized (this) {
            Function fn = function(r, r.pathParam("FunctionName"));
            fn.aliases.remove(r.pathParam("Name"));
            return RestResponse.empty(204);
        }
    }

    private RestResponse listAliases(RestRequest r) {
        synchronized (this) {
            Function fn = function(r, r.pathParam("FunctionName"));
            String version = r.queryParam("FunctionVersion");
            List<Object> out = new ArrayList<>();
            for (Alias a : fn.aliases.values()) {
                if (version == null || version.equals(a.version)) {
                    out.add(aliasView(fn, a));
                }
            }
            return RestResponse.ok(Map.of("Aliases", out));
        }
    }

    private String existingVersion(Function fn, String version) {
        if (!version.equals("$LATEST") && !fn.versions.containsKey(version)) {
            throw notFound("Function not found: " + fn.arn + ":" + version);
        }
        return version;
    }

    private Alias alias(Function fn, String name) {
        Alias a = fn.aliases.get(name);
        if (a == null) {
            throw notFound("Alias not found: " + fn.arn + ":" + name);
        }
        return a;
    }

    private static String aliasName(String name) {
        if (name.length() > 128 || !ALIAS.matcher(name).matches()) {
            throw validation("name", name, "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
        }
        return name;
    }

    // ---- invoke

    /** A function and the version an invocation runs. */
    private record Target(Function fn, String version, String explicitVersion, String invokedArn) {
    }

    private RestResponse invoke(RestRequest r) {
        String type = r.header("X-Amz-Invocation-Type") == null ? "RequestResponse" : r.header("X-Amz-Invocation-Type");
        byte[] payload = r.body();
        Target t;
        synchronized (this) {
            t = target(r.accountId(), r.region(), r.pathParam("FunctionName"), r.queryParam("Qualifier"));
            runnable(t);
        }
        if (payload.length > 0) {
            try {
                com.fasterxml.jackson.jr.ob.JSON.std.anyFrom(payload);
            } catch (java.io.IOException | RuntimeException e) {
                throw AwsError.badRequest("InvalidRequestContentException", "Could not parse request body into json: "
                        + "Could not parse payload into json: Unexpected character");
            }
        }
        switch (type) {
            case "DryRun" -> {
                return RestResponse.empty(204);
            }
            case "Event" -> {
                if (payload.length > MAX_ASYNC_PAYLOAD) {
                    throw tooLarge(MAX_ASYNC_PAYLOAD);
                }
                async.execute(() -> run(t, payload, null));
                return RestResponse.empty(202);
            }
            case "RequestResponse" -> {
                if (payload.length > MAX_PAYLOAD) {
                    throw tooLarge(MAX_PAYLOAD);
                }
                String context = r.header("X-Amz-Client-Context");
                Invoker.Result res = run(t, payload, context == null ? null
                        : new String(Base64.getDecoder().decode(context), StandardCharsets.UTF_8));
                RestResponse out = RestResponse.bytes(200, "application/json", res.payload())
                        .withHeader("X-Amz-Executed-Version", res.version())
                        .withHeader("X-Amzn-Remapped-x-amzn-RequestId", res.requestId());
                if (res.functionError() != null) {
                    out = out.withHeader("X-Amz-Function-Error", res.functionError());
                }
                if ("Tail".equals(r.header("X-Amz-Log-Type"))) {
                    byte[] log = res.log().getBytes(StandardCharsets.UTF_8);
                    int from = Math.max(0, log.length - 4096);
                    out = out.withHeader("X-Amz-Log-Result",
                            Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(log, from, log.length)));
                }
                return out;
            }
            default -> throw validation("invocationType", type,
                    "Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
        }
    }

    private Invoker.Result run(Target t, byte[] payload, String clientContext) {
        Code code;
        synchronized (this) {
            runnable(t);
            code = t.version.equals("$LATEST") ? t.fn.running : t.fn.versions.get(t.version).code();
        }
        return invoker.invoke(t.fn, t.version, code, payload, t.invokedArn, clientContext);
    }

    private void runnable(Target t) {
        if (t.version.equals("$LATEST") && t.fn.running == null) {
            throw conflict("The operation cannot be performed at this time. The function is currently in the "
                    + "following state: " + t.fn.state);
        }
    }

    // ---- lookups and checks

    private Target target(String accountId, String region, String nameOrArn, String qualifier) {
        Matcher m = NAME.matcher(nameOrArn == null ? "" : nameOrArn);
        if (!m.matches()) {
            throw validation("functionName", nameOrArn, "Member must satisfy regular expression pattern: " + NAME.pattern());
        }
        String acct = m.group(5) == null ? accountId : m.group(5).substring(0, 12);
        String reg = m.group(3) == null ? region : m.group(3).substring(0, m.group(3).length() - 1);
        if (!acct.equals(accountId) || !reg.equals(region)) {
            throw notFound("Function not found: arn:aws:lambda:" + reg + ":" + acct + ":function:" + m.group(7));
        }
        String inName = m.group(9);
        if (inName != null && qualifier != null && !inName.equals(qualifier)) {
            throw invalid("The derived qualifier from the function name does not match the specified qualifier.");
        }
        String q = inName != null ? inName : qualifier;
        Function fn = functions.get(key(accountId, region, m.group(7)));
        if (fn == null) {
            throw notFound("Function not found: arn:aws:lambda:" + region + ":" + accountId + ":function:" + m.group(7)
                    + (q == null ? "" : ":" + q));
        }
        if (q == null || q.equals("$LATEST")) {
            return new Target(fn, "$LATEST", q, fn.arn + (q == null ? "" : ":" + q));
        }
        if (q.matches("[0-9]+")) {
            if (!fn.versions.containsKey(q)) {
                throw notFound("Function not found: " + fn.arn + ":" + q);
            }
            return new Target(fn, q, q, fn.arn + ":" + q);
        }
        Alias a = fn.aliases.get(q);
        if (a == null) {
            throw notFound("Function not found: " + fn.arn + ":" + q);
        }
        return new Target(fn, a.version, q, fn.arn + ":" + q);
    }

    private Function function(RestRequest r, String nameOrArn) {
        Target t = target(r.accountId(), r.region(), nameOrArn, null);
        return t.fn;
    }

    private static void settled(Function fn) {
        if (fn.state.equals("Pending")) {
            throw conflict("The operation cannot be performed at this time. The function is currently in the following "
                    + "state: Pending");
        }
        if (fn.lastUpdateStatus.equals("InProgress")) {
            throw conflict("The operation cannot be performed at this time. An update is in progress for resource: "
                    + fn.arn);
        }
    }

    private static void revision(String current, String given) {
        if (given != null && !given.equals(current)) {
            throw new AwsError("PreconditionFailedException", 412, true, "The Revision Id provided does not match the "
                    + "latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
                    .withField("Type", "User");
        }
    }

    private void touch(Function fn) {
        fn.lastModified = clock.instant();
        fn.revisionId = UUID.randomUUID().toString();
    }

    private String role(RestRequest r, String role) {
        Matcher m = ROLE.matcher(role);
        if (!m.matches()) {
            throw validation("role", role, "Member must satisfy regular expression pattern: " + ROLE.pattern()
                    .replace("(\\d{12})", "\\d{12}"));
        }
        if (!m.group(2).equals(r.accountId())) {
            throw invalid("The role defined for the function cannot be assumed by Lambda.");
        }
        return role;
    }

    private static int memory(Long v, int dflt) {
        if (v == null) {
            return dflt;
        }
        if (v < 128) {
            throw validation("memorySize", v, "Member must have value greater than or equal to 128");
        }
        if (v > 10240) {
            throw validation("memorySize", v, "Member must have value less than or equal to 10240");
        }
        return v.intValue();
    }

    private static int timeout(Long v, int dflt) {
        if (v == null) {
            return dflt;
        }
        if (v < 1) {
            throw validation("timeout", v, "Member must have value greater than or equal to 1");
        }
        if (v > 900) {
            throw invalid("Timeout must be between 1 and 900 seconds, got " + v + ".");
        }
        return v.intValue();
    }

    private static int storage(Object v, int dflt) {
        if (!(v instanceof Map<?, ?> m) || !(m.get("Size") instanceof Number n)) {
            return dflt;
        }
        if (n.intValue() < 512 || n.intValue() > 10240) {
            throw validation("ephemeralStorage.size", n, "Member must have value between 512 and 10240");
        }
        return n.intValue();
    }

    private static String architecture(List<Object> archs) {
        if (archs.isEmpty()) {
            return "x86_64";
        }
        if (archs.size() != 1 || !(archs.get(0).equals("x86_64") || archs.get(0).equals("arm64"))) {
            throw validation("architectures", archs, "Member must have length less than or equal to 1 and satisfy "
                    + "enum value set: [x86_64, arm64]");
        }
        return String.valueOf(archs.get(0));
    }

    private static Map<String, String> variables(Object env) {
        Map<String, String> out = new TreeMap<>();
        if (env instanceof Map<?, ?> m && m.get("Variables") instanceof Map<?, ?> vars) {
            for (Map.Entry<?, ?> e : vars.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (List.of("LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "AWS_LAMBDA_RUNTIME_API", "AWS_REGION",
                        "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
                        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "_HANDLER", "_X_AMZN_TRACE_ID",
                        "AWS_LAMBDA_INITIALIZATION_TYPE").contains(k)) {
                    throw invalid("Lambda was unable to configure your environment variables because the environment "
                            + "variables you have provided contains reserved keys that are currently not supported for "
                            + "modification. Reserved keys used in this request: " + k);
                }
                out.put(k, String.valueOf(e.getValue()));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v) {
        return v instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
    }

    private static List<String> strings(Object v) {
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : null;
    }

    private static String key(String accountId, String region, String name) {
        return accountId + "/" + region + "/" + name;
    }

    // ---- views

    private Map<String, Object> configuration(Function fn, String version) {
        boolean latest = version.equals("$LATEST");
        Version v = latest ? null : fn.versions.get(version);
        Code c = latest ? fn.latest : v.code();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("FunctionName", fn.name);
        out.put("FunctionArn", fn.arn + (latest ? "" : ":" + version));
        out.put("Role", c.role());
        out.put("CodeSize", 0);
        if (c.description() != null) {
            out.put("Description", c.description());
        } else {
            out.put("Description", "");
        }
        out.put("Timeout", c.timeout());
        out.put("MemorySize", c.memory());
        out.put("LastModified", MODIFIED.format(latest ? fn.lastModified : v.lastModified()));
        out.put("CodeSha256", c.codeSha256());
        out.put("Version", version);
        if (!c.environment().isEmpty()) {
            out.put("Environment", Map.of("Variables", c.environment()));
        }
        out.put("TracingConfig", Map.of("Mode", "PassThrough"));
        out.put("RevisionId", latest ? fn.revisionId : v.revisionId());
        out.put("State", latest ? fn.state : "Active");
        if (latest && fn.stateReason != null) {
            out.put("StateReason", fn.stateReason);
            out.put("StateReasonCode", fn.stateReasonCode);
        }
        out.put("LastUpdateStatus", latest ? fn.lastUpdateStatus : "Successful");
        if (latest && fn.lastUpdateStatusReason != null) {
            out.put("LastUpdateStatusReason", fn.lastUpdateStatusReason);
            out.put("LastUpdateStatusReasonCode", fn.lastUpdateStatusReasonCode);
        }
        out.put("PackageType", "Image");
        Map<String, Object> ic = new LinkedHashMap<>();
        if (c.entryPoint() != null) {
            ic.put("EntryPoint", c.entryPoint());
        }
        if (c.command() != null) {
            ic.put("Command", c.command());
        }
        if (c.workingDirectory() != null) {
            ic.put("WorkingDirectory", c.workingDirectory());
        }
        if (!ic.isEmpty()) {
            out.put("ImageConfigResponse", Map.of("ImageConfig", ic));
        }
        out.put("Architectures", List.of(c.architecture()));
        out.put("EphemeralStorage", Map.of("Size", c.ephemeralStorage()));
        out.put("SnapStart", Map.of("ApplyOn", "None", "OptimizationStatus", "Off"));
        return out;
    }

    private static Map<String, Object> aliasView(Function fn, Alias a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("AliasArn", fn.arn + ":" + a.name);
        out.put("Name", a.name);
        out.put("FunctionVersion", a.version);
        out.put("Description", a.description == null ? "" : a.description);
        out.put("RevisionId", a.revisionId);
        return out;
    }

    // ---- errors

    private static AwsError invalid(String message) {
        return AwsError.badRequest("InvalidParameterValueException", message).withField("Type", "User");
    }

    private static AwsError notFound(String message) {
        return AwsError.notFound("ResourceNotFoundException", message).withField("Type", "User");
    }

    private static AwsError conflict(String message) {
        return new AwsError("ResourceConflictException", 409, true, message).withField("Type", "User");
    }

    private static AwsError tooLarge(int limit) {
        return new AwsError("RequestTooLargeException", 413, true, "Request must be smaller than " + limit
                + " bytes for the InvokeFunction operation").withField("Type", "User");
    }

    private static AwsError validation(String member, Object value, String constraint) {
        return AwsError.badRequest("ValidationException", "1 validation error detected: Value '" + value + "' at '"
                + member + "' failed to satisfy constraint: " + constraint);
    }

    @Override
    public void close() {
        transitions.shutdownNow();
        async.shutdownNow();
        invoker.close();
        roots.close();
        try {
            dev.opskit.testkit.internal.io.FileTrees.deleteTree(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot delete LocalAws's Lambda files under " + dir, e);
        }
    }

    /** The public gallery's host, with the provided base image in it (made on first call). */
    public String publicGallery() {
        ProvidedBase.publish(ecr, dir.getParent().resolve("cache"));
        return ecr.gallery().host();
    }

    /** Whether bubblewrap can isolate functions on this machine. */
    public boolean sandboxAvailable() {
        return Sandbox.available();
    }
}
