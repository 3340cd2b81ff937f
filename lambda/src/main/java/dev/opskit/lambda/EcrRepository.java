package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import dev.opskit.lambda.internal.repository.Logins;
import java.util.Objects;

/**
 * An ECR repository as {@link EcrRepositories#ensure} left it.
 *
 * @param name the repository name, e.g. {@code orders-fn}
 * @param uri its URI, {@code <registry>/<name>}, what images are pushed to
 * @param arn its ARN
 * @param registryId the account that owns it
 * @param scanOnPush whether pushed images are scanned
 * @param immutableTags whether a tag, once pushed, can never point at another image
 */
public record EcrRepository(String name, String uri, String arn, String registryId, boolean scanOnPush,
        boolean immutableTags) {
    /** Checks the name and URI. */
    public EcrRepository {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
    }

    /** @return the registry host, the part of {@link #uri()} before the first {@code /} */
    public String registry() {
        return uri.substring(0, uri.indexOf('/'));
    }

    /**
     * A registry login from {@code GetAuthorizationToken} in this context's account and region.
     *
     * @param ctx where and as whom
     * @return the login, valid for 12 hours
     */
    public RegistryLogin login(AwsContext ctx) {
        return Logins.login(Objects.requireNonNull(ctx, "ctx"));
    }
}
