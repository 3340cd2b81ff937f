package dev.opskit.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opskit.core.AwsContext;
import dev.opskit.core.OpsException;
import dev.opskit.core.event.Retrying;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/**
 * The whole runbook under a seeded fault campaign on ECR and Lambda: it still ends with the right
 * function, one version and the alias on it; under throttling that never stops it gives up at its
 * deadline, naming the throttled operation.
 */
class DeployFaultCampaignIT {
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
        assumeTrue(aws.lambda().sandboxAvailable(), "bubblewrap cannot isolate functions here");
        aws.lambda().transitionTime(Duration.ofMillis(100));
        ctx = AWS.context();
    }


    @Test
    void throttlingServerErrorsAndDroppedConnectionsDoNotChangeTheResult() {
        List<Retrying> retries = new CopyOnWriteArrayList<>();
        Deployment d;
        try (var throttle = aws.faults().fraction(0.30, 7).throttle("*", "*");
             var errors = aws.faults().fraction(0.05, 11).serverError("*", "*", 503);
             var drops = aws.faults().fraction(0.02, 13).dropConnection("*", "*")) {
            PushedImage img = Seed.push(Seed.image(aws), "campaign-fn", "v1", ctx, cache);
            d = ContainerFunctions.deploy("campaign-fn", ctx).image(img).role(Seed.ROLE).memory(192)
                    .env("MODE", "campaign").smokeTest("{\"n\":42}").listener(Retrying.class, retries::add).run();
            assertThat(throttle.triggered()).isPositive();
            assertThat(errors.triggered() + drops.triggered()).isPositive();
        }
        assertThat(retries).isNotEmpty();
        assertThat(d.version()).isEqualTo("1");
        assertThat(d.smokeTest().response()).isEqualTo("Echoing request: '{\"n\":42}'");
        LambdaClient lambda = ctx.client(LambdaClient.class, LambdaClient::builder);
        FunctionConfiguration c = lambda.getFunction(r -> r.functionName("campaign-fn")).configuration();
        assertThat(c.memorySize()).isEqualTo(192);
        assertThat(c.environment().variables()).containsEntry("MODE", "campaign");
        assertThat(lambda.listVersionsByFunction(r -> r.functionName("campaign-fn")).versions())
                .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1");
        assertThat(lambda.getAlias(r -> r.functionName("campaign-fn").name("live")).functionVersion()).isEqualTo("1");
        assertThat(lambda.listFunctions().functions()).extracting(FunctionConfiguration::functionName)
                .containsOnlyOnce("campaign-fn");
    }

    @Test
    void throttlingThatNeverEndsFailsAtTheDeadlineNamingTheOperation() {
        PushedImage img = Seed.push(Seed.image(aws), "throttled-fn", "v1", ctx, cache);
        long t0 = System.nanoTime();
        try (var always = aws.faults().always().throttle("lambda", "*")) {
            assertThatThrownBy(() -> ContainerFunctions.deploy("throttled-fn", ctx).image(img).role(Seed.ROLE)
                    .deadline(Duration.ofSeconds(4)).run())
                    .isInstanceOfSatisfying(OpsException.class, e -> {
                        assertThat(e.step()).contains("create function");
                        assertThat(e.getMessage()).contains("Lambda GetFunction failed after").contains("deadline")
                                .contains("TooManyRequestsException");
                    });
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertThat(seconds).isBetween(3L, 30L);
    }
}
