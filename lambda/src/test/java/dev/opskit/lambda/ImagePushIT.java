package dev.opskit.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.ConflictException;
import dev.opskit.lambda.event.ImagePushProgress;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageDetail;

/** Jib builds and pushes to LocalAws's ECR registry: progress, digests, immutable tags. */
class ImagePushIT {
    static final Path SEED = Path.of("..", "examples", "lambda-seed");

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().configure(b -> b.dataDir(dataDir)).perClass();
    @TempDir
    static Path cache;

    static LocalAws aws;
    static AwsContext ctx;

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        ctx = AWS.context();
    }


    static ContainerImage seedImage() {
        return ContainerImage.from("public.ecr.aws/lambda/provided:al2023")
                .registryMirror("public.ecr.aws", aws.lambda().publicGallery())
                .file(SEED.resolve("bootstrap"), "/var/runtime/bootstrap")
                .file(SEED.resolve("function.sh"), "/var/task/function.sh")
                .cmd("function.handler");
    }

    @Test
    void pushesTheSeedOnTheProvidedBaseWithProgressAndTheSameDigestAgain() {
        EcrRepository repo = EcrRepositories.ensure("push-seed", ctx).apply();
        List<ImagePushProgress> progress = new ArrayList<>();
        PushedImage first = seedImage().pushTo(repo, "v1", ctx).cache(cache)
                .listener(ImagePushProgress.class, progress::add).run();
        assertThat(first.uri()).startsWith(repo.uri() + "@sha256:");
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).fraction()).isEqualTo(1.0);

        EcrClient ecr = ctx.client(EcrClient.class, EcrClient::builder);
        ImageDetail d = ecr.describeImages(r -> r.repositoryName("push-seed")).imageDetails().get(0);
        assertThat(d.imageDigest()).isEqualTo(first.digest());
        assertThat(d.imageTags()).containsExactly("v1");
        assertThat(d.imageManifestMediaType()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");

        PushedImage again = seedImage().pushTo(repo, "v1", ctx).cache(cache).run();
        assertThat(again.digest()).as("a reproducible build").isEqualTo(first.digest());
    }

    @Test
    void anImmutableTagIsNotMovedToAnotherImage(@TempDir Path work) throws Exception {
        EcrRepository repo = EcrRepositories.ensure("push-immutable", ctx).immutableTags(true).apply();
        seedImage().pushTo(repo, "v1", ctx).cache(cache).run();
        Path other = Files.writeString(work.resolve("function.sh"), "function handler () {\n  echo other\n}\n");
        ContainerImage changed = ContainerImage.from("public.ecr.aws/lambda/provided:al2023")
                .registryMirror("public.ecr.aws", aws.lambda().publicGallery())
                .file(SEED.resolve("bootstrap"), "/var/runtime/bootstrap")
                .file(other, "/var/task/function.sh").cmd("function.handler");
        assertThatThrownBy(() -> changed.pushTo(repo, "v1", ctx).cache(cache).run())
                .isInstanceOf(ConflictException.class).hasMessageContaining("immutable");
    }
}
