package dev.opskit.lambda.internal.repository;

import dev.opskit.core.RunContext;
import dev.opskit.lambda.LifecyclePolicy;
import dev.opskit.lambda.event.RepositoryChanged;
import java.util.Optional;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * What the steps of one "ensure ECR repository" run share: the wanted settings, the client, and
 * the repository as last described.
 *
 * @param name the repository name
 * @param scanOnPush the wanted scan-on-push setting
 * @param immutableTags the wanted tag mutability
 * @param lifecyclePolicy the wanted policy, or null to leave the repository's as it is
 * @param ecr the client
 */
public record RepositoryRun(String name, boolean scanOnPush, boolean immutableTags, LifecyclePolicy lifecyclePolicy,
        EcrClient ecr) {

    /** The repository as ECR describes it now, if it exists. */
    public Optional<Repository> describe() {
        try {
            return ecr.describeRepositories(r -> r.repositoryNames(name)).repositories().stream().findFirst();
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        }
    }

    String mutability() {
        return immutableTags ? "IMMUTABLE" : "MUTABLE";
    }

    void changed(RunContext ctx, String change, String uri) {
        ctx.events().publish(new RepositoryChanged(ctx.clock().instant(), ctx.runbookId(), ctx.step(), name, change, uri));
    }
}
