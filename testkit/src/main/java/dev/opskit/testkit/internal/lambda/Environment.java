package dev.opskit.testkit.internal.lambda;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution environment: the function's entrypoint running in a {@link Sandbox}, and the
 * Lambda Runtime API it polls ({@code /2018-06-01/runtime/...}) on its own loopback port. It
 * serves one invocation at a time and is reused while it stays healthy (a warm start); a
 * timeout, a crash or an init error ends it. Its stdout and stderr go to one log file, read back
 * per invocation.
 */
final class Environment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Environment.class);
    /** Lambda's limit on a synchronous response, plus the 100 bytes the Runtime API allows over it. */
    static final int MAX_RESPONSE = 6 * 1024 * 1024 + 100;
    private static final String PREFIX = "/2018-06-01/runtime";

    /** How an invocation ended, as the runtime reported it. */
    sealed interface Outcome permits Response, FunctionError, Exited, TooLarge {
    }

    /** {@code /response}. */
    record Response(byte[] payload) implements Outcome {
    }

    /** {@code /error} (or {@code /init/error}): the runtime's error document and its type header. */
    record FunctionError(byte[] body, String type) implements Outcome {
    }

    /** The process ended before it answered. */
    record Exited(int status) implements Outcome {
    }

    /** The response was over the limit. */
    record TooLarge(int size) implements Outcome {
    }

    /** One invocation handed to the runtime. */
    static final class Invocation {
        final String requestId;
        final byte[] payload;
        final long deadlineMillis;
        final String invokedArn;
        final String clientContext;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

        Invocation(String requestId, byte[] payload, long deadlineMillis, String invokedArn, String clientContext) {
            this.requestId = requestId;
            this.payload = payload;
            this.deadlineMillis = deadlineMillis;
            this.invokedArn = invokedArn;
            this.clientContext = clientContext;
        }
    }

    final String id;
    final String functionArn;
    final String version;
    final LambdaModel.Code code;
    final Path log;
    final long startedNanos = System.nanoTime();
    /** Completes when the runtime first asks for an invocation (init done), or with how init failed. */
    final CompletableFuture<Outcome> init = new CompletableFuture<>();
    private final HttpServer api;
    private final LinkedBlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private volatile Invocation current;
    private volatile Process process;
    private volatile boolean closed;
    volatile long initNanos = -1;

    Environment(String id, String functionArn, String version, LambdaModel.Code code, Path log, ExecutorService http)
            throws IOException {
        this.id = id;
        this.functionArn = functionArn;
        this.version = version;
        this.code = code;
        this.log = log;
        Files.createDirectories(log.getParent());
        Files.write(log, new byte[0]);
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        api.setExecutor(http);
        api.createContext("/", this::handle);
        api.start();
    }

    /** {@code 127.0.0.1:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String runtimeApi() {
        return "127.0.0.1:" + api.getAddress().getPort();
    }

    /** Starts the sandboxed process; its end fails init or the current invocation. */
    void start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        process = p;
        p.onExit().thenAccept(done -> {
            Exited exit = new Exited(done.exitValue());
            init.complete(exit);
            Invocation inv = current;
            if (inv != null) {
                inv.outcome.complete(exit);
            }
            closed = true;
        });
    }

    boolean alive() {
        Process p = process;
        return !closed && p != null && p.isAlive();
    }

    /** Hands an invocation to the runtime's next {@code /next}. */
    void deliver(Invocation inv) {
        queue.add(inv);
    }

    long logSize() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /** What the function wrote from {@code offset} on, as UTF-8. */
    String logFrom(long offset) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long end = f.length();
            if (end <= offset) {
                return "";
            }
            byte[] b = new byte[(int) Math.min(end - offset, 1 << 20)];
            f.seek(end - b.length);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        closed = true;
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        api.stop(0);
        Invocation inv = current;
        if (inv != null) {
            inv.outcome.complete(new Exited(-9));
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", log, e);
        }
    }

    // ---- the Runtime API

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (!path.startsWith(PREFIX)) {
                drain(ex);
                send(ex, 404, Map.of("errorMessage", "Unknown path " + path, "errorType", "NotFound"));
                return;
            }
            String rest = path.substring(PREFIX.length());
            if (method.equals("GET") && rest.equals("/invocation/next")) {
                drain(ex);
                next(ex);
            } else if (method.equals("POST") && rest.equals("/init/error")) {
                byte[] body = body(ex, MAX_RESPONSE);
                if (initNanos >= 0) {
                    send(ex, 403, Map.of("errorMessage", "Init error after init finished", "errorType", "InvalidStateTransition"));
                    return;
                }
                init.complete(new FunctionError(body, ex.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type")));
                send(ex, 202, Map.of("status", "OK"));
            } else if (method.equals("POST") && rest.startsWith("/invocation/")
                    && (rest.endsWith("/response") || rest.endsWith("/error"))) {
                boolean ok = rest.endsWith("/response");
                String requestId = rest.substring("/invocation/".length(), rest.lastIndexOf('/'));
                Invocation inv = current;
                if (inv == null || !inv.requestId.equals(requestId)) {
                    drain(ex);
                    send(ex, 400, Map.of("errorMessage", "Invalid request ID", "errorType", "InvalidRequestID"));
                    return;
                }
                byte[] body = body(ex, MAX_RESPONSE);
                if (body.length > MAX_RESPONSE) {
                    current = null;
                    inv.outcome.complete(new TooLarge(body.length));
                    send(ex, 413, Map.of("errorMessage", "Exceeded maximum allowed payload size (" + MAX_RESPONSE
                            + " bytes).", "errorType", "RequestEntityTooLarge"));
                    return;
                }
                current = null;
                inv.outcome.complete(ok ? new Response(body)
                        : new FunctionError(body, ex.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type")));
                send(ex, 202, Map.of("status", "OK"));
            } else {
                drain(ex);
                send(ex, 404, Map.of("errorMessage", "Unknown path " + path, "errorType", "NotFound"));
            }
        } catch (IOException e) {
            LOG.debug("runtime of {} went away", id, e);
        }
    }

    private void next(HttpExchange ex) throws IOException {
        if (initNanos < 0) {
            initNanos = System.nanoTime() - startedNanos;
            init.complete(null);
        }
        Invocation inv = null;
        try {
            while (inv == null && !closed) {
                inv = queue.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (inv == null) {
            send(ex, 500, Map.of("errorMessage", "The execution environment is shutting down", "errorType", "Runtime.Shutdown"));
            return;
        }
        current = inv;
        ex.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", inv.requestId);
        ex.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms", Long.toString(inv.deadlineMillis));
        ex.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn", inv.invokedArn);
        ex.getResponseHeaders().set("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                + "-" + inv.requestId.replace("-", "").substring(0, 24) + ";Parent=" + inv.requestId.replace("-", "").substring(16)
                + ";Sampled=0");
        if (inv.clientContext != null) {
            ex.getResponseHeaders().set("Lambda-Runtime-Client-Context", inv.clientContext);
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, inv.payload.length == 0 ? -1 : inv.payload.length);
        if (inv.payload.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(inv.payload);
            }
        }
    }

    private static byte[] body(HttpExchange ex, int limit) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(limit + 1);
            in.transferTo(OutputStream.nullOutputStream());
            return b;
        }
    }

    private static void drain(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] b = JSON.std.asBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
