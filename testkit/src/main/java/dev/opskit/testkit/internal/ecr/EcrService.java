package dev.opskit.testkit.internal.ecr;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.testkit.internal.ecr.EcrModel.Image;
import dev.opskit.testkit.internal.ecr.EcrModel.Layer;
import dev.opskit.testkit.internal.ecr.EcrModel.Registry;
import dev.opskit.testkit.internal.ecr.EcrModel.Repository;
import dev.opskit.testkit.internal.ecr.RegistryServer.RegistryError;
import dev.opskit.testkit.internal.io.FileTrees;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.protocol.JsonService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * ECR over awsJson1_1 (target prefix {@code AmazonEC2ContainerRegistry_V20150921}): repositories,
 * images, registry passwords, lifecycle policies, scanning and tag mutability settings. Each
 * account and region has its own registry, served over HTTPS on its own loopback port
 * ({@link RegistryServer}), started with the first call that needs it; {@code repositoryUri}
 * is {@code 127.0.0.1:<port>/<name>}, since {@code *.dkr.ecr.<region>.amazonaws.com} cannot point
 * at a local port.
 */
public final class EcrService implements JsonService, AutoCloseable {
    private static final Pattern NAME = Pattern.compile("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(12);
    private static final String TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

    private final Clock clock;
    private final Path dir;
    private final Map<String, Registry> registries = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private SSLContext tls;
    private Registry gallery;
    private volatile boolean closed;

    /**
     * @param clock LocalAws's clock (push times, token expiry)
     * @param dir where registries keep their blobs; deleted on close
     */
    public EcrService(Clock clock, Path dir) {
        this.clock = clock;
        this.dir = dir;
    }

    @Override
    public String signingName() {
        return "ecr";
    }

    @Override
    public String targetPrefix() {
        return "AmazonEC2ContainerRegistry_V20150921";
    }

    @Override
    public Object handle(JsonRequest r) {
        return switch (r.operation()) {
            case "CreateRepository" -> createRepository(r);
            case "DescribeRepositories" -> describeRepositories(r);
            case "DeleteRepository" -> deleteRepository(r);
            case "DescribeImages" -> describeImages(r);
            case "ListImages" -> listImages(r);
            case "BatchGetImage" -> batchGetImage(r);
            case "BatchDeleteImage" -> batchDeleteImage(r);
            case "PutImage" -> putImage(r);
            case "GetAuthorizationToken" -> authorizationToken(r);
            case "PutLifecyclePolicy" -> putLifecyclePolicy(r);
            case "GetLifecyclePolicy" -> getLifecyclePolicy(r);
            case "DeleteLifecyclePolicy" -> deleteLifecyclePolicy(r);
            case "PutImageScanningConfiguration" -> putScanning(r);
            case "PutImageTagMutability" -> putMutability(r);
            case "ListTagsForResource" -> listTags(r);
            case "TagResource" -> tagResource(r);
            default -> throw AwsError.badRequest("UnknownOperationException",
                    "LocalAws's ECR does not implement " + r.operation());
        };
    }

    // ---- registries

    /** The registry of an account and region, started on first use. */
    public synchronized Registry registry(String accountId, String region) {
        if (closed) {
            throw new AwsError("ServerException", 500, false, "LocalAws is shutting down");
        }
        Registry reg = registries.get(accountId + "/" + region);
        if (reg == null) {
            reg = new Registry(accountId, region, dir.resolve(accountId + "-" + region));
            reg.server = new RegistryServer(this, reg, false, tls());
            registries.put(accountId + "/" + region, reg);
        }
        return reg;
    }

    /** The registry whose server listens on {@code host} ({@code 127.0.0.1:port}), if any. */
    public synchronized Optional<Registry> registryAt(String host) {
        return registries.values().stream().filter(r -> r.host().equals(host)).findFirst();
    }

    /** The stand-in of the public gallery ({@code public.ecr.aws}): anonymous pulls, no pushes. */
    public synchronized Registry gallery() {
        if (gallery == null) {
            gallery = new Registry("public", "global", dir.resolve("public-gallery"));
            gallery.server = new RegistryServer(this, gallery, true, tls());
        }
        return gallery;
    }

    private SSLContext tls() {
        if (tls == null) {
            tls = SelfSignedCertificate.serverContext();
        }
        return tls;
    }

    synchronized boolean validToken(Registry reg, String password) {
        Instant expires = reg.tokens.get(password);
        return expires != null && clock.instant().isBefore(expires);
    }

    synchronized List<String> repositoryNames(Registry reg) {
        return List.copyOf(reg.repositories.keySet());
    }

    synchronized Repository requireRepository(Registry reg, String name) {
        Repository repo = reg.repositories.get(name);
        if (repo == null) {
            throw new RegistryError(404, "NAME_UNKNOWN", "The repository with name '" + name
                    + "' does not exist in the registry with id '" + reg.accountId + "'");
        }
        return repo;
    }

    synchronized List<String> tagsForRegistry(Registry reg, String name) {
        return List.copyOf(requireRepository(reg, name).tags.keySet());
    }

    synchronized boolean blobInRepository(Registry reg, String name, String digest) {
        return requireRepository(reg, name).blobs.contains(digest) && Files.exists(reg.blob(digest));
    }

    synchronized boolean mount(Registry reg, String from, String to, String digest) {
        Repository source = reg.repositories.get(from);
        if (source == null || !source.blobs.contains(digest) || !Files.exists(reg.blob(digest))) {
            return false;
        }
        requireRepository(reg, to).blobs.add(digest);
        return true;
    }

    void storeBlob(Registry reg, String name, String digest, Path uploaded) throws IOException {
        Path target = reg.blob(digest);
        if (Files.exists(target)) {
            Files.deleteIfExists(uploaded);
        } else {
            Files.move(uploaded, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        synchronized (this) {
            requireRepository(reg, name).blobs.add(digest);
        }
    }

    /**
     * Stores a blob given as bytes (the public gallery's base images are made in LocalAws).
     *
     * @return its digest
     */
    public String storeBlob(Registry reg, String name, byte[] bytes) {
        String digest = RegistryServer.digestOf(bytes);
        try {
            Files.createDirectories(reg.blob(digest).getParent());
            Path tmp = Files.createTempFile(reg.blob(digest).getParent(), "blob", ".tmp");
            Files.write(tmp, bytes);
            storeBlob(reg, name, digest, tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digest;
    }

    /** Whether the public gallery has a tag in a repository. */
    public synchronized boolean galleryHas(String repository, String tag) {
        Repository repo = gallery().repositories.get(repository);
        return repo != null && repo.tags.containsKey(tag);
    }

    /** Creates a repository in the public gallery if missing. */
    public synchronized void galleryRepository(String name) {
        Registry reg = gallery();
        reg.repositories.computeIfAbsent(name, n -> new Repository(n, "arn:aws:ecr-public::public:repository/" + n,
                clock.instant()));
    }

    synchronized Image manifestFor(Registry reg, String name, String reference, boolean pull) {
        Repository repo = requireRepository(reg, name);
        Image image = find(repo, reference);
        if (image == null) {
            throw new RegistryError(404, "MANIFEST_UNKNOWN", "Requested image not found");
        }
        return image;
    }

    /** The image a tag or digest names in a repository, or null. */
    public synchronized Image find(Repository repo, String reference) {
        String digest = reference.startsWith("sha256:") ? reference : repo.tags.get(reference);
        return digest == null ? null : repo.images.get(digest);
    }

    /**
     * Stores a manifest pushed under a tag or digest, as the registry API and PutImage do.
     *
     * @throws RegistryError with the registry API's code when the push is refused
     */
    public synchronized Image putManifest(Registry reg, String name, String reference, String contentType, byte[] body) {
        Repository repo = requireRepository(reg, name);
        Map<String, Object> json = parseManifest(body);
        String mediaType = contentType != null && EcrModel.MANIFEST_TYPES.contains(base(contentType))
                ? base(contentType) : String.valueOf(json.get("mediaType"));
        if (!EcrModel.MANIFEST_TYPES.contains(mediaType)) {
            throw new RegistryError(400, "MANIFEST_INVALID", "manifest invalid: unsupported media type " + mediaType);
        }
        String digest = RegistryServer.digestOf(body);
        boolean byDigest = reference.startsWith("sha256:");
        if (byDigest && !reference.equals(digest)) {
            throw new RegistryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
        }
        if (!byDigest) {
            validTag(reference);
            String current = repo.tags.get(reference);
            if (current != null && !current.equals(digest) && repo.tagMutability.equals("IMMUTABLE")) {
                throw new RegistryError(400, "TAG_INVALID", "The image tag '" + reference + "' already exists in the '"
                        + name + "' repository and cannot be overwritten because the repository is immutable.");
            }
        }
        Image image = repo.images.get(digest);
        if (image == null) {
            image = describeManifest(repo, digest, mediaType, body, json);
            repo.images.put(digest, image);
        }
        if (!byDigest) {
            repo.tags.put(reference, digest);
        }
        LifecyclePolicies.apply(repo, clock.instant());
        return image;
    }

    @SuppressWarnings("unchecked")
    private Image describeManifest(Repository repo, String digest, String mediaType, byte[] body, Map<String, Object> json) {
        if (mediaType.equals(EcrModel.DOCKER_MANIFEST_LIST) || mediaType.equals(EcrModel.OCI_INDEX)) {
            for (Object m : (List<Object>) json.getOrDefault("manifests", List.of())) {
                String d = String.valueOf(((Map<String, Object>) m).get("digest"));
                if (!repo.images.containsKey(d)) {
                    throw new RegistryError(400, "MANIFEST_UNKNOWN", "manifest unknown: " + d);
                }
            }
            return new Image(digest, mediaType, body, null, null, List.of(), 0, clock.instant());
        }
        Map<String, Object> config = (Map<String, Object>) json.get("config");
        if (config == null || config.get("digest") == null) {
            throw new RegistryError(400, "MANIFEST_INVALID", "manifest invalid: no config");
        }
        List<Layer> layers = new ArrayList<>();
        List<String> needed = new ArrayList<>();
        needed.add(String.valueOf(config.get("digest")));
        long size = 0;
        for (Object o : (List<Object>) json.getOrDefault("layers", List.of())) {
            Map<String, Object> l = (Map<String, Object>) o;
            String d = String.valueOf(l.get("digest"));
            long s = l.get("size") instanceof Number n ? n.longValue() : 0;
            layers.add(new Layer(d, String.valueOf(l.get("mediaType")), s));
            needed.add(d);
            size += s;
        }
        for (String d : needed) {
            if (!repo.blobs.contains(d)) {
                throw new RegistryError(400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry: " + d);
            }
        }
        return new Image(digest, mediaType, body, String.valueOf(config.get("digest")),
                String.valueOf(config.get("mediaType")), layers, size, clock.instant());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseManifest(byte[] body) {
        try {
            Object parsed = JSON.std.anyFrom(body);
            if (parsed instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new RegistryError(400, "MANIFEST_INVALID", "manifest invalid: not a JSON object");
    }

    private static String base(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }

    private static void validTag(String tag) {
        if (tag.isEmpty() || tag.length() > 300 || !tag.matches("[a-zA-Z0-9_][a-zA-Z0-9_.-]*")) {
            throw new RegistryError(400, "TAG_INVALID", "manifest tag did not match URI");
        }
    }

    synchronized void deleteManifest(Registry reg, String name, String reference) {
        Repository repo = requireRepository(reg, name);
        Image image = find(repo, reference);
        if (image == null) {
            throw new RegistryError(404, "MANIFEST_UNKNOWN", "Requested image not found");
        }
        deleteImage(repo, image.digest());
    }

    private static void deleteImage(Repository repo, String digest) {
        repo.images.remove(digest);
        repo.tags.values().removeIf(digest::equals);
    }

    /**
     * An image Lambda was asked to use, found by its URI in the registry of the function's
     * account and region.
     *
     * @param registry the registry
     * @param repository the repository
     * @param image the image (tag resolved to its digest now, as Lambda pins it)
     * @param uri the URI as given
     */
    public record ResolvedImage(Registry registry, Repository repository, Image image, String uri) {
        /** {@code host/repo@sha256:...}. */
        public String resolvedUri() {
            return registry.host() + "/" + repository.name + "@" + image.digest();
        }
    }

    private static final Pattern IMAGE_URI = Pattern.compile("([^/]+)/(.+?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,299}))?(?:@(sha256:[0-9a-f]{64}))?");

    /**
     * Finds the image of a URI ({@code host/repo:tag} or {@code host/repo@sha256:...}) for a
     * function in an account and region, with Lambda's error messages when it cannot be used.
     *
     * @throws AwsError {@code InvalidParameterValueException} as Lambda answers it
     */
    public synchronized ResolvedImage resolveForLambda(String accountId, String region, String uri) {
        Matcher m = IMAGE_URI.matcher(uri);
        if (!m.matches() || (m.group(3) == null && m.group(4) == null)) {
            throw lambdaImageError("Source image " + uri + " is not valid. Provide a valid source image.");
        }
        Registry own = registries.get(accountId + "/" + region);
        Optional<Registry> at = registries.values().stream().filter(r -> r.host().equals(m.group(1))).findFirst();
        if (at.isEmpty()) {
            throw lambdaImageError("Source image " + uri + " is not valid. Provide a valid source image.");
        }
        if (!at.get().region.equals(region)) {
            throw lambdaImageError("Source image " + uri + " is not valid. Provide a valid source image.");
        }
        if (own == null || at.get() != own) {
            throw lambdaImageError("Lambda does not have permission to access the ECR image. Check the ECR permissions.");
        }
        Repository repo = own.repositories.get(m.group(2));
        Image image = repo == null ? null : find(repo, m.group(4) != null ? m.group(4) : m.group(3));
        if (image == null) {
            throw lambdaImageError("Source image " + uri + " does not exist. Provide a valid source image.");
        }
        if (!image.single()) {
            throw lambdaImageError("The image manifest, config or layer media type for the source image " + uri
                    + " is not supported.");
        }
        return new ResolvedImage(own, repo, image, uri);
    }

    private static AwsError lambdaImageError(String message) {
        return AwsError.badRequest("InvalidParameterValueException", message);
    }

    /** Whether an image digest is still in its repository (Lambda fails a function whose image was deleted). */
    public synchronized boolean stillExists(ResolvedImage image) {
        Repository repo = image.registry().repositories.get(image.repository().name);
        return repo != null && repo.images.containsKey(image.image().digest());
    }

    // ---- API operations

    private Object createRepository(JsonRequest r) {
        String name = repositoryName(r);
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            if (reg.repositories.containsKey(name)) {
                throw AwsError.badRequest("RepositoryAlreadyExistsException", "The repository with name '" + name
                        + "' already exists in the registry with id '" + reg.accountId + "'");
            }
            Repository repo = new Repository(name, arn(reg, name), clock.instant());
            String mutability = r.string("imageTagMutability");
            if (mutability != null) {
                repo.tagMutability = mutability(mutability);
            }
            repo.scanOnPush = scanOnPush(r.body().get("imageScanningConfiguration"));
            if (r.body().get("encryptionConfiguration") instanceof Map<?, ?> enc && enc.get("encryptionType") != null) {
                repo.encryptionType = String.valueOf(enc.get("encryptionType"));
            }
            for (Object t : r.list("tags")) {
                if (t instanceof Map<?, ?> tag) {
                    repo.resourceTags.put(String.valueOf(tag.get("Key")), String.valueOf(tag.get("Value")));
                }
            }
            reg.repositories.put(name, repo);
            return Map.of("repository", repositoryView(reg, repo));
        }
    }

    private Object describeRepositories(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            List<Repository> found = new ArrayList<>();
            List<Object> names = r.list("repositoryNames");
            if (!names.isEmpty()) {
                for (Object n : names) {
                    found.add(repository(reg, String.valueOf(n)));
                }
            } else {
                found.addAll(reg.repositories.values());
            }
            return page(r, found.stream().map(repo -> (Object) repositoryView(reg, repo)).toList(), "repositories");
        }
    }

    private Object deleteRepository(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            boolean force = Boolean.TRUE.equals(r.body().get("force"));
            if (!repo.images.isEmpty() && !force) {
                throw AwsError.badRequest("RepositoryNotEmptyException", "The repository with name '" + repo.name
                        + "' in registry with id '" + reg.accountId + "' cannot be deleted because it still contains images");
            }
            reg.repositories.remove(repo.name);
            return Map.of("repository", repositoryView(reg, repo));
        }
    }

    private Object describeImages(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            List<Image> images = new ArrayList<>();
            List<Object> ids = r.list("imageIds");
            if (!ids.isEmpty()) {
                for (Object id : ids) {
                    Image image = byId(repo, id);
                    if (image == null) {
                        throw AwsError.badRequest("ImageNotFoundException", "The image with imageId " + idText(id)
                                + " does not exist within the repository with name '" + repo.name
                                + "' in the registry with id '" + reg.accountId + "'");
                    }
                    if (!images.contains(image)) {
                        images.add(image);
                    }
                }
            } else {
                images.addAll(repo.images.values());
            }
            String tagStatus = r.body().get("filter") instanceof Map<?, ?> f && f.get("tagStatus") != null
                    ? String.valueOf(f.get("tagStatus")) : "ANY";
            List<Object> views = new ArrayList<>();
            for (Image image : images) {
                List<String> tags = repo.tagsOf(image.digest());
                if ((tagStatus.equals("TAGGED") && tags.isEmpty()) || (tagStatus.equals("UNTAGGED") && !tags.isEmpty())) {
                    continue;
                }
                views.add(imageDetail(reg, repo, image, tags));
            }
            return page(r, views, "imageDetails");
        }
    }

    private Object listImages(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            String tagStatus = r.body().get("filter") instanceof Map<?, ?> f && f.get("tagStatus") != null
                    ? String.valueOf(f.get("tagStatus")) : "ANY";
            List<Object> ids = new ArrayList<>();
            for (Image image : repo.images.values()) {
                List<String> tags = repo.tagsOf(image.digest());
                if (tags.isEmpty() && !tagStatus.equals("TAGGED")) {
                    ids.add(Map.of("imageDigest", image.digest()));
                }
                if (!tagStatus.equals("UNTAGGED")) {
                    tags.forEach(t -> ids.add(Map.of("imageDigest", image.digest(), "imageTag", t)));
                }
            }
            return page(r, ids, "imageIds");
        }
    }

    private Object batchGetImage(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            List<Object> accepted = r.list("acceptedMediaTypes");
            List<Object> images = new ArrayList<>();
            List<Object> failures = new ArrayList<>();
            for (Object id : r.list("imageIds")) {
                Map<?, ?> m = id instanceof Map<?, ?> mm ? mm : Map.of();
                Object tag = m.get("imageTag");
                Object digest = m.get("imageDigest");
                Image image = byId(repo, id);
                if (tag == null && digest == null) {
                    failures.add(failure(id, "MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null"));
                } else if (digest != null && !DIGEST.matcher(String.valueOf(digest)).matches()) {
                    failures.add(failure(id, "InvalidImageDigest", "Invalid image digest"));
                } else if (image == null && tag != null && digest != null && repo.tags.containsKey(String.valueOf(tag))) {
                    failures.add(failure(id, "ImageTagDoesNotMatchDigest", "Invalid request parameters: given tag and digest do not match"));
                } else if (image == null) {
                    failures.add(failure(id, "ImageNotFound", "Requested image not found"));
                } else if (!accepted.isEmpty() && !accepted.contains(image.mediaType())) {
                    failures.add(failure(id, "UnsupportedImageType", "The image manifest media type is not accepted"));
                } else {
                    Map<String, Object> imageId = new LinkedHashMap<>();
                    imageId.put("imageDigest", image.digest());
                    if (tag != null) {
                        imageId.put("imageTag", tag);
                    }
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("registryId", reg.accountId);
                    v.put("repositoryName", repo.name);
                    v.put("imageId", imageId);
                    v.put("imageManifest", new String(image.manifest(), StandardCharsets.UTF_8));
                    v.put("imageManifestMediaType", image.mediaType());
                    images.add(v);
                }
            }
            return Map.of("images", images, "failures", failures);
        }
    }

    private Object batchDeleteImage(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            List<Object> deleted = new ArrayList<>();
            List<Object> failures = new ArrayList<>();
            for (Object id : r.list("imageIds")) {
                Map<?, ?> m = id instanceof Map<?, ?> mm ? mm : Map.of();
                Image image = byId(repo, id);
                if (image == null) {
                    failures.add(failure(id, "ImageNotFound", "Requested image not found"));
                    continue;
                }
                if (m.get("imageDigest") == null) {
                    repo.tags.remove(String.valueOf(m.get("imageTag")));
                    if (repo.tagsOf(image.digest()).isEmpty()) {
                        repo.images.remove(image.digest());
                    }
                    deleted.add(Map.of("imageDigest", image.digest(), "imageTag", m.get("imageTag")));
                } else {
                    for (String t : repo.tagsOf(image.digest())) {
                        deleted.add(Map.of("imageDigest", image.digest(), "imageTag", t));
                    }
                    if (repo.tagsOf(image.digest()).isEmpty()) {
                        deleted.add(Map.of("imageDigest", image.digest()));
                    }
                    deleteImage(repo, image.digest());
                }
            }
            return Map.of("imageIds", deleted, "failures", failures);
        }
    }

    private Object putImage(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            byte[] body = r.require("imageManifest").getBytes(StandardCharsets.UTF_8);
            String tag = r.string("imageTag");
            String digest = r.string("imageDigest");
            String computed = RegistryServer.digestOf(body);
            if (digest != null && !digest.equals(computed)) {
                throw AwsError.badRequest("ImageDigestDoesNotMatchException", "The image digest " + digest
                        + " does not match the digest of the manifest, " + computed);
            }
            if (tag != null && computed.equals(repo.tags.get(tag))) {
                throw AwsError.badRequest("ImageAlreadyExistsException", "Image with digest '" + computed + "' and tag '"
                        + tag + "' already exists in the repository with name '" + repo.name
                        + "' in registry with id '" + reg.accountId + "'");
            }
            if (tag != null && repo.tags.containsKey(tag) && repo.tagMutability.equals("IMMUTABLE")) {
                throw AwsError.badRequest("ImageTagAlreadyExistsException", "The image tag '" + tag
                        + "' already exists in the '" + repo.name + "' repository and cannot be overwritten because the "
                        + "repository is immutable.");
            }
            Image image;
            try {
                image = putManifest(reg, repo.name, tag != null ? tag : computed, r.string("imageManifestMediaType"), body);
            } catch (RegistryError e) {
                throw AwsError.badRequest(e.code.equals("MANIFEST_BLOB_UNKNOWN") ? "LayersNotFoundException"
                        : "InvalidParameterException", e.getMessage());
            }
            Map<String, Object> imageId = new LinkedHashMap<>();
            imageId.put("imageDigest", image.digest());
            if (tag != null) {
                imageId.put("imageTag", tag);
            }
            return Map.of("image", Map.of("registryId", reg.accountId, "repositoryName", repo.name, "imageId", imageId,
                    "imageManifest", new String(body, StandardCharsets.UTF_8), "imageManifestMediaType", image.mediaType()));
        }
    }

    private Object authorizationToken(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        StringBuilder password = new StringBuilder(512);
        for (int i = 0; i < 512; i++) {
            password.append(TOKEN_CHARS.charAt(random.nextInt(TOKEN_CHARS.length())));
        }
        Instant expires = clock.instant().plus(TOKEN_LIFETIME);
        reg.tokens.put(password.toString(), expires);
        String token = Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));
        return Map.of("authorizationData", List.of(Map.of(
                "authorizationToken", token,
                "expiresAt", expires.toEpochMilli() / 1000.0,
                "proxyEndpoint", "https://" + reg.host())));
    }

    private Object putLifecyclePolicy(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            String text = r.require("lifecyclePolicyText");
            LifecyclePolicies.validate(text);
            repo.lifecyclePolicy = text;
            LifecyclePolicies.apply(repo, clock.instant());
            repo.lifecycleEvaluatedAt = clock.instant();
            return Map.of("registryId", reg.accountId, "repositoryName", repo.name, "lifecyclePolicyText", text);
        }
    }

    private Object getLifecyclePolicy(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            if (repo.lifecyclePolicy == null) {
                throw noLifecyclePolicy(reg, repo);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("registryId", reg.accountId);
            out.put("repositoryName", repo.name);
            out.put("lifecyclePolicyText", repo.lifecyclePolicy);
            out.put("lastEvaluatedAt", epoch(repo.lifecycleEvaluatedAt));
            return out;
        }
    }

    private Object deleteLifecyclePolicy(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            if (repo.lifecyclePolicy == null) {
                throw noLifecyclePolicy(reg, repo);
            }
            String text = repo.lifecyclePolicy;
            repo.lifecyclePolicy = null;
            return Map.of("registryId", reg.accountId, "repositoryName", repo.name, "lifecyclePolicyText", text,
                    "lastEvaluatedAt", epoch(repo.lifecycleEvaluatedAt));
        }
    }

    private static AwsError noLifecyclePolicy(Registry reg, Repository repo) {
        return AwsError.badRequest("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist for the repository "
                + "with name '" + repo.name + "' in the registry with id '" + reg.accountId + "'");
    }

    private Object putScanning(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            repo.scanOnPush = scanOnPush(r.body().get("imageScanningConfiguration"));
            return Map.of("registryId", reg.accountId, "repositoryName", repo.name,
                    "imageScanningConfiguration", Map.of("scanOnPush", repo.scanOnPush));
        }
    }

    private Object putMutability(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = repository(reg, r.require("repositoryName"));
            repo.tagMutability = mutability(r.require("imageTagMutability"));
            return Map.of("registryId", reg.accountId, "repositoryName", repo.name,
                    "imageTagMutability", repo.tagMutability);
        }
    }

    private Object listTags(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = byArn(reg, r.require("resourceArn"));
            List<Object> tags = new ArrayList<>();
            repo.resourceTags.forEach((k, v) -> tags.add(Map.of("Key", k, "Value", v)));
            return Map.of("tags", tags);
        }
    }

    private Object tagResource(JsonRequest r) {
        Registry reg = registry(r.accountId(), r.region());
        synchronized (this) {
            Repository repo = byArn(reg, r.require("resourceArn"));
            for (Object t : r.list("tags")) {
                if (t instanceof Map<?, ?> tag) {
                    repo.resourceTags.put(String.valueOf(tag.get("Key")), String.valueOf(tag.get("Value")));
                }
            }
            return Map.of();
        }
    }

    private static Repository byArn(Registry reg, String arn) {
        return reg.repositories.values().stream().filter(x -> x.arn.equals(arn)).findFirst()
                .orElseThrow(() -> AwsError.badRequest("RepositoryNotFoundException", "The repository with ARN '" + arn
                        + "' does not exist in the registry with id '" + reg.accountId + "'"));
    }

    // ---- helpers

    private static String repositoryName(JsonRequest r) {
        String name = r.require("repositoryName");
        if (name.length() < 2 || name.length() > 256 || !NAME.matcher(name).matches()) {
            throw AwsError.badRequest("InvalidParameterException", "Invalid parameter at 'repositoryName' failed to "
                    + "satisfy constraint: 'must satisfy regular expression '" + NAME.pattern() + "''");
        }
        return name;
    }

    private static String mutability(String value) {
        if (!value.equals("MUTABLE") && !value.equals("IMMUTABLE")) {
            throw AwsError.badRequest("InvalidParameterException", "Invalid parameter at 'imageTagMutability' failed to "
                    + "satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'");
        }
        return value;
    }

    private static boolean scanOnPush(Object config) {
        return config instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("scanOnPush"));
    }

    private static Repository repository(Registry reg, String name) {
        Repository repo = reg.repositories.get(name);
        if (repo == null) {
            throw AwsError.badRequest("RepositoryNotFoundException", "The repository with name '" + name
                    + "' does not exist in the registry with id '" + reg.accountId + "'");
        }
        return repo;
    }

    private Image byId(Repository repo, Object id) {
        if (!(id instanceof Map<?, ?> m)) {
            return null;
        }
        Object digest = m.get("imageDigest");
        Object tag = m.get("imageTag");
        Image image = digest != null ? repo.images.get(String.valueOf(digest))
                : tag != null ? find(repo, String.valueOf(tag)) : null;
        if (image != null && digest != null && tag != null && !image.digest().equals(repo.tags.get(String.valueOf(tag)))) {
            return null;
        }
        return image;
    }

    private static String idText(Object id) {
        Map<?, ?> m = id instanceof Map<?, ?> mm ? mm : Map.of();
        return "{imageDigest:'" + m.get("imageDigest") + "', imageTag:'" + m.get("imageTag") + "'}";
    }

    private static Map<String, Object> failure(Object id, String code, String reason) {
        return Map.of("imageId", id, "failureCode", code, "failureReason", reason);
    }

    private static String arn(Registry reg, String name) {
        return "arn:aws:ecr:" + reg.region + ":" + reg.accountId + ":repository/" + name;
    }

    private Map<String, Object> repositoryView(Registry reg, Repository repo) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("repositoryArn", repo.arn);
        v.put("registryId", reg.accountId);
        v.put("repositoryName", repo.name);
        v.put("repositoryUri", reg.host() + "/" + repo.name);
        v.put("createdAt", epoch(repo.createdAt));
        v.put("imageTagMutability", repo.tagMutability);
        v.put("imageScanningConfiguration", Map.of("scanOnPush", repo.scanOnPush));
        v.put("encryptionConfiguration", Map.of("encryptionType", repo.encryptionType));
        return v;
    }

    private Map<String, Object> imageDetail(Registry reg, Repository repo, Image image, List<String> tags) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("registryId", reg.accountId);
        v.put("repositoryName", repo.name);
        v.put("imageDigest", image.digest());
        if (!tags.isEmpty()) {
            v.put("imageTags", tags);
        }
        v.put("imageSizeInBytes", image.size());
        v.put("imagePushedAt", epoch(image.pushedAt()));
        v.put("imageManifestMediaType", image.mediaType());
        if (image.configMediaType() != null) {
            v.put("artifactMediaType", image.configMediaType());
        }
        if (repo.scanOnPush) {
            // No vulnerability database here: the scan is recorded as done with nothing found, and says so.
            v.put("imageScanStatus", Map.of("status", "COMPLETE",
                    "description", "LocalAws records scans on push but has no vulnerability database; no findings."));
            v.put("imageScanFindingsSummary", Map.of("imageScanCompletedAt", epoch(image.pushedAt()),
                    "findingSeverityCounts", Map.of()));
        }
        return v;
    }

    private static Object epoch(Instant t) {
        return t == null ? null : t.toEpochMilli() / 1000.0;
    }

    private static Map<String, Object> page(JsonRequest r, List<Object> all, String member) {
        long max = r.number("maxResults") == null ? 100 : r.number("maxResults");
        if (max < 1 || max > 1000) {
            throw AwsError.badRequest("InvalidParameterException", "Invalid parameter at 'maxResults' failed to satisfy "
                    + "constraint: 'Member must have value less than or equal to 1000 and greater than or equal to 1'");
        }
        int start = 0;
        String token = r.string("nextToken");
        if (token != null) {
            try {
                start = Integer.parseInt(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw AwsError.badRequest("InvalidParameterException", "Invalid parameter at 'nextToken'");
            }
        }
        int end = (int) Math.min(all.size(), start + max);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(member, all.subList(Math.min(start, all.size()), end));
        if (end < all.size()) {
            out.put("nextToken", Base64.getEncoder().encodeToString(Integer.toString(end).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Override
    public void close() {
        List<Registry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(registries.values());
            if (gallery != null) {
                all.add(gallery);
            }
        }
        all.forEach(r -> r.server.close());
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete LocalAws's registry files under " + dir, e);
        }
    }
}
