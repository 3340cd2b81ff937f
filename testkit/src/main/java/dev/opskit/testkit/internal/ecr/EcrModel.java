package dev.opskit.testkit.internal.ecr;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of LocalAws's ECR: one private registry per account and region, each with its
 * repositories, their images (manifests by digest, tags) and the blobs pushed to them. Mutated
 * only under the owning {@link EcrService}'s lock; blobs live in files under the registry's
 * directory, named by their digest.
 */
public final class EcrModel {
    private EcrModel() {
    }

    /** Manifest media types LocalAws's registry stores. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final Set<String> MANIFEST_TYPES = Set.of(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX);

    /** One account's registry in one region; {@code server} is started with its first use. */
    public static final class Registry {
        public final String accountId;
        public final String region;
        final Path dir;
        final Map<String, Repository> repositories = new TreeMap<>();
        /** Issued registry passwords and when they expire. */
        final Map<String, Instant> tokens = new ConcurrentHashMap<>();
        RegistryServer server;

        Registry(String accountId, String region, Path dir) {
            this.accountId = accountId;
            this.region = region;
            this.dir = dir;
        }

        /** The blob file of a digest such as {@code sha256:ab12...} (which may not exist). */
        public Path blob(String digest) {
            return dir.resolve("blobs").resolve(digest.replace(':', '-'));
        }

        /** {@code 127.0.0.1:port}, the host part of every repository URI of this registry. */
        public String host() {
            return server.host();
        }
    }

    /** A repository and its images. */
    public static final class Repository {
        public final String name;
        final String arn;
        final Instant createdAt;
        String tagMutability = "MUTABLE";
        boolean scanOnPush;
        String encryptionType = "AES256";
        String lifecyclePolicy;
        Instant lifecycleEvaluatedAt;
        final Map<String, String> tags = new LinkedHashMap<>();
        /** Images by manifest digest, in push order. */
        public final Map<String, Image> images = new LinkedHashMap<>();
        /** Digests of the blobs pushed to (or mounted into) this repository. */
        final Set<String> blobs = ConcurrentHashMap.newKeySet();
        final Map<String, String> resourceTags = new LinkedHashMap<>();

        Repository(String name, String arn, Instant createdAt) {
            this.name = name;
            this.arn = arn;
            this.createdAt = createdAt;
        }

        /** The tags that point at a digest, in the order they were set. */
        List<String> tagsOf(String digest) {
            return tags.entrySet().stream().filter(e -> e.getValue().equals(digest)).map(Map.Entry::getKey).toList();
        }
    }

    /**
     * One image manifest in a repository.
     *
     * @param digest {@code sha256:...} of the manifest bytes
     * @param mediaType the manifest's media type
     * @param manifest the manifest bytes as pushed
     * @param configDigest the config blob's digest, or null for an index
     * @param configMediaType the config's media type, or null
     * @param layers the layer descriptors in order, empty for an index
     * @param size what ECR reports as the image size: the layers' compressed sizes
     * @param pushedAt when it was pushed
     */
    public record Image(String digest, String mediaType, byte[] manifest, String configDigest, String configMediaType,
            List<Layer> layers, long size, Instant pushedAt) {
        public Image {
            layers = List.copyOf(layers);
        }

        /** Whether Lambda could run it: one platform, not a list or an index. */
        public boolean single() {
            return mediaType.equals(DOCKER_MANIFEST) || mediaType.equals(OCI_MANIFEST);
        }
    }

    /**
     * A layer of an image.
     *
     * @param digest the blob's digest
     * @param mediaType as given in the manifest
     * @param size its size in bytes
     */
    public record Layer(String digest, String mediaType, long size) {
    }
}
