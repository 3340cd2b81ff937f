package dev.opskit.lambda;

import java.util.Objects;

/**
 * An image in ECR, named by its digest as Lambda pins it.
 *
 * @param repositoryUri {@code <registry>/<repository>}
 * @param tag the tag it was pushed under
 * @param digest the manifest digest, {@code sha256:...}
 * @param architecture what it runs on
 */
public record PushedImage(String repositoryUri, String tag, String digest, Architecture architecture) {
    /** Checks the parts. */
    public PushedImage {
        Objects.requireNonNull(repositoryUri, "repositoryUri");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(architecture, "architecture");
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
    }

    /** @return {@code <registry>/<repository>@sha256:...}, what a function is created from */
    public String uri() {
        return repositoryUri + "@" + digest;
    }

    /** @return {@code <registry>/<repository>:<tag>} */
    public String taggedUri() {
        return repositoryUri + ":" + tag;
    }
}
