package dev.opskit.testkit;

import static dev.opskit.testkit.ServiceModel.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.testkit.internal.ecr.EcrService;
import dev.opskit.testkit.internal.lambda.LambdaService;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.protocol.RestJsonService.Route;
import dev.opskit.testkit.internal.sts.Identities;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalAws's Lambda routes and ECR operations against the botocore models installed on the
 * machine (skipped without them): every Lambda route is the model's method and URI for its
 * operation, every ECR operation LocalAws answers exists in the model, and the errors an unknown
 * repository gets are the model's for that operation.
 */
class LambdaModelConformanceTest {
    @TempDir
    Path dir;

    @Test
    void everyLambdaRouteIsTheModelsHttpBinding() throws Exception {
        ServiceModel model = ServiceModel.load("lambda", "2015-03-31");
        EcrService ecr = new EcrService(Clock.systemUTC(), dir.resolve("ecr"));
        try (LambdaService lambda = new LambdaService(Clock.systemUTC(), dir.resolve("lambda"), ecr,
                new Identities(Clock.systemUTC()), () -> URI.create("http://127.0.0.1:1"))) {
            assertThat(lambda.routes()).hasSizeGreaterThan(10);
            for (Route r : lambda.routes()) {
                Map<String, Object> op = model.operation(r.operation());
                assertThat(op).as(r.operation()).isNotNull();
                Map<String, Object> http = map(op.get("http"));
                assertThat(r.method()).as(r.operation()).isEqualTo(http.get("method"));
                String uri = ((String) http.get("requestUri")).replaceFirst("\\?.*$", "");
                assertThat(r.template()).as(r.operation()).isEqualTo(uri);
            }
        } finally {
            ecr.close();
        }
    }

    @Test
    void everyEcrOperationIsInTheModelAndAnswersItsErrors() throws Exception {
        ServiceModel model = ServiceModel.load("ecr", "2015-09-21");
        EcrService ecr = new EcrService(Clock.systemUTC(), dir.resolve("ecr"));
        try {
            List<String> ops = List.of("CreateRepository", "DescribeRepositories", "DeleteRepository", "DescribeImages",
                    "ListImages", "BatchGetImage", "BatchDeleteImage", "PutImage", "GetAuthorizationToken",
                    "PutLifecyclePolicy", "GetLifecyclePolicy", "DeleteLifecyclePolicy", "PutImageScanningConfiguration",
                    "PutImageTagMutability", "ListTagsForResource", "TagResource");
            for (String op : ops) {
                assertThat(model.operation(op)).as(op).isNotNull();
                Map<String, Object> body = Map.of("repositoryName", "no-such-repo", "lifecyclePolicyText", "{\"rules\":[]}",
                        "imageManifest", "{}", "imageTagMutability", "MUTABLE", "resourceArn",
                        "arn:aws:ecr:us-east-1:111111111111:repository/no-such-repo");
                try {
                    ecr.handle(new JsonRequest("ecr", op, body, "111111111111", "us-east-1", "AKID", "r", Instant.now()));
                } catch (AwsError e) {
                    List<String> declared = model.errorShapes(op).stream().map(model::errorCode).toList();
                    assertThat(e.code()).as(op).isNotEqualTo("UnknownOperationException");
                    assertThat(declared).as(op + " answered " + e.code()).contains(e.code());
                }
            }
        } finally {
            ecr.close();
        }
    }
}
