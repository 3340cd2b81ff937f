package dev.opskit.testkit.internal.server;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.protocol.JsonService;
import dev.opskit.testkit.internal.protocol.QueryEnvelope;
import dev.opskit.testkit.internal.protocol.QueryRequest;
import dev.opskit.testkit.internal.protocol.QueryService;
import dev.opskit.testkit.internal.protocol.RestJsonService;
import dev.opskit.testkit.internal.protocol.RestRequest;
import dev.opskit.testkit.internal.protocol.RestResponse;
import dev.opskit.testkit.internal.protocol.RestRoutes;
import dev.opskit.testkit.internal.protocol.Xml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * The HTTP side of LocalAws: one JDK {@link HttpServer} on a loopback port. Each request is
 * routed by the service in its SigV4 credential scope, authenticated, counted and possibly
 * faulted by the {@link FaultEngine}, then handed to the service in its protocol (awsQuery,
 * awsJson1_1, restJson1). A request without a signature is routed by its method and path to a
 * restJson1 service's unsigned route (SSO-OIDC, the SSO portal), or refused.
 */
public final class AwsHttpServer implements AutoCloseable {
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    private static final Logger LOG = LoggerFactory.getLogger(AwsHttpServer.class);
    private static final int MAX_BODY = 64 * 1024 * 1024;
    private static final String JSON_TYPE = "application/x-amz-json-1.1";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ServiceRegistry services;
    private final SigV4Verifier verifier;
    private final FaultEngine faults;
    private final Clock clock;
    private volatile boolean closed;

    private AwsHttpServer(HttpServer server, ExecutorService executor, ServiceRegistry services,
            SigV4Verifier verifier, FaultEngine faults, Clock clock) {
        this.server = server;
        this.executor = executor;
        this.services = services;
        this.verifier = verifier;
        this.faults = faults;
        this.clock = clock;
    }

    /**
     * Binds 127.0.0.1:port (0 for any free port) and starts serving.
     *
     * @param clock the emulated clock services see as {@code receivedAt}
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static AwsHttpServer start(int port, ServiceRegistry services, SigV4Verifier verifier,
            FaultEngine faults, Clock clock) {
        // The JDK server answers in two writes; without TCP_NODELAY each call waits for the
        // client's delayed ACK (about 40 ms instead of 4 ms). The flag is read once, when the JDK
        // server's configuration class loads, so set it before the first server of this JVM.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("LocalAws cannot listen on 127.0.0.1:" + port
                    + " (" + e.getMessage() + "); choose another port or 0 for any free one", e);
        }
        // Few threads are busy at once, but injected latency must not block other calls.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new ThreadFactoryBuilder().threadNamePrefix("local-aws-http").daemonThreads(true).build(),
                new ThreadPoolExecutor.CallerRunsPolicy());
        http.setExecutor(executor);
        AwsHttpServer s = new AwsHttpServer(http, executor, services, verifier, faults, clock);
        http.createContext("/", s::handle);
        http.start();
        return s;
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        String requestId = UUID.randomUUID().toString();
        Instant received = clock.instant();
        Protocol protocol = exchange.getRequestHeaders().getFirst("X-Amz-Target") != null ? Protocol.JSON : Protocol.QUERY;
        String namespace = null;
        String service = "?";
        String operation = "?";
        try {
            IncomingRequest request = read(exchange);
            String authorization = request.header("authorization");
            if (authorization == null || !authorization.startsWith("AWS4-")) {
                Optional<Unsigned> unsigned = unsignedRoute(request);
                if (unsigned.isEmpty()) {
                    throw new AwsError("MissingAuthenticationToken", 403, true,
                            "Request is missing Authentication Token; sign requests with SigV4 using a LocalAws "
                                    + "account's access key");
                }
                protocol = Protocol.REST;
                RestJsonService rest = unsigned.get().service();
                service = rest.signingName();
                operation = unsigned.get().match().route().operation();
                applyFaults(exchange, service, operation);
                sendRest(exchange, rest.handle(restRequest(request, unsigned.get().match(), service, null,
                        requestId, received)), requestId);
                LOG.debug("{} {} {} -> answered (unsigned)", service, operation, requestId);
                return;
            }
            AuthorizationHeader auth = AuthorizationHeader.parse(authorization);
            service = auth.service();
            QueryService query = services.query(service).orElse(null);
            JsonService json = services.json(service).orElse(null);
            RestJsonService rest = services.rest(service).orElse(null);
            if (query == null && json == null && rest == null) {
                throw AwsError.badRequest("UnknownService", "LocalAws does not emulate the service with signing name '"
                        + service + "'; it emulates " + services.names());
            }
            protocol = query != null ? Protocol.QUERY : json != null ? Protocol.JSON : Protocol.REST;
            namespace = query != null ? query.xmlNamespace() : null;
            Caller caller = verifier.verify(request, auth);

            if (query != null) {
                Map<String, String> params = decodeQuery(request);
                operation = params.get("Action");
                if (operation == null || operation.isEmpty()) {
                    operation = "?";
                    throw AwsError.badRequest("MissingAction", "The request must contain the parameter Action");
                }
                params.remove("Action");
                params.remove("Version");
                applyFaults(exchange, service, operation);
                Xml result = query.handle(new QueryRequest(service, operation, params, caller.accountId(),
                        caller.region(), caller.accessKeyId(), requestId, received));
                send(exchange, 200, "text/xml", QueryEnvelope.success(operation, namespace, result, requestId), requestId);
            } else if (json != null) {
                operation = jsonOperation(request, json);
                Map<String, Object> body = decodeJson(request);
                applyFaults(exchange, service, operation);
                Object result = json.handle(new JsonRequest(service, operation, body, caller.accountId(),
                        caller.region(), caller.accessKeyId(), requestId, received));
                send(exchange, 200, JSON_TYPE, JSON.std.asString(result == null ? Map.of() : result), requestId);
            } else {
                RestRoutes.Match match = RestRoutes.match(rest.routes(), request.method(), request.rawPath(), false)
                        .orElseThrow(() -> new AwsError("UnknownOperationException", 404, true, "No operation of "
                                + rest.signingName() + " is bound to " + request.method() + " " + request.rawPath()));
                operation = match.route().operation();
                applyFaults(exchange, service, operation);
                sendRest(exchange, rest.handle(restRequest(request, match, service, caller, requestId, received)),
                        requestId);
            }
            LOG.debug("{} {} {} -> 200", service, operation, requestId);
        } catch (DroppedConnection e) {
            LOG.debug("{} {} {} -> connection dropped by injected fault", service, operation, requestId);
            exchange.close();
        } catch (AwsError e) {
            LOG.debug("{} {} {} -> {} {}", service, operation, requestId, e.httpStatus(), e.code());
            sendError(exchange, protocol, namespace, e, requestId);
        } catch (RuntimeException | IOException | LinkageError | AssertionError e) {
            // An Error escaping here would end the exchange without a reply: the client would hang
            // until its read timeout instead of seeing the failure.
            LOG.warn("{} {} {} failed inside LocalAws", service, operation, requestId, e);
            sendError(exchange, protocol, namespace, new AwsError("InternalFailure", 500, false,
                    "LocalAws failed to handle " + service + " " + operation + ": " + e), requestId);
        }
    }

    private void applyFaults(HttpExchange exchange, String service, String operation) {
        FaultEngine.Decision d = faults.decide(service, operation);
        if (!d.delay().isZero()) {
            try {
                Thread.sleep(d.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        FaultEngine.Rule fault = d.fault();
        if (fault == null) {
            return;
        }
        switch (fault.kind()) {
            case THROTTLE -> throw services.rest(service).map(RestJsonService::throttlingError)
                    .orElseGet(() -> AwsError.badRequest(
                            services.json(service).isPresent() ? "ThrottlingException" : "Throttling", "Rate exceeded"));
            case SERVER_ERROR -> throw fault.status() == 503
                    ? new AwsError("ServiceUnavailable", 503, false, "Service is unavailable (injected by LocalAws faults)")
                    : new AwsError("InternalFailure", fault.status(), false,
                            "The request processing has failed because of an unknown error, exception or failure "
                                    + "(injected by LocalAws faults)");
            case DROP_CONNECTION -> throw new DroppedConnection();
            default -> {
            }
        }
    }

    private record Unsigned(RestJsonService service, RestRoutes.Match match) {
    }

    private Optional<Unsigned> unsignedRoute(IncomingRequest request) {
        for (RestJsonService rest : services.unsignedRest()) {
            Optional<RestRoutes.Match> m = RestRoutes.match(rest.routes(), request.method(), request.rawPath(), true);
            if (m.isPresent()) {
                return Optional.of(new Unsigned(rest, m.get()));
            }
        }
        return Optional.empty();
    }

    private static RestRequest restRequest(IncomingRequest request, RestRoutes.Match match, String service,
            Caller caller, String requestId, Instant received) {
        Map<String, List<String>> query = FormData.parse(request.rawQuery()).values();
        return new RestRequest(service, match.route().operation(), request.method(), request.rawPath(),
                match.params(), query, request.headers(), request.body(),
                caller == null ? null : caller.accountId(), caller == null ? null : caller.region(),
                caller == null ? null : caller.accessKeyId(), requestId, received);
    }

    private static void sendRest(HttpExchange exchange, RestResponse response, String requestId) {
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        if (response.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
        }
        try {
            boolean noBody = response.body().length == 0;
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
            if (!noBody) {
                exchange.getResponseBody().write(response.body());
            }
        } catch (IOException e) {
            LOG.debug("client closed the connection before the response for {}", requestId, e);
        } finally {
            exchange.close();
        }
    }

    private static String jsonOperation(IncomingRequest request, JsonService json) {
        String target = request.header("x-amz-target");
        if (target == null) {
            throw AwsError.badRequest("UnknownOperationException", "Missing X-Amz-Target header");
        }
        int dot = target.lastIndexOf('.');
        if (dot < 0 || !target.substring(0, dot).equals(json.targetPrefix())) {
            throw AwsError.badRequest("UnknownOperationException", "X-Amz-Target '" + target
                    + "' is not an operation of " + json.targetPrefix());
        }
        return target.substring(dot + 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> decodeJson(IncomingRequest request) {
        if (request.body().length == 0) {
            return Map.of();
        }
        try {
            Object parsed = JSON.std.anyFrom(request.body());
            if (parsed instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
        } catch (IOException e) {
            throw AwsError.badRequest("SerializationException", "The request body is not valid JSON: " + e.getMessage());
        }
        throw AwsError.badRequest("SerializationException", "The request body must be a JSON object");
    }

    private static Map<String, String> decodeQuery(IncomingRequest request) {
        FormData form = FormData.parse(request.rawQuery());
        String type = request.header("content-type");
        if (request.body().length > 0 && (type == null
                || type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))) {
            form = form.merge(FormData.parse(new String(request.body(), StandardCharsets.UTF_8)));
        }
        return new LinkedHashMap<>(form.singleValues());
    }

    private static IncomingRequest read(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new AwsError("RequestEntityTooLarge", 413, true, "Request bodies are limited to " + MAX_BODY + " bytes");
        }
        URI uri = exchange.getRequestURI();
        return new IncomingRequest(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                exchange.getRequestHeaders(), body);
    }

    private static void sendError(HttpExchange exchange, Protocol protocol, String namespace, AwsError e,
            String requestId) {
        try {
            if (protocol == Protocol.REST) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("Type", e.senderFault() ? "User" : "Service");
                body.put("message", e.getMessage());
                body.putAll(e.fields());
                exchange.getResponseHeaders().set("x-amzn-ErrorType", e.code());
                send(exchange, e.httpStatus(), "application/json", JSON.std.asString(body), requestId);
            } else if (protocol == Protocol.JSON) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("__type", e.code());
                body.put("message", e.getMessage());
                exchange.getResponseHeaders().set("x-amzn-ErrorType", e.code());
                send(exchange, e.httpStatus(), JSON_TYPE, JSON.std.asString(body), requestId);
            } else {
                send(exchange, e.httpStatus(), "text/xml", QueryEnvelope.error(namespace, e, requestId), requestId);
            }
        } catch (IOException io) {
            LOG.debug("could not send the error response for {}", requestId, io);
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body, String requestId) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // The client went away; nothing left to tell it.
            LOG.debug("client closed the connection before the response for {}", requestId, e);
        } finally {
            exchange.close();
        }
    }

    private enum Protocol { QUERY, JSON, REST }

    /** Unwinds a request whose connection an injected fault drops. */
    private static final class DroppedConnection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedConnection() {
            super(null, null, false, false);
        }
    }
}
