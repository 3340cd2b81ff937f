package dev.opskit.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.OpsException;
import dev.opskit.core.Plan;
import dev.opskit.core.PlannedStep;
import dev.opskit.core.StepResult;
import dev.opskit.core.WaitFailedException;
import dev.opskit.lambda.event.AliasMoved;
import dev.opskit.lambda.event.VersionPublished;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalAwsExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/** Deploys from images on LocalAws: create, update, re-runs, failures and bad input. */
class ContainerFunctionsIT {
    @TempDir
    static Path dataDir;

    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.builder().configure(b -> b.dataDir(dataDir)).perClass();
    @TempDir
    static Path cache;
    @TempDir
    static Path work;

    static LocalAws aws;
    static AwsContext ctx;
    static LambdaClient lambda;

    @BeforeAll
    static void start() {
        aws = AWS.aws();
        assumeTrue(aws.lambda().sandboxAvailable(), "bubblewrap cannot isolate functions here");
        aws.lambda().transitionTime(Duration.ofMillis(100));
        ctx = AWS.context();
        lambda = ctx.client(LambdaClient.class, LambdaClient::builder);
    }


    private static List<String> versions(String fn) {
        return lambda.listVersionsByFunction(r -> r.functionName(fn)).versions().stream()
                .map(FunctionConfiguration::version).filter(v -> !v.equals("$LATEST")).toList();
    }

    @Test
    void createsThenUpdatesWithANewVersionAndMovesTheAlias() {
        PushedImage v1 = Seed.push(Seed.image(aws), "orders-fn", "v1", ctx, cache);
        Deployment first = ContainerFunctions.deploy("orders-fn", ctx).image(v1).role(Seed.ROLE).memory(256)
                .timeout(Duration.ofSeconds(5)).env("TABLE", "orders").smokeTest("{\"order\":1}").run();
        assertThat(first.version()).isEqualTo("1");
        assertThat(first.imageUri()).isEqualTo(v1.uri());
        assertThat(first.smokeTest().response()).isEqualTo("Echoing request: '{\"order\":1}'");
        assertThat(first.smokeTest().logTail()).contains("START RequestId", "{\"order\":1}", "REPORT RequestId");
        FunctionConfiguration c = lambda.getFunction(r -> r.functionName("orders-fn")).configuration();
        assertThat(c.memorySize()).isEqualTo(256);
        assertThat(c.timeout()).isEqualTo(5);
        assertThat(c.environment().variables()).containsEntry("TABLE", "orders");
        assertThat(lambda.getAlias(r -> r.functionName("orders-fn").name("live")).functionVersion()).isEqualTo("1");

        List<VersionPublished> published = new ArrayList<>();
        Deployment again = ContainerFunctions.deploy("orders-fn", ctx).image(v1).role(Seed.ROLE).memory(256)
                .timeout(Duration.ofSeconds(5)).env("TABLE", "orders").listener(VersionPublished.class, published::add)
                .smokeTest("{\"order\":1}").run();
        assertThat(again.version()).isEqualTo("1");
        assertThat(published).as("same digest: no new version").isEmpty();
        assertThat(again.outcome().steps()).filteredOn(r -> r.status() == StepResult.Status.ACTED)
                .extracting(StepResult::step).containsExactly("smoke test");

        PushedImage v2 = Seed.push(Seed.withHandler(aws, work, "function handler () {\n  echo \"v2: $1\"\n}\n"),
                "orders-fn", "v2", ctx, cache);
        assertThat(v2.digest()).isNotEqualTo(v1.digest());
        List<AliasMoved> moved = new ArrayList<>();
        Deployment second = ContainerFunctions.deploy("orders-fn", ctx).image(v2).role(Seed.ROLE).memory(256)
                .timeout(Duration.ofSeconds(5)).env("TABLE", "orders").listener(AliasMoved.class, moved::add).run();
        assertThat(second.version()).isEqualTo("2");
        assertThat(second.smokeTest().response()).isEqualTo("v2: {}");
        assertThat(second.smokeTest().executedVersion()).isEqualTo("2");
        assertThat(moved).singleElement().satisfies(m -> {
            assertThat(m.fromVersion()).isEqualTo("1");
            assertThat(m.toVersion()).isEqualTo("2");
        });
        assertThat(versions("orders-fn")).containsExactly("1", "2");
    }

    @Test
    void planSaysWhatWouldBeDoneAndChangesNothing() {
        PushedImage v1 = Seed.push(Seed.image(aws), "plan-fn", "v1", ctx, cache);
        Plan plan = ContainerFunctions.deploy("plan-fn", ctx).image(v1).role(Seed.ROLE).plan();
        assertThat(plan.steps()).extracting(PlannedStep::name).containsExactly("check image", "create function",
                "update code", "update configuration", "publish version", "move alias", "smoke test");
        assertThat(plan.steps().get(1).kind()).isEqualTo(PlannedStep.Kind.CHANGE);
        assertThat(plan.toString()).contains("create plan-fn");
        assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("plan-fn")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aFailingHandlerFailsTheSmokeTestWithTheErrorAndTheLog() {
        PushedImage img = Seed.push(Seed.failing(aws, work), "failing-fn", "v1", ctx, cache);
        assertThatThrownBy(() -> ContainerFunctions.deploy("failing-fn", ctx).image(img).role(Seed.ROLE).run())
                .isInstanceOfSatisfying(SmokeTestException.class, e -> {
                    assertThat(e.functionError()).isEqualTo("Unhandled");
                    assertThat(e.payload()).contains("OrderNotFound", "no such order");
                    assertThat(e.logTail()).contains("order lookup failed");
                    assertThat(e.step()).contains("smoke test");
                });
    }

    @Test
    void theSeedsLayoutIsRefusedBeforeAnythingIsCreated() {
        ContainerImage seedLayout = Seed.provided(aws).file(Seed.DIR.resolve("bootstrap"), "/var/runtime/bootstrap")
                .file(Seed.DIR.resolve("function.sh"), "/var/runtime/function.sh").cmd("function.handler");
        PushedImage img = Seed.push(seedLayout, "layout-fn", "v1", ctx, cache);
        int creates = aws.faults().calls("lambda", "CreateFunction");
        assertThatThrownBy(() -> ContainerFunctions.deploy("layout-fn", ctx).image(img).role(Seed.ROLE).run())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("$LAMBDA_TASK_ROOT")
                .hasMessageContaining("var/runtime/function.sh")
                .hasMessageContaining("Runtime.ExitError");
        assertThat(aws.faults().calls("lambda", "CreateFunction")).isEqualTo(creates);
    }

    @Test
    void anImageOfAnotherAccountOrRegionIsRefusedBeforeAnythingIsCreated() {
        LocalAccount other = aws.createAccount();
        try (AwsContext theirs = aws.context(other, LocalAws.DEFAULT_REGION)) {
            PushedImage img = Seed.push(Seed.image(aws), "theirs-fn", "v1", theirs, cache);
            int creates = aws.faults().calls("lambda", "CreateFunction");
            assertThatThrownBy(() -> ContainerFunctions.deploy("theirs-fn", ctx).image(img).role(Seed.ROLE).run())
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("not in the registry of the function's account and region");
            assertThat(aws.faults().calls("lambda", "CreateFunction")).isEqualTo(creates);
        }
        assertThatThrownBy(() -> ContainerFunctions.deploy("x", ctx)
                .image("222222222222.dkr.ecr.us-east-1.amazonaws.com/x:v1").role(Seed.ROLE).plan())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("account 222222222222");
        assertThatThrownBy(() -> ContainerFunctions.deploy("x", ctx)
                .image(LocalAws.DEFAULT_ACCOUNT_ID + ".dkr.ecr.eu-west-1.amazonaws.com/x:v1").role(Seed.ROLE).plan())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("region eu-west-1");
    }

    @Test
    void aFailedUpdateFailsFastWithItsReasonCode() {
        PushedImage img = Seed.push(Seed.image(aws), "broken-fn", "v1", ctx, cache);
        aws.lambda().failNextUpdate(aws.defaultAccount(), LocalAws.DEFAULT_REGION, "broken-fn", "InvalidImage",
                "The image cannot be started.");
        assertThatThrownBy(() -> ContainerFunctions.deploy("broken-fn", ctx).image(img).role(Seed.ROLE).run())
                .isInstanceOfSatisfying(WaitFailedException.class, e -> {
                    assertThat(e.getMessage()).contains("InvalidImage", "The image cannot be started.");
                    assertThat(e.step()).contains("create function");
                });
        Deployment fixed = ContainerFunctions.deploy("broken-fn", ctx).image(img).role(Seed.ROLE).run();
        assertThat(fixed.version()).isEqualTo("1");
    }

    @Test
    void aRunThatStoppedHalfwayIsResumedByRunningAgain() {
        PushedImage img = Seed.push(Seed.image(aws), "resumed-fn", "v1", ctx, cache);
        try (var throttled = aws.faults().always().throttle("lambda", "PublishVersion")) {
            assertThatThrownBy(() -> ContainerFunctions.deploy("resumed-fn", ctx).image(img).role(Seed.ROLE)
                    .deadline(Duration.ofSeconds(3)).run())
                    .isInstanceOfSatisfying(OpsException.class, e -> {
                        assertThat(e.step()).contains("publish version");
                        assertThat(e.getMessage()).contains("PublishVersion");
                    });
        }
        assertThat(versions("resumed-fn")).isEmpty();
        Deployment d = ContainerFunctions.deploy("resumed-fn", ctx).image(img).role(Seed.ROLE).run();
        assertThat(d.version()).isEqualTo("1");
        assertThat(d.outcome().steps()).filteredOn(r -> r.status() == StepResult.Status.ACTED)
                .extracting(StepResult::step).containsExactly("publish version", "move alias", "smoke test");
        assertThat(versions("resumed-fn")).containsExactly("1");
    }
}
