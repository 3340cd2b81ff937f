package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * ECR repositories for function images: create one or reuse it, with scan on push, tag
 * immutability and a lifecycle policy, safe to run again.
 *
 * <pre>{@code
 * EcrRepository repo = EcrRepositories.ensure("orders-fn", ctx)
 *         .scanOnPush(true)
 *         .immutableTags(true)
 *         .lifecyclePolicy(LifecyclePolicy.expireUntaggedAfterDays(7).and(LifecyclePolicy.keepLast(20)))
 *         .apply();
 * RegistryLogin login = repo.login(ctx);   // what `aws ecr get-login-password` gives
 * }</pre>
 */
public final class EcrRepositories {
    private static final Pattern NAME = Pattern.compile("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");

    private EcrRepositories() {
    }

    /**
     * Describes a repository to create or bring to the wanted settings.
     *
     * @param name 2 to 256 characters: lower-case letters, digits, and {@code . _ - /} between them
     * @param ctx where and as whom
     * @return the setup; call {@link RepositorySetup#plan()} or {@link RepositorySetup#apply()}
     * @throws InvalidInputException if the name is not a valid repository name
     */
    public static RepositorySetup ensure(String name, AwsContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        if (name == null || name.length() < 2 || name.length() > 256 || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("repository name", name, "use 2 to 256 lower-case letters and digits, "
                    + "with . _ - or / between them, e.g. \"team/orders-fn\"");
        }
        return new RepositorySetup(name, ctx);
    }
}
