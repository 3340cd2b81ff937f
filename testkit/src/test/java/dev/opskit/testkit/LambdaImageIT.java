package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opskit.core.AwsContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;

/**
 * LocalAws's Lambda running images pushed to its ECR through the registry API: the seed's
 * bootstrap and handler unchanged, warm reuse, function errors, init errors, timeouts, crashes,
 * concurrency, and the image checks of CreateFunction.
 */
class LambdaImageIT {
    private static final String ROLE = "arn:aws:iam::" + LocalAws.DEFAULT_ACCOUNT_ID + ":role/fn-role";

    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().configure(b -> b.dataDir(dataDir)).perClass();

    static LocalAws aws;
    static AwsContext ctx;
    static EcrClient ecr;
    static LambdaClient lambda;
    static TestImages images;

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        assumeTrue(aws.lambda().sandboxAvailable(), "bubblewrap cannot isolate functions here");
        aws.lambda().transitionTime(java.time.Duration.ofMillis(50));
        ctx = AWS.context();
        ecr = ctx.client(EcrClient.class, EcrClient::builder);
        lambda = ctx.client(LambdaClient.class, LambdaClient::builder);
        ecr.createRepository(r -> r.repositoryName("fns"));
        images = TestImages.using(aws, ecr);
    }


    private static FunctionConfiguration create(String name, String image, int timeout) {
        lambda.createFunction(r -> r.functionName(name).packageType(PackageType.IMAGE).role(ROLE)
                .code(c -> c.imageUri(image)).timeout(timeout));
        return lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName(name)).matched().response().orElseThrow()
                .configuration();
    }

    private static InvokeResponse invoke(String name, String payload) {
        return lambda.invoke(r -> r.functionName(name).logType(LogType.TAIL).payload(SdkBytes.fromUtf8String(payload)));
    }

    private static String tail(InvokeResponse r) {
        return new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
    }

    @Test
    void theSeedsBootstrapAndHandlerRunUnchangedAndStayWarm() throws Exception {
        String image = images.push("fns", "seed", TestImages.seed(), List.of("function.handler"));
        FunctionConfiguration c = create("seed", image, 3);
        assertThat(c.state().toString()).isEqualTo("Active");
        assertThat(c.codeSha256()).isEqualTo(image.substring(image.indexOf("sha256:") + 7));

        InvokeResponse first = invoke("seed", "{\"x\":1}");
        assertThat(first.functionError()).isNull();
        assertThat(first.payload().asUtf8String()).isEqualTo("Echoing request: '{\"x\":1}'");
        assertThat(tail(first)).contains("START RequestId:", "{\"x\":1}", "END RequestId:", "REPORT RequestId:",
                "Init Duration:");
        int started = aws.lambda().environmentsStarted();

        InvokeResponse second = invoke("seed", "{\"x\":2}");
        assertThat(second.payload().asUtf8String()).isEqualTo("Echoing request: '{\"x\":2}'");
        assertThat(tail(second)).doesNotContain("Init Duration:");
        assertThat(aws.lambda().environmentsStarted()).as("a warm start").isEqualTo(started);
        assertThat(aws.lambda().logs(aws.defaultAccount(), LocalAws.DEFAULT_REGION, "seed")).contains("{\"x\":2}");
    }

    @Test
    void theSeedsOwnLayoutExitsBeforeAskingForAnEventAsOnLambda() throws Exception {
        // The seed's Dockerfile copies function.sh to /var/runtime; its bootstrap sources $LAMBDA_TASK_ROOT/function.sh.
        String image = images.push("fns", "seed-layout", List.of(
                TestImages.File.from("var/runtime/bootstrap", TestImages.SEED.resolve("bootstrap")),
                TestImages.File.from("var/runtime/function.sh", TestImages.SEED.resolve("function.sh"))),
                List.of("function.handler"));
        create("seed-layout", image, 3);
        InvokeResponse r = invoke("seed-layout", "{}");
        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(r.payload().asUtf8String()).contains("Runtime.ExitError", "Runtime exited with error: exit status");
        assertThat(tail(r)).contains("/var/task/function.sh");
    }

    @Test
    void anErrorPostedByTheRuntimeIsAFunctionError() throws Exception {
        String bootstrap = """
                #!/bin/sh
                set -eu
                while true; do
                  H="$(mktemp)"
                  curl -sS -D "$H" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next" >/dev/null
                  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$H" | tr -d '[:space:]' | cut -d: -f2)
                  curl -sS -H 'Lambda-Runtime-Function-Error-Type: Handler.Failed' \\
                    "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$ID/error" \\
                    -d '{"errorMessage":"no such order","errorType":"OrderNotFound","stackTrace":[]}'
                done
                """;
        create("fails", images.push("fns", "fails", List.of(TestImages.File.of("var/runtime/bootstrap", bootstrap)),
                List.of("x.handler")), 3);
        InvokeResponse r = invoke("fails", "{}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(r.payload().asUtf8String()).isEqualTo("{\"errorMessage\":\"no such order\",\"errorType\":\"OrderNotFound\","
                + "\"stackTrace\":[]}");
    }

    @Test
    void anInitErrorEndsTheEnvironment() throws Exception {
        String bootstrap = """
                #!/bin/sh
                echo "cannot load config" >&2
                curl -sS "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/init/error" \\
                  -d '{"errorMessage":"config missing","errorType":"Runtime.ConfigError"}'
                exit 1
                """;
        create("init-fails", images.push("fns", "init-fails", List.of(TestImages.File.of("var/runtime/bootstrap", bootstrap)),
                List.of("x.handler")), 3);
        InvokeResponse r = invoke("init-fails", "{}");
        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(r.payload().asUtf8String()).contains("config missing", "Runtime.ConfigError");
        assertThat(tail(r)).contains("cannot load config");
    }

    @Test
    void aHandlerThatRunsPastTheTimeoutIsStoppedAndReported() throws Exception {
        String handler = """
                function handler () {
                  sleep 30
                  echo done
                }
                """;
        String image = images.push("fns", "slow", List.of(
                TestImages.File.from("var/runtime/bootstrap", TestImages.SEED.resolve("bootstrap")),
                TestImages.File.of("var/task/function.sh", handler)), List.of("function.handler"));
        create("slow", image, 1);
        long t0 = System.nanoTime();
        InvokeResponse r = invoke("slow", "{}");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(r.payload().asUtf8String()).contains("Sandbox.Timedout", "Task timed out after 1.00 seconds");
        assertThat(tail(r)).contains("Task timed out after 1.00 seconds");
        assertThat(ms).isLessThan(10_000);
    }

    @Test
    void concurrentInvocationsGetAnEnvironmentEach() throws Exception {
        String handler = """
                function handler () {
                  sleep 1
                  echo "ok $1"
                }
                """;
        String image = images.push("fns", "busy", List.of(
                TestImages.File.from("var/runtime/bootstrap", TestImages.SEED.resolve("bootstrap")),
                TestImages.File.of("var/task/function.sh", handler)), List.of("function.handler"));
        create("busy", image, 10);
        int before = aws.lambda().environmentsStarted();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<InvokeResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                calls.add(pool.submit(() -> invoke("busy", "{\"n\":" + n + "}")));
            }
            for (int i = 0; i < 4; i++) {
                InvokeResponse r = calls.get(i).get();
                assertThat(r.functionError()).isNull();
                assertThat(r.payload().asUtf8String()).isEqualTo("ok {\"n\":" + i + "}");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(aws.lambda().environmentsStarted() - before).isEqualTo(4);
    }

    @Test
    void imagesOfAnotherAccountOrMissingTagsAreRefused() throws Exception {
        LocalAccount other = aws.createAccount();
        try (AwsContext otherCtx = aws.context(other, LocalAws.DEFAULT_REGION)) {
            EcrClient otherEcr = otherCtx.client(EcrClient.class, EcrClient::builder);
            otherEcr.createRepository(r -> r.repositoryName("theirs"));
            String theirs = TestImages.using(aws, otherEcr).push("theirs", "v1", TestImages.seed(), List.of("function.handler"));
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("stolen").packageType(PackageType.IMAGE)
                    .role(ROLE).code(c -> c.imageUri(theirs))))
                    .isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("Lambda does not have permission to access the ECR image");
        }
        String host = aws.lambda().registryHost(aws.defaultAccount(), LocalAws.DEFAULT_REGION);
        assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("missing").packageType(PackageType.IMAGE)
                .role(ROLE).code(c -> c.imageUri(host + "/fns:nope"))))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("does not exist. Provide a valid source image.");
    }

    @Test
    void anUpdateKeepsRunningTheOldCodeUntilItSucceeds() throws Exception {
        String v1 = images.push("fns", "upd-1", TestImages.seed(), List.of("function.handler"));
        create("upd", v1, 3);
        aws.lambda().transitionTime(java.time.Duration.ofSeconds(2));
        try {
            String handler2 = "function handler () {\n  echo \"v2 $1\"\n}\n";
            String v2 = images.push("fns", "upd-2", List.of(
                    TestImages.File.from("var/runtime/bootstrap", TestImages.SEED.resolve("bootstrap")),
                    TestImages.File.of("var/task/function.sh", handler2)), List.of("function.handler"));
            var u = lambda.updateFunctionCode(r -> r.functionName("upd").imageUri(v2)
                    .architectures(Architecture.X86_64));
            assertThat(u.lastUpdateStatusAsString()).isEqualTo("InProgress");
            assertThat(invoke("upd", "{}").payload().asUtf8String()).startsWith("Echoing request");
            assertThatThrownBy(() -> lambda.publishVersion(r -> r.functionName("upd")))
                    .isInstanceOf(ResourceConflictException.class).hasMessageContaining("An update is in progress");
            lambda.waiter().waitUntilFunctionUpdatedV2(r -> r.functionName("upd"));
            assertThat(invoke("upd", "{}").payload().asUtf8String()).isEqualTo("v2 {}");
        } finally {
            aws.lambda().transitionTime(java.time.Duration.ofMillis(50));
        }
    }
}
