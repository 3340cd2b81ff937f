package dev.opskit.lambda.internal.push;

import dev.opskit.core.ConflictException;
import dev.opskit.core.Observation;
import dev.opskit.core.OpsException;
import dev.opskit.core.RunContext;
import dev.opskit.core.Step;
import dev.opskit.lambda.RegistryLogin;
import dev.opskit.lambda.event.ImagePushProgress;
import dev.opskit.lambda.event.ImagePushed;
import dev.opskit.lambda.internal.repository.Logins;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;

/**
 * Builds the image and pushes it under its tag. It looks first at what the tag holds; pushing
 * again is cheap, since layers the repository has are not uploaded again, and a reproducible
 * build of the same files gives the same digest.
 */
public final class PushImageStep implements Step {
    private final ImageSpec spec;
    private final String repositoryName;
    private final String repositoryUri;
    private final String tag;
    private final dev.opskit.core.AwsContext aws;
    private final Path cache;
    private final java.util.function.Consumer<String> pushed;

    public PushImageStep(ImageSpec spec, String repositoryName, String repositoryUri, String tag,
            dev.opskit.core.AwsContext aws, Path cache, java.util.function.Consumer<String> pushed) {
        this.pushed = pushed;
        this.spec = spec;
        this.repositoryName = repositoryName;
        this.repositoryUri = repositoryUri;
        this.tag = tag;
        this.aws = aws;
        this.cache = cache;
    }

    @Override
    public String name() {
        return "build and push";
    }

    @Override
    public String resource() {
        return repositoryUri + ":" + tag;
    }

    @Override
    public Observation observe(RunContext ctx) {
        EcrClient ecr = aws.client(EcrClient.class, EcrClient::builder);
        String what = "build " + (spec.base() == null ? "from scratch" : "on " + spec.base()) + " with "
                + spec.files().size() + " files for linux/" + spec.platform() + " and push it as " + tag;
        try {
            List<ImageDetail> found = ecr.describeImages(r -> r.repositoryName(repositoryName)
                    .imageIds(i -> i.imageTag(tag))).imageDetails();
            String digest = found.isEmpty() ? null : found.get(0).imageDigest();
            return Observation.change("tag " + tag + " holds " + digest, what + " (layers already in the repository "
                    + "are not uploaded again; the same build gives the same digest)");
        } catch (ImageNotFoundException e) {
            return Observation.change("no image tagged " + tag + " in " + repositoryName, what);
        }
    }

    /** ECR answers a moved immutable tag with TAG_INVALID, which Jib reports as an unsupported manifest. */
    private java.util.Optional<OpsException> immutableTagTaken() {
        EcrClient ecr = aws.client(EcrClient.class, EcrClient::builder);
        String mutability = ecr.describeRepositories(r -> r.repositoryNames(repositoryName)).repositories().get(0)
                .imageTagMutabilityAsString();
        if (!"IMMUTABLE".equals(mutability)) {
            return java.util.Optional.empty();
        }
        try {
            String held = ecr.describeImages(r -> r.repositoryName(repositoryName).imageIds(i -> i.imageTag(tag)))
                    .imageDetails().get(0).imageDigest();
            return java.util.Optional.of(new ConflictException(resource(), "Tag " + tag + " of " + repositoryName
                    + " already holds " + held + " and the repository's tags are immutable, so this different build "
                    + "cannot take it: push under a new tag"));
        } catch (ImageNotFoundException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public String act(RunContext ctx, Observation observation) {
        RegistryLogin login = Logins.login(aws);
        String digest;
        try {
            digest = JibPush.push(spec, repositoryUri, tag, login, cache, (fraction, doing) -> {
                if (fraction >= 0) {
                    ctx.events().publish(new ImagePushProgress(ctx.clock().instant(), ctx.runbookId(), ctx.step(),
                            resource(), fraction, doing));
                } else {
                    ctx.warn("Jib: " + doing);
                }
            });
        } catch (OpsException e) {
            throw immutableTagTaken().orElse(e);
        }
        pushed.accept(digest);
        ctx.events().publish(new ImagePushed(ctx.clock().instant(), ctx.runbookId(), ctx.step(), resource(),
                repositoryUri + "@" + digest, digest));
        return "pushed " + repositoryUri + ":" + tag + " as " + digest;
    }
}
