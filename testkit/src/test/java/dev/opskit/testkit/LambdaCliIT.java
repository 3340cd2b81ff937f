package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.AwsContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * The real AWS CLI against LocalAws's ECR and Lambda: describe-repositories, get-login-password,
 * describe-images, create-function from an image, get-function, and invoke running the seed.
 */
class LambdaCliIT {
    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder()
            .configure(b -> b.dataDir(dataDir)).perClass();

    @BeforeAll
    static void needsTheCli() {
        AwsCli.assumeInstalled();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String s) throws Exception {
        return (Map<String, Object>) JSON.std.anyFrom(s);
    }

    @Test
    @SuppressWarnings("unchecked")
    void ecrAndLambdaCommandsWorkOnAnImageOfTheSeed(@TempDir Path work) throws Exception {
        AwsCli cli = AwsCli.against(AWS.aws(), AWS.aws().defaultAccount());
        Map<String, Object> created = json(cli.ok("ecr", "create-repository", "--repository-name", "cli-fn",
                "--image-scanning-configuration", "scanOnPush=true", "--image-tag-mutability", "IMMUTABLE"));
        String uri = (String) ((Map<String, Object>) created.get("repository")).get("repositoryUri");
        assertThat(uri).matches("127\\.0\\.0\\.1:\\d+/cli-fn");

        Map<String, Object> described = json(cli.ok("ecr", "describe-repositories"));
        List<Map<String, Object>> repos = (List<Map<String, Object>>) described.get("repositories");
        assertThat(repos).singleElement().satisfies(r -> {
            assertThat(r.get("repositoryName")).isEqualTo("cli-fn");
            assertThat(r.get("repositoryUri")).isEqualTo(uri);
            assertThat(r.get("imageTagMutability")).isEqualTo("IMMUTABLE");
            assertThat(r.get("repositoryArn")).isEqualTo("arn:aws:ecr:us-east-1:" + LocalAws.DEFAULT_ACCOUNT_ID
                    + ":repository/cli-fn");
        });
        String password = cli.ok("ecr", "get-login-password").trim();
        assertThat(password).isNotEmpty().doesNotContain(":");

        String image;
        try (AwsContext ctx = AWS.aws().context()) {
            image = TestImages.using(AWS.aws(), ctx.client(EcrClient.class, EcrClient::builder))
                    .push("cli-fn", "v1", TestImages.seed(), List.of("function.handler"));
        }
        Map<String, Object> images = json(cli.ok("ecr", "describe-images", "--repository-name", "cli-fn"));
        assertThat(images.get("imageDetails").toString()).contains(image.substring(image.indexOf('@') + 1), "v1");

        assumeTrue(AWS.aws().lambda().sandboxAvailable(), "bubblewrap cannot isolate functions here");
        cli.ok("lambda", "create-function", "--function-name", "cli-fn", "--package-type", "Image",
                "--code", "ImageUri=" + uri + ":v1", "--role", "arn:aws:iam::" + LocalAws.DEFAULT_ACCOUNT_ID + ":role/r");
        cli.ok("lambda", "wait", "function-active-v2", "--function-name", "cli-fn");
        Map<String, Object> fn = json(cli.ok("lambda", "get-function", "--function-name", "cli-fn"));
        Map<String, Object> config = (Map<String, Object>) fn.get("Configuration");
        assertThat(config.get("State")).isEqualTo("Active");
        assertThat(config.get("PackageType")).isEqualTo("Image");
        assertThat(((Map<String, Object>) fn.get("Code")).get("ResolvedImageUri")).isEqualTo(image);

        Path out = work.resolve("out.json");
        Map<String, Object> invoked = json(cli.ok("lambda", "invoke", "--function-name", "cli-fn",
                "--cli-binary-format", "raw-in-base64-out", "--payload", "{\"from\":\"cli\"}", "--log-type", "Tail",
                out.toString()));
        assertThat(invoked.get("StatusCode")).isEqualTo(200);
        assertThat(invoked.get("ExecutedVersion")).isEqualTo("$LATEST");
        assertThat(invoked).doesNotContainKey("FunctionError");
        assertThat(Files.readString(out)).isEqualTo("Echoing request: '{\"from\":\"cli\"}'");
        assertThat(new String(Base64.getDecoder().decode((String) invoked.get("LogResult")), StandardCharsets.UTF_8))
                .contains("START RequestId", "{\"from\":\"cli\"}");
    }
}
