package dev.opskit.lambda.bench;

import dev.opskit.core.AwsContext;
import dev.opskit.lambda.ContainerFunctions;
import dev.opskit.lambda.ContainerImage;
import dev.opskit.lambda.Deployment;
import dev.opskit.lambda.EcrRepositories;
import dev.opskit.lambda.EcrRepository;
import dev.opskit.lambda.PushedImage;
import dev.opskit.lambda.RegistryLogin;
import dev.opskit.testkit.LocalAws;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * Two measurements with anchors taken in the same run:
 * <ol>
 *   <li>deploy and first invoke of the seed's image on LocalAws through
 *       {@code ContainerFunctions.deploy(...).run()} (image check, create, wait, publish, alias, smoke
 *       test), against the same work as bare SDK calls polled every 10 ms (the emulation's floor);</li>
 *   <li>a push of one 50 MB layer (random bytes) through Jib to LocalAws's registry, against a plain
 *       monolithic HTTP upload of the same compressed bytes to Debian's {@code docker-registry}
 *       2.8.2 started as a child process, and the same plain upload to LocalAws's registry.</li>
 * </ol>
 * Also prints both registries' start-up. Run with {@code benchmarks/lambda/run [trials]}.
 */
public final class LambdaBenchmark {
    private static final Path SEED = Path.of("examples", "lambda-seed");
    private static final String ROLE = "arn:aws:iam::" + LocalAws.DEFAULT_ACCOUNT_ID + ":role/bench";

    private LambdaBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = Files.createTempDirectory("opskit-bench-lambda");
        long[] deploy = new long[trials];
        long[] bare = new long[trials];
        long[] jib = new long[trials];
        long[] plainLocal = new long[trials];
        long[] plainDocker = new long[trials];
        long[] jibDocker = new long[trials];
        long[] gzipOnly = new long[trials];
        long warmRegistryStart;
        long localRegistryStart;
        long dockerRegistryStart;
        try (LocalAws aws = LocalAws.builder().dataDir(work.resolve("data")).start(); AwsContext ctx = aws.context()) {
            aws.lambda().transitionTime(java.time.Duration.ZERO);
            long r0 = System.nanoTime();
            aws.lambda().registryHost(aws.defaultAccount(), LocalAws.DEFAULT_REGION);
            localRegistryStart = (System.nanoTime() - r0) / 1_000_000;
            r0 = System.nanoTime();
            aws.lambda().registryHost(aws.defaultAccount(), "eu-west-1");
            warmRegistryStart = (System.nanoTime() - r0) / 1_000_000;
            EcrRepository repo = EcrRepositories.ensure("bench-fn", ctx).apply();
            ContainerImage seed = ContainerImage.from("public.ecr.aws/lambda/provided:al2023")
                    .registryMirror("public.ecr.aws", aws.lambda().publicGallery())
                    .file(SEED.resolve("bootstrap"), "/var/runtime/bootstrap")
                    .file(SEED.resolve("function.sh"), "/var/task/function.sh").cmd("function.handler");
            PushedImage image = seed.pushTo(repo, "v1", ctx).cache(work.resolve("jib")).run();
            LambdaClient lambda = ctx.client(LambdaClient.class, LambdaClient::builder);
            // Warm both paths once (class loading, the image's unpacked tree), then measure.
            ContainerFunctions.deploy("warm", ctx).image(image).role(ROLE).run();
            bareDeploy(lambda, "warm-bare", image.uri());
            for (int t = 0; t < trials; t++) {
                long t0 = System.nanoTime();
                Deployment d = ContainerFunctions.deploy("fn-" + t, ctx).image(image).role(ROLE).run();
                deploy[t] = (System.nanoTime() - t0) / 1_000_000;
                if (!d.smokeTest().response().startsWith("Echoing request")) {
                    throw new IllegalStateException("unexpected response " + d.smokeTest().response());
                }
                t0 = System.nanoTime();
                bareDeploy(lambda, "bare-" + t, image.uri());
                bare[t] = (System.nanoTime() - t0) / 1_000_000;
            }

            Path layer = work.resolve("layer.bin");
            byte[] random = new byte[50 * 1024 * 1024];
            new Random(42).nextBytes(random);
            Files.write(layer, random);
            byte[] gz = gzip(random);
            String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(gz));
            EcrRepository big = EcrRepositories.ensure("bench-big", ctx).apply();
            RegistryLogin login = big.login(ctx);
            String auth = "Basic " + Base64.getEncoder().encodeToString(("AWS:" + login.password().reveal())
                    .getBytes(StandardCharsets.UTF_8));
            HttpClient https = HttpClient.newBuilder().sslContext(trustAll()).build();

            Path registryDir = work.resolve("docker-registry");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Files.createDirectories(registryDir);
            Path config = Files.writeString(work.resolve("config.yml"), "version: 0.1\nlog:\n  level: error\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + registryDir + "\n  delete:\n    enabled: true\n"
                    + "http:\n  addr: 127.0.0.1:" + port + "\n");
            long d0 = System.nanoTime();
            Process docker = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("docker-registry.log").toFile()).start();
            HttpClient http = HttpClient.newHttpClient();
            try {
                while (true) {
                    try {
                        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            break;
                        }
                    } catch (IOException e) {
                        if (!docker.isAlive()) {
                            throw new IllegalStateException("docker-registry exited: " + Files.readString(
                                    work.resolve("docker-registry.log")));
                        }
                        Thread.sleep(2);
                    }
                }
                dockerRegistryStart = (System.nanoTime() - d0) / 1_000_000;
                for (int t = 0; t < trials; t++) {
                    long t0 = System.nanoTime();
                    ContainerImage fat = ContainerImage.fromScratch().file(layer, "/opt/blob-" + t + ".bin")
                            .file(SEED.resolve("bootstrap"), "/var/runtime/bootstrap");
                    fat.pushTo(big, "t" + t, ctx).cache(work.resolve("jib-" + t)).run();
                    jib[t] = (System.nanoTime() - t0) / 1_000_000;

                    t0 = System.nanoTime();
                    upload(https, "https://" + big.registry() + "/v2/bench-big", auth, gz, digest);
                    plainLocal[t] = (System.nanoTime() - t0) / 1_000_000;

                    t0 = System.nanoTime();
                    upload(http, "http://127.0.0.1:" + port + "/v2/bench-" + t, null, gz, digest);
                    plainDocker[t] = (System.nanoTime() - t0) / 1_000_000;

                    t0 = System.nanoTime();
                    com.google.cloud.tools.jib.api.Jib.fromScratch()
                            .addLayer(java.util.List.of(layer), "/opt/jib-" + t)
                            .addLayer(java.util.List.of(SEED.resolve("bootstrap").toAbsolutePath()), "/var/runtime")
                            .containerize(com.google.cloud.tools.jib.api.Containerizer.to(
                                    com.google.cloud.tools.jib.api.RegistryImage.named("127.0.0.1:" + port + "/jib:t" + t))
                                    .setAllowInsecureRegistries(true)
                                    .setApplicationLayersCache(work.resolve("jib-docker-" + t))
                                    .setBaseImageLayersCache(work.resolve("jib-docker-base")));
                    jibDocker[t] = (System.nanoTime() - t0) / 1_000_000;

                    t0 = System.nanoTime();
                    gzip(random);
                    gzipOnly[t] = (System.nanoTime() - t0) / 1_000_000;
                }
            } finally {
                docker.destroy();
                docker.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            deleteTree(work);
        }
        System.out.printf("deploy + first invoke, opskit runbook: median %d ms (runs %s)%n", median(deploy),
                Arrays.toString(deploy));
        System.out.printf("  anchor, bare SDK calls polled every 10 ms: median %d ms (runs %s)%n", median(bare),
                Arrays.toString(bare));
        System.out.printf("  ratio runbook / bare: %.2f%n", (double) median(deploy) / median(bare));
        System.out.printf("push of a 50 MB layer, Jib to LocalAws (build, gzip, upload, manifest): median %d ms (%s)%n",
                median(jib), Arrays.toString(jib));
        System.out.printf("  plain upload of the gzipped layer to LocalAws (HTTPS): median %d ms (%s)%n",
                median(plainLocal), Arrays.toString(plainLocal));
        System.out.printf("  anchor, plain upload to docker-registry 2.8.2 (HTTP): median %d ms (%s)%n",
                median(plainDocker), Arrays.toString(plainDocker));
        System.out.printf("  anchor, Jib's own push of the same layer to docker-registry (HTTP): median %d ms (%s)%n",
                median(jibDocker), Arrays.toString(jibDocker));
        System.out.printf("  for scale: gzip of the 50 MB in this JVM: median %d ms (%s)%n", median(gzipOnly),
                Arrays.toString(gzipOnly));
        System.out.printf("  ratio opskit push to LocalAws / Jib push to docker-registry: %.2f%n",
                (double) median(jib) / median(jibDocker));
        System.out.printf("  ratio plain upload to LocalAws / plain upload to docker-registry: %.2f%n",
                (double) median(plainLocal) / median(plainDocker));
        System.out.printf("registry start-up: LocalAws in-process, first in this JVM %d ms, next %d ms; docker-registry "
                + "child process until /v2/ answers %d ms%n", localRegistryStart, warmRegistryStart, dockerRegistryStart);
    }

    /** The same calls as the runbook, bare: create, wait Active, publish, alias, invoke. */
    private static void bareDeploy(LambdaClient lambda, String name, String image) throws InterruptedException {
        lambda.createFunction(r -> r.functionName(name).packageType(PackageType.IMAGE).role(ROLE)
                .code(c -> c.imageUri(image)));
        while (lambda.getFunction(r -> r.functionName(name)).configuration().state() != State.ACTIVE) {
            Thread.sleep(10);
        }
        String v = lambda.publishVersion(r -> r.functionName(name)).version();
        lambda.createAlias(r -> r.functionName(name).name("live").functionVersion(v));
        String out = lambda.invoke(r -> r.functionName(name).qualifier("live").payload(SdkBytes.fromUtf8String("{}")))
                .payload().asUtf8String();
        if (!out.startsWith("Echoing request")) {
            throw new IllegalStateException("unexpected response " + out);
        }
    }

    /** A monolithic blob upload: POST to start, PUT with the bytes and the digest. */
    private static void upload(HttpClient client, String base, String auth, byte[] blob, String digest) throws Exception {
        HttpRequest.Builder start = HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            start.header("Authorization", auth);
        }
        HttpResponse<String> s = client.send(start.build(), HttpResponse.BodyHandlers.ofString());
        if (s.statusCode() != 202) {
            throw new IllegalStateException("upload start answered " + s.statusCode() + ": " + s.body());
        }
        String location = s.headers().firstValue("Location").orElseThrow();
        URI put = URI.create(base).resolve(location);
        String sep = put.getQuery() == null ? "?" : "&";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(put + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("upload answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 1024);
        try (GZIPOutputStream z = new GZIPOutputStream(out, 1 << 16)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    private static SSLContext trustAll() throws Exception {
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
    }
}
