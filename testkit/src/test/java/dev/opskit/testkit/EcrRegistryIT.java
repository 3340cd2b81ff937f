package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.BatchGetImageResponse;
import software.amazon.awssdk.services.ecr.model.ImageFailureCode;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/** LocalAws's ECR: the API and the registry behind repositoryUri behave as ECR's do, unlike a plain registry. */
class EcrRegistryIT {
    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().configure(b -> b.dataDir(dataDir)).perClass();

    static LocalAws aws;
    static AwsContext ctx;
    static EcrClient ecr;
    static TestImages images;

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        ctx = AWS.context();
        ecr = ctx.client(EcrClient.class, EcrClient::builder);
        images = TestImages.using(aws, ecr);
    }


    @Test
    void nothingIsCreatedOnPushAndTheRegistryWantsTheEcrPassword() throws Exception {
        byte[] blob = "layer".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> missing = images.call("POST", "/v2/never-created/blobs/uploads/?digest="
                + TestImages.digest(blob), blob, "application/octet-stream");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("NAME_UNKNOWN", "never-created");
        assertThatThrownBy(() -> ecr.describeRepositories(r -> r.repositoryNames("never-created")))
                .isInstanceOf(RepositoryNotFoundException.class);

        String host = aws.lambda().registryHost(aws.defaultAccount(), LocalAws.DEFAULT_REGION);
        HttpClient http = HttpClient.newBuilder().sslContext(TestImages.trustAll()).build();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("https://" + host + "/v2/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic realm=");
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("https://" + host + "/v2/"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        "AWS:not-a-token".getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(images.call("GET", "/v2/", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void immutableTagsStayAndImagesAreDescribedAndFetched() throws Exception {
        ecr.createRepository(r -> r.repositoryName("immutable").imageTagMutability("IMMUTABLE")
                .imageScanningConfiguration(s -> s.scanOnPush(true)));
        assertThatThrownBy(() -> ecr.createRepository(r -> r.repositoryName("immutable")))
                .isInstanceOf(RepositoryAlreadyExistsException.class);
        String first = images.push("immutable", "v1", List.of(TestImages.File.of("var/task/a.sh", "echo a")), null);
        String same = images.push("immutable", "v1", List.of(TestImages.File.of("var/task/a.sh", "echo a")), null);
        assertThat(same).as("the same manifest again is accepted").isEqualTo(first);
        assertThatThrownBy(() -> images.push("immutable", "v1", List.of(TestImages.File.of("var/task/a.sh", "echo b")), null))
                .hasMessageContaining("400").hasMessageContaining("TAG_INVALID");

        var detail = ecr.describeImages(r -> r.repositoryName("immutable").imageIds(i -> i.imageTag("v1")))
                .imageDetails().get(0);
        assertThat(first).endsWith("@" + detail.imageDigest());
        assertThat(detail.imageSizeInBytes()).isPositive();
        assertThat(detail.imageScanStatus().statusAsString()).isEqualTo("COMPLETE");
        assertThatThrownBy(() -> ecr.describeImages(r -> r.repositoryName("immutable").imageIds(i -> i.imageTag("v9"))))
                .isInstanceOf(ImageNotFoundException.class);

        BatchGetImageResponse got = ecr.batchGetImage(r -> r.repositoryName("immutable")
                .imageIds(i -> i.imageTag("v1"), i -> i.imageTag("nope")));
        assertThat(got.images()).singleElement().satisfies(i ->
                assertThat(i.imageManifest()).contains("application/vnd.docker.image.rootfs.diff.tar.gzip"));
        assertThat(got.failures()).singleElement().satisfies(f ->
                assertThat(f.failureCode()).isEqualTo(ImageFailureCode.IMAGE_NOT_FOUND));
    }

    @Test
    void aLifecyclePolicyExpiresImagesAsItSays() throws Exception {
        ecr.createRepository(r -> r.repositoryName("lifecycle"));
        assertThatThrownBy(() -> ecr.putLifecyclePolicy(r -> r.repositoryName("lifecycle")
                .lifecyclePolicyText("{\"rules\":[{\"rulePriority\":1,\"selection\":{\"tagStatus\":\"tagged\","
                        + "\"countType\":\"imageCountMoreThan\",\"countNumber\":1},\"action\":{\"type\":\"expire\"}}]}")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("tagPrefixList");
        ecr.putLifecyclePolicy(r -> r.repositoryName("lifecycle").lifecyclePolicyText("{\"rules\":[{\"rulePriority\":1,"
                + "\"selection\":{\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":2},"
                + "\"action\":{\"type\":\"expire\"}}]}"));
        for (int i = 1; i <= 4; i++) {
            images.push("lifecycle", "v" + i, List.of(TestImages.File.of("var/task/n", "echo " + i)), null);
            Thread.sleep(5);
        }
        assertThat(ecr.describeImages(r -> r.repositoryName("lifecycle")).imageDetails())
                .flatExtracting(d -> d.imageTags()).containsExactlyInAnyOrder("v3", "v4");
        assertThat(ecr.getLifecyclePolicy(r -> r.repositoryName("lifecycle")).lifecyclePolicyText()).contains("imageCountMoreThan");
    }

    @Test
    void eachAccountAndRegionHasItsOwnRegistry() {
        LocalAccount other = aws.createAccount();
        String mine = aws.lambda().registryHost(aws.defaultAccount(), LocalAws.DEFAULT_REGION);
        assertThat(aws.lambda().registryHost(other, LocalAws.DEFAULT_REGION)).isNotEqualTo(mine);
        assertThat(aws.lambda().registryHost(aws.defaultAccount(), "eu-west-1")).isNotEqualTo(mine);
        String proxy = ecr.getAuthorizationToken().authorizationData().get(0).proxyEndpoint();
        assertThat(proxy).isEqualTo("https://" + mine);
    }
}
