package dev.opskit.testkit;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * Pushes images to LocalAws's registry the way a plain registry client does (the registry HTTP
 * API over HTTPS, Basic auth with the ECR password): the provided base from the public gallery
 * plus one layer of files, for the testkit's own tests.
 */
final class TestImages {
    /** The seed's bootstrap and handler, as in {@code examples/lambda-seed}. */
    static final Path SEED = Path.of("..", "examples", "lambda-seed");

    private final HttpClient http;
    private final String gallery;
    private final String registry;
    private final String auth;

    private TestImages(String gallery, String registry, String auth) {
        this.http = HttpClient.newBuilder().sslContext(trustAll()).build();
        this.gallery = gallery;
        this.registry = registry;
        this.auth = auth;
    }

    /** A pusher for the registry of {@code ecr}'s account and region. */
    static TestImages using(LocalAws aws, EcrClient ecr) {
        String token = ecr.getAuthorizationToken().authorizationData().get(0).authorizationToken();
        String endpoint = ecr.getAuthorizationToken().authorizationData().get(0).proxyEndpoint();
        return new TestImages(aws.lambda().publicGallery(), endpoint.substring("https://".length()), "Basic " + token);
    }

    /** A file of an image layer. */
    record File(String path, byte[] content, int mode) {
        static File of(String path, String content) {
            return new File(path, content.getBytes(StandardCharsets.UTF_8), 0755);
        }

        static File from(String path, Path source) throws IOException {
            return new File(path, Files.readAllBytes(source), 0755);
        }
    }

    /** The seed's files: bootstrap in /var/runtime, the handler in /var/task (where its bootstrap looks). */
    static List<File> seed() throws IOException {
        return List.of(File.from("var/runtime/bootstrap", SEED.resolve("bootstrap")),
                File.from("var/task/function.sh", SEED.resolve("function.sh")));
    }

    /**
     * Pushes {@code lambda/provided:al2023} plus a layer of files as {@code repo:tag}.
     *
     * @param cmd the image's CMD (the handler), or null for none
     * @return {@code host/repo@sha256:...}
     */
    @SuppressWarnings("unchecked")
    String push(String repo, String tag, List<File> files, List<String> cmd) throws Exception {
        Map<String, Object> base = json(get("https://" + gallery + "/v2/lambda/provided/manifests/al2023", null));
        Map<String, Object> baseConfigRef = (Map<String, Object>) base.get("config");
        Map<String, Object> config = json(get("https://" + gallery + "/v2/lambda/provided/blobs/"
                + baseConfigRef.get("digest"), null));
        List<Object> layers = new ArrayList<>((List<Object>) base.get("layers"));
        for (Object l : layers) {
            String d = (String) ((Map<String, Object>) l).get("digest");
            upload(repo, get("https://" + gallery + "/v2/lambda/provided/blobs/" + d, null), d);
        }
        byte[] tar = tar(files);
        byte[] gz = gzip(tar);
        String layerDigest = digest(gz);
        upload(repo, gz, layerDigest);
        layers.add(Map.of("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip", "size", gz.length,
                "digest", layerDigest));
        Map<String, Object> c = new LinkedHashMap<>((Map<String, Object>) config.get("config"));
        if (cmd != null) {
            c.put("Cmd", cmd);
        }
        config.put("config", c);
        Map<String, Object> rootfs = new LinkedHashMap<>((Map<String, Object>) config.get("rootfs"));
        List<Object> diffIds = new ArrayList<>((List<Object>) rootfs.get("diff_ids"));
        diffIds.add(digest(tar));
        rootfs.put("diff_ids", diffIds);
        config.put("rootfs", rootfs);
        byte[] configBytes = JSON.std.asBytes(config);
        String configDigest = digest(configBytes);
        upload(repo, configBytes, configDigest);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.docker.distribution.manifest.v2+json");
        manifest.put("config", Map.of("mediaType", "application/vnd.docker.container.image.v1+json",
                "size", configBytes.length, "digest", configDigest));
        manifest.put("layers", layers);
        byte[] m = JSON.std.asBytes(manifest);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create("https://" + registry + "/v2/" + repo
                        + "/manifests/" + tag)).header("Authorization", auth)
                .header("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(m)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IllegalStateException("manifest push answered " + put.statusCode() + ": " + put.body());
        }
        return registry + "/" + repo + "@" + digest(m);
    }

    /** A raw call to the private registry with the ECR password. */
    HttpResponse<String> call(String method, String path, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + registry + path)).header("Authorization", auth)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void upload(String repo, byte[] blob, String digest) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://" + registry + "/v2/" + repo
                        + "/blobs/uploads/?digest=" + digest)).header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("blob push answered " + r.statusCode() + ": " + r.body());
        }
    }

    private byte[] get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept",
                "application/vnd.docker.distribution.manifest.v2+json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return r.body();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(byte[] b) throws IOException {
        return (Map<String, Object>) JSON.std.anyFrom(b);
    }

    static byte[] tar(List<File> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (File f : files) {
                TarArchiveEntry e = new TarArchiveEntry(f.path());
                e.setSize(f.content().length);
                e.setMode(f.mode());
                tar.putArchiveEntry(e);
                tar.write(f.content());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    static String digest(byte[] b) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
