package dev.opskit.lambda.internal.image;

import dev.opskit.core.InvalidInputException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image URI as Lambda takes it: {@code host/repository:tag} or {@code host/repository@sha256:...}.
 *
 * @param host the registry host[:port]
 * @param repository the repository path
 * @param tag the tag, or null
 * @param digest the digest, or null
 */
public record ImageReferences(String host, String repository, String tag, String digest) {
    private static final Pattern URI = Pattern.compile("([^/]+)/([a-z0-9][a-z0-9._/-]*?)"
            + "(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?");
    private static final Pattern ECR_HOST = Pattern.compile("(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");

    /**
     * Parses an image URI.
     *
     * @throws InvalidInputException if it has no registry host, or neither tag nor digest
     */
    public static ImageReferences parse(String uri) {
        Matcher m = URI.matcher(uri == null ? "" : uri);
        if (!m.matches() || !(m.group(1).contains(".") || m.group(1).contains(":") || m.group(1).equals("localhost"))) {
            throw new InvalidInputException("image", uri, "give an ECR image URI such as "
                    + "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-fn:v1 (or @sha256:...)");
        }
        if (m.group(3) == null && m.group(4) == null) {
            throw new InvalidInputException("image", uri, "name a tag (:v1) or a digest (@sha256:...); Lambda does not "
                    + "assume :latest");
        }
        return new ImageReferences(m.group(1), m.group(2), m.group(3), m.group(4));
    }

    /** The account and region of a real ECR host, if it is one. */
    public Optional<String[]> ecrAccountAndRegion() {
        Matcher m = ECR_HOST.matcher(host);
        return m.matches() ? Optional.of(new String[] {m.group(1), m.group(2)}) : Optional.empty();
    }

    /** The tag or digest to ask the registry for. */
    public String reference() {
        return digest != null ? digest : tag;
    }

    /** {@code host/repository@digest}. */
    public String pinned(String manifestDigest) {
        return host + "/" + repository + "@" + manifestDigest;
    }

    @Override
    public String toString() {
        return host + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
