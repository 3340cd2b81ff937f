package dev.opskit.lambda.internal.image;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.OpsException;
import dev.opskit.core.ResourceNotFoundException;
import dev.opskit.lambda.RegistryLogin;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image from its registry over the registry HTTP API with the ECR login: the manifest,
 * the config and the file tree of every layer (streamed, contents skipped except small
 * {@code bootstrap} scripts). Layer listings are kept per layer digest for this JVM, so a base
 * image is read once. TLS certificates are checked, except on this machine's loopback address.
 */
public final class RegistryReader {
    private static final String ACCEPT = String.join(", ", "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.index.v1+json");
    private static final Set<String> LISTS = Set.of("application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.index.v1+json");
    private static final int TEXT_LIMIT = 64 * 1024;
    private static final Map<String, Layer> LAYERS = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Layer> eldest) {
            return size() > 64;
        }
    });

    private record Layer(Map<String, ImageContents.Entry> entries, Set<String> deleted, Set<String> opaque,
            Map<String, String> texts) {
    }

    private final HttpClient http;
    private final String auth;

    public RegistryReader(RegistryLogin login, String host) {
        this.auth = "Basic " + Base64.getEncoder().encodeToString((login.username() + ":" + login.password().reveal())
                .getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (host.startsWith("127.") || host.startsWith("localhost")) {
            b.sslContext(trustAll());
        }
        this.http = b.build();
    }

    /**
     * Reads an image.
     *
     * @throws ResourceNotFoundException if the repository or the tag/digest does not exist
     * @throws InvalidInputException if it is a multi-platform list, which Lambda does not take
     */
    @SuppressWarnings("unchecked")
    public ImageContents read(ImageReferences ref) {
        String base = "https://" + ref.host() + "/v2/" + ref.repository();
        HttpResponse<byte[]> m = get(base + "/manifests/" + ref.reference(), ACCEPT, true);
        if (m.statusCode() == 404) {
            throw new ResourceNotFoundException("image", ref.toString(), "push it first (it has no such tag or digest, "
                    + "or the repository does not exist)", null);
        }
        check(m, ref.toString());
        String type = m.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        String digest = m.headers().firstValue("Docker-Content-Digest").orElse(null);
        Map<String, Object> manifest = json(m.body());
        if (type.isEmpty()) {
            type = String.valueOf(manifest.get("mediaType"));
        }
        if (LISTS.contains(type)) {
            throw new InvalidInputException("image", ref.toString(), "it is a multi-platform " + type + "; Lambda takes "
                    + "only single-platform images: push one platform (e.g. build with one architecture, and no "
                    + "provenance attestations)");
        }
        if (digest == null) {
            digest = sha256(m.body());
        }
        Map<String, Object> configRef = (Map<String, Object>) manifest.get("config");
        Map<String, Object> config = json(blob(base, String.valueOf(configRef.get("digest"))));
        Map<String, Object> c = config.get("config") instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of();
        Map<String, ImageContents.Entry> files = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (Object l : (List<Object>) manifest.getOrDefault("layers", List.of())) {
            String d = String.valueOf(((Map<String, Object>) l).get("digest"));
            Layer layer = LAYERS.get(d);
            if (layer == null) {
                layer = list(base, d);
                LAYERS.put(d, layer);
            }
            for (String o : layer.opaque()) {
                files.keySet().removeIf(p -> p.startsWith(o + "/"));
                texts.keySet().removeIf(p -> p.startsWith(o + "/"));
            }
            for (String gone : layer.deleted()) {
                files.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
                texts.keySet().removeIf(p -> p.equals(gone) || p.startsWith(gone + "/"));
            }
            files.putAll(layer.entries());
            texts.putAll(layer.texts());
        }
        return new ImageContents(digest, type, String.valueOf(config.getOrDefault("architecture", "amd64")),
                strings(c.get("Entrypoint")), strings(c.get("Cmd")),
                c.get("WorkingDir") instanceof String w && !w.isEmpty() ? w : null, strings(c.get("Env")), files, texts);
    }

    private Layer list(String base, String digest) {
        Map<String, ImageContents.Entry> entries = new LinkedHashMap<>();
        Set<String> deleted = new java.util.LinkedHashSet<>();
        Set<String> opaque = new java.util.LinkedHashSet<>();
        Map<String, String> texts = new LinkedHashMap<>();
        try (InputStream raw = new BufferedInputStream(stream(base, digest), 1 << 16)) {
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            InputStream in = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    String name = e.getName().replaceFirst("^(\\./|/)+", "").replaceFirst("/$", "");
                    if (name.isEmpty() || name.equals(".")) {
                        continue;
                    }
                    String leaf = name.substring(name.lastIndexOf('/') + 1);
                    String parent = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
                    if (leaf.equals(".wh..wh..opq")) {
                        opaque.add(parent);
                    } else if (leaf.startsWith(".wh.")) {
                        deleted.add((parent.isEmpty() ? "" : parent + "/") + leaf.substring(4));
                    } else {
                        entries.put(name, new ImageContents.Entry(e.isDirectory(), e.isSymbolicLink() ? e.getLinkName()
                                : null, e.getMode()));
                        if (e.isFile() && leaf.equals("bootstrap") && e.getSize() <= TEXT_LIMIT) {
                            texts.put(name, new String(tar.readNBytes(TEXT_LIMIT), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("image", base, "layer " + digest + " is not a (gzipped) tar: " + e.getMessage());
        }
        return new Layer(Map.copyOf(entries), Set.copyOf(deleted), Set.copyOf(opaque), Map.copyOf(texts));
    }

    private byte[] blob(String base, String digest) {
        try (InputStream in = stream(base, digest)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new OpsException("Reading blob " + digest + " of " + base + " failed: " + e.getMessage(), e);
        }
    }

    /** A blob, following ECR's redirect to S3 without the registry's credentials. */
    private InputStream stream(String base, String digest) {
        String url = base + "/blobs/" + digest;
        boolean withAuth = true;
        for (int hop = 0; hop < 5; hop++) {
            HttpResponse<InputStream> r = send(HttpRequest.newBuilder(URI.create(url)), withAuth,
                    HttpResponse.BodyHandlers.ofInputStream());
            int s = r.statusCode();
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                url = URI.create(url).resolve(r.headers().firstValue("Location").orElseThrow()).toString();
                withAuth = false;
                continue;
            }
            if (s != 200) {
                throw new OpsException("Reading blob " + digest + " of " + base + " answered HTTP " + s);
            }
            return r.body();
        }
        throw new OpsException("Too many redirects reading blob " + digest + " of " + base);
    }

    private HttpResponse<byte[]> get(String url, String accept, boolean withAuth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept);
        return send(b, withAuth, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, boolean withAuth, HttpResponse.BodyHandler<T> handler) {
        if (withAuth) {
            b.header("Authorization", auth);
        }
        try {
            return http.send(b.timeout(Duration.ofMinutes(5)).build(), handler);
        } catch (IOException e) {
            throw new OpsException("The registry did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while reading the image", e);
        }
    }

    private static void check(HttpResponse<byte[]> r, String what) {
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new OpsException("The registry refused to show " + what + " (HTTP " + r.statusCode() + "): the login "
                    + "is for another registry or expired");
        }
        if (r.statusCode() != 200) {
            throw new OpsException("The registry answered HTTP " + r.statusCode() + " for " + what + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(byte[] b) {
        try {
            return (Map<String, Object>) JSON.std.anyFrom(b);
        } catch (IOException | ClassCastException e) {
            throw new OpsException("The registry sent a document that is not a JSON object: " + e.getMessage(), e);
        }
    }

    private static List<String> strings(Object v) {
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    private static String sha256(byte[] b) {
        try {
            return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext trustAll() {
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
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
