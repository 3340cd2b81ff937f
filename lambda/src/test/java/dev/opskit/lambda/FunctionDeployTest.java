package dev.opskit.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Bad input is refused before any call: the context points at a port where nothing listens. */
class FunctionDeployTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/fn";
    private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn:v1";
    static AwsContext ctx;

    @BeforeAll
    static void context() {
        ctx = AwsContext.builder().region("eu-west-1").account("123456789012")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .endpointOverride(URI.create("http://127.0.0.1:9")).maxAttempts(1).build();
    }

    @AfterAll
    static void close() {
        ctx.close();
    }

    private static FunctionDeploy deploy() {
        return ContainerFunctions.deploy("fn", ctx).image(IMAGE).role(ROLE);
    }

    @Test
    void memoryAndTimeoutOutOfRangeAreRefusedAtOnce() {
        assertThatThrownBy(() -> deploy().memory(64)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("128 to 10240");
        assertThatThrownBy(() -> deploy().memory(10241)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> deploy().timeout(Duration.ofSeconds(901))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("900 s");
        assertThatThrownBy(() -> deploy().timeout(Duration.ofMillis(1500))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> deploy().env("AWS_REGION", "x")).hasMessageContaining("reserves");
        assertThatThrownBy(() -> ContainerFunctions.deploy("no spaces", ctx)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aMissingOrForeignRoleIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> ContainerFunctions.deploy("fn", ctx).image(IMAGE).plan())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("execution role");
        assertThatThrownBy(() -> deploy().role("not-an-arn").plan()).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> deploy().role("arn:aws:iam::999999999999:role/fn").run())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("account 999999999999");
    }

    @Test
    void anImageOfAnotherAccountOrRegionOrWithoutTagIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> deploy().image("999999999999.dkr.ecr.eu-west-1.amazonaws.com/fn:v1").run())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("account 999999999999");
        assertThatThrownBy(() -> deploy().image("123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:v1").run())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("region us-east-1");
        assertThatThrownBy(() -> deploy().image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn").run())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tag");
        assertThatThrownBy(() -> ContainerFunctions.deploy("fn", ctx).role(ROLE).run())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("image");
    }

    @Test
    void anArchitectureOtherThanThePushedImagesIsRefused() {
        PushedImage arm = new PushedImage("123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn", "v1",
                "sha256:" + "c".repeat(64), Architecture.ARM64);
        assertThatThrownBy(() -> ContainerFunctions.deploy("fn", ctx).image(arm).role(ROLE)
                .architecture(Architecture.X86_64).plan())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("arm64");
    }

    @Test
    void lifecyclePoliciesNumberTheirRulesInOrder() {
        String json = LifecyclePolicy.expireUntaggedAfterDays(7).and(LifecyclePolicy.keepLast(20)).json();
        assertThat(json).contains("\"rulePriority\":1", "\"tagStatus\":\"untagged\"", "\"rulePriority\":2",
                "\"countNumber\":20");
        assertThatThrownBy(() -> LifecyclePolicy.keepLast(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> LifecyclePolicy.of("[]")).isInstanceOf(InvalidInputException.class);
    }
}
