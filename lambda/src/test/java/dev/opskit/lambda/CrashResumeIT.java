package dev.opskit.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/**
 * A deploy killed (SIGKILL of its JVM) at a random moment, then run again, converges: one
 * function, one version, the alias on it, the smoke test passing; wherever the kill landed.
 */
class CrashResumeIT {
    @TempDir
    static Path dataDir;
    @TempDir
    static Path cache;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().configure(b -> b.dataDir(dataDir)).perClass();

    @Test
    void aKilledDeployResumesWhereverItStopped() throws Exception {
        LocalAws aws = AWS.aws();
        assumeTrue(aws.lambda().sandboxAvailable(), "bubblewrap cannot isolate functions here");
        aws.lambda().transitionTime(Duration.ofMillis(400));
        PushedImage img = Seed.push(Seed.image(aws), "crash-fn", "v1", AWS.context(), cache);
        LambdaClient lambda = AWS.client(LambdaClient.class, LambdaClient::builder);
        Random random = new Random(2026);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String name = "crash-" + i;
            long killAfter = 300 + random.nextInt(2500);
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    DeployInChild.class.getName(), aws.endpoint().toString(), LocalAws.DEFAULT_REGION,
                    LocalAws.DEFAULT_ACCOUNT_ID, name, img.uri())
                    .redirectErrorStream(true).redirectOutput(dataDir.resolve(name + ".log").toFile());
            pb.environment().put("TEST_ACCESS_KEY_ID", aws.defaultAccount().accessKeyId());
            pb.environment().put("TEST_SECRET_ACCESS_KEY", aws.defaultAccount().secretAccessKey().reveal());
            Process child = pb.start();
            boolean finished = child.waitFor(killAfter, TimeUnit.MILLISECONDS);
            if (!finished) {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
            outcomes.add(name + (finished ? " finished" : " killed after " + killAfter + " ms"));

            Deployment d = ContainerFunctions.deploy(name, AWS.context()).image(img).role(Seed.ROLE).memory(256).run();
            assertThat(d.version()).as(outcomes.toString()).isEqualTo("1");
            assertThat(d.smokeTest().response()).isEqualTo("Echoing request: '{}'");
            assertThat(lambda.listVersionsByFunction(r -> r.functionName(name)).versions())
                    .extracting(FunctionConfiguration::version).as(outcomes.toString()).containsExactly("$LATEST", "1");
            assertThat(lambda.getAlias(r -> r.functionName(name).name("live")).functionVersion()).isEqualTo("1");
            assertThat(lambda.getFunction(r -> r.functionName(name)).configuration().memorySize()).isEqualTo(256);
        }
        assertThat(outcomes).anyMatch(o -> o.contains("killed"));
    }
}
