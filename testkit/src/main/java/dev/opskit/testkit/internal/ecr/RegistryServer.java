package dev.opskit.testkit.internal.ecr;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.opskit.testkit.internal.ecr.EcrModel.Image;
import dev.opskit.testkit.internal.ecr.EcrModel.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * The Docker Registry HTTP API V2 (the OCI distribution API) of one LocalAws ECR registry, over
 * HTTPS on a loopback port: what {@code repositoryUri} points at, so that Jib, curl and other
 * registry clients push and pull as they do against ECR. Like ECR and unlike a plain
 * distribution registry it requires the password from {@code GetAuthorizationToken} (HTTP Basic,
 * user {@code AWS}), answers {@code NAME_UNKNOWN} for a repository that was not created through
 * the API (nothing is created on push), refuses to move a tag of an immutable repository
 * ({@code TAG_INVALID}), and checks every blob a manifest names. The public gallery (the
 * stand-in of {@code public.ecr.aws}) serves anonymous pulls and takes no pushes.
 */
final class RegistryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

    private final EcrService service;
    private final Registry registry;
    private final boolean gallery;
    private final HttpsServer http;
    private final ExecutorService executor;
    /** The running SHA-256 of each upload in progress, so that finishing it reads nothing again. */
    private final java.util.Map<String, MessageDigest> running = new java.util.concurrent.ConcurrentHashMap<>();

    RegistryServer(EcrService service, Registry registry, boolean gallery, SSLContext tls) {
        this.service = service;
        this.registry = registry;
        this.gallery = gallery;
        try {
            Files.createDirectories(registry.dir.resolve("blobs"));
            Files.createDirectories(registry.dir.resolve("uploads"));
            http = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the registry of " + registry.accountId + "/" + registry.region, e);
        }
        http.setHttpsConfigurator(new HttpsConfigurator(tls));
        executor = new ThreadPoolExecutor(1, 32, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new ThreadFactoryBuilder().threadNamePrefix("local-ecr-registry").daemonThreads(true).build(),
                new ThreadPoolExecutor.CallerRunsPolicy());
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    String host() {
        return "127.0.0.1:" + http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    /** A registry API error: status, code and message, as {@code {"errors":[...]}}. */
    static final class RegistryError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        RegistryError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            ex.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
            try {
                authorize(ex);
                route(ex);
            } catch (RegistryError e) {
                drain(ex);
                if (e.status == 401) {
                    ex.getResponseHeaders().set("WWW-Authenticate",
                            "Basic realm=\"https://" + host() + "/\",service=\"ecr.amazonaws.com\"");
                }
                send(ex, e.status, "application/json; charset=utf-8", errorBody(e.code, e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("registry {} {} failed inside LocalAws", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
                drain(ex);
                send(ex, 500, "application/json; charset=utf-8", errorBody("UNKNOWN", "LocalAws failed: " + e));
            }
        } catch (IOException e) {
            LOG.debug("registry client went away", e);
        }
    }

    private void authorize(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        boolean read = ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD");
        if (gallery) {
            if (!read) {
                throw new RegistryError(405, "UNSUPPORTED", "The public gallery of LocalAws takes no pushes");
            }
            return;
        }
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new RegistryError(401, "DENIED", "Not Authorized");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RegistryError(401, "DENIED", "Not Authorized");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.substring(0, colon).equals("AWS")) {
            throw new RegistryError(401, "DENIED", "Not Authorized");
        }
        if (!service.validToken(registry, decoded.substring(colon + 1))) {
            throw new RegistryError(401, "DENIED", "Your authorization token has expired. Reauthenticate and try again.");
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        if (path.equals("/v2/") || path.equals("/v2")) {
            drain(ex);
            send(ex, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals("/v2/_catalog")) {
            drain(ex);
            sendJson(ex, 200, Map.of("repositories", service.repositoryNames(registry)));
            return;
        }
        if (!path.startsWith("/v2/")) {
            throw new RegistryError(404, "NOT_FOUND", "Not found: " + path);
        }
        String rest = path.substring(4);
        int at;
        if ((at = rest.lastIndexOf("/blobs/uploads")) > 0) {
            String name = rest.substring(0, at);
            String tail = rest.substring(at + "/blobs/uploads".length());
            String uuid = tail.startsWith("/") ? tail.substring(1) : tail;
            upload(ex, method, name, uuid, query);
        } else if ((at = rest.lastIndexOf("/blobs/")) > 0) {
            blob(ex, method, rest.substring(0, at), rest.substring(at + 7));
        } else if ((at = rest.lastIndexOf("/manifests/")) > 0) {
            manifest(ex, method, rest.substring(0, at), decode(rest.substring(at + 11)));
        } else if (rest.endsWith("/tags/list")) {
            String name = rest.substring(0, rest.length() - "/tags/list".length());
            drain(ex);
            sendJson(ex, 200, Map.of("name", name, "tags", service.tagsForRegistry(registry, name)));
        } else {
            throw new RegistryError(404, "NOT_FOUND", "Not found: " + path);
        }
    }

    private void blob(HttpExchange ex, String method, String name, String digest) throws IOException {
        drain(ex);
        service.requireRepository(registry, name);
        if (!service.blobInRepository(registry, name, digest)) {
            throw new RegistryError(404, "BLOB_UNKNOWN", "blob unknown to registry");
        }
        Path file = registry.blob(digest);
        long size = Files.size(file);
        ex.getResponseHeaders().set("Docker-Content-Digest", digest);
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        if (method.equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(size));
            ex.sendResponseHeaders(200, -1);
        } else if (method.equals("GET")) {
            ex.sendResponseHeaders(200, size == 0 ? -1 : size);
            try (OutputStream out = ex.getResponseBody()) {
                Files.copy(file, out);
            }
        } else {
            throw new RegistryError(405, "UNSUPPORTED", "ECR does not delete blobs through the registry API");
        }
    }

    private void upload(HttpExchange ex, String method, String name, String uuid, Map<String, String> query)
            throws IOException {
        service.requireRepository(registry, name);
        String base = "/v2/" + name + "/blobs/uploads/";
        if (method.equals("POST") && uuid.isEmpty()) {
            String mount = query.get("mount");
            if (mount != null) {
                drain(ex);
                String from = query.get("from");
                if (from != null && service.mount(registry, from, name, mount)) {
                    ex.getResponseHeaders().set("Location", "https://" + host() + "/v2/" + name + "/blobs/" + mount);
                    ex.getResponseHeaders().set("Docker-Content-Digest", mount);
                    send(ex, 201, null, new byte[0]);
                    return;
                }
            }
            String id = UUID.randomUUID().toString();
            Path part = uploadFile(id);
            MessageDigest md = sha256();
            running.put(id, md);
            try (InputStream in = ex.getRequestBody();
                 OutputStream out = new java.security.DigestOutputStream(Files.newOutputStream(part), md)) {
                in.transferTo(out);
            }
            String digest = query.get("digest");
            if (digest != null) {
                finish(ex, name, id, digest);
                return;
            }
            accepted(ex, base + id, Files.size(part), id);
            return;
        }
        Path part = uploadFile(uuid);
        if (uuid.isEmpty() || !Files.exists(part)) {
            drain(ex);
            throw new RegistryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
        }
        switch (method) {
            case "PATCH" -> {
                append(ex, uuid, part);
                accepted(ex, base + uuid, Files.size(part), uuid);
            }
            case "PUT" -> {
                append(ex, uuid, part);
                String digest = query.get("digest");
                if (digest == null) {
                    throw new RegistryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
                }
                finish(ex, name, uuid, digest);
            }
            case "GET" -> {
                drain(ex);
                ex.getResponseHeaders().set("Range", "0-" + Math.max(0, Files.size(part) - 1));
                ex.getResponseHeaders().set("Docker-Upload-UUID", uuid);
                send(ex, 204, null, new byte[0]);
            }
            case "DELETE" -> {
                drain(ex);
                running.remove(uuid);
                Files.deleteIfExists(part);
                send(ex, 204, null, new byte[0]);
            }
            default -> {
                drain(ex);
                throw new RegistryError(405, "UNSUPPORTED", method + " is not supported on uploads");
            }
        }
    }

    private void append(HttpExchange ex, String uuid, Path part) throws IOException {
        MessageDigest md = running.get(uuid);
        if (md == null) {
            drain(ex);
            throw new RegistryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
        }
        synchronized (md) {
            try (InputStream in = ex.getRequestBody();
                 OutputStream out = new java.security.DigestOutputStream(
                         Files.newOutputStream(part, StandardOpenOption.APPEND), md)) {
                in.transferTo(out);
            }
        }
    }

    private Path uploadFile(String id) {
        if (!id.isEmpty() && !id.matches("[0-9a-f-]{36}")) {
            throw new RegistryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
        }
        return registry.dir.resolve("uploads").resolve(id.isEmpty() ? "none" : id);
    }

    private void accepted(HttpExchange ex, String location, long size, String uuid) throws IOException {
        ex.getResponseHeaders().set("Location", "https://" + host() + location);
        ex.getResponseHeaders().set("Range", "0-" + Math.max(0, size - 1));
        ex.getResponseHeaders().set("Docker-Upload-UUID", uuid);
        send(ex, 202, null, new byte[0]);
    }

    private void finish(HttpExchange ex, String name, String uuid, String digest) throws IOException {
        Path part = uploadFile(uuid);
        MessageDigest md = running.remove(uuid);
        String actual = md == null ? digestOf(part) : "sha256:" + HexFormat.of().formatHex(md.digest());
        if (!actual.equals(digest)) {
            Files.deleteIfExists(part);
            throw new RegistryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
        }
        service.storeBlob(registry, name, digest, part);
        ex.getResponseHeaders().set("Location", "https://" + host() + "/v2/" + name + "/blobs/" + digest);
        ex.getResponseHeaders().set("Docker-Content-Digest", digest);
        send(ex, 201, null, new byte[0]);
    }

    private void manifest(HttpExchange ex, String method, String name, String reference) throws IOException {
        switch (method) {
            case "GET", "HEAD" -> {
                drain(ex);
                Image image = service.manifestFor(registry, name, reference, method.equals("GET"));
                ex.getResponseHeaders().set("Docker-Content-Digest", image.digest());
                ex.getResponseHeaders().set("Content-Type", image.mediaType());
                if (method.equals("HEAD")) {
                    ex.getResponseHeaders().set("Content-Length", Integer.toString(image.manifest().length));
                    ex.sendResponseHeaders(200, -1);
                } else {
                    send(ex, 200, image.mediaType(), image.manifest());
                }
            }
            case "PUT" -> {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readNBytes(4 * 1024 * 1024 + 1);
                }
                if (body.length > 4 * 1024 * 1024) {
                    throw new RegistryError(400, "SIZE_INVALID", "manifest is larger than 4 MiB");
                }
                String type = ex.getRequestHeaders().getFirst("Content-Type");
                Image image = service.putManifest(registry, name, reference, type, body);
                ex.getResponseHeaders().set("Location", "https://" + host() + "/v2/" + name + "/manifests/" + image.digest());
                ex.getResponseHeaders().set("Docker-Content-Digest", image.digest());
                send(ex, 201, null, new byte[0]);
            }
            case "DELETE" -> {
                drain(ex);
                service.deleteManifest(registry, name, reference);
                send(ex, 202, null, new byte[0]);
            }
            default -> {
                drain(ex);
                throw new RegistryError(405, "UNSUPPORTED", method + " is not supported on manifests");
            }
        }
    }

    static String digestOf(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    static String digestOf(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // nothing to read any more
        }
    }

    private static byte[] errorBody(String code, String message) {
        try {
            return JSON.std.asBytes(Map.of("errors", List.of(Map.of("code", code, "message", message))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", JSON.std.asBytes(body));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type);
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
