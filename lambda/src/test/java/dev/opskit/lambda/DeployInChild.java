package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A deploy run in a JVM of its own, so that a test can kill it at any moment: arguments endpoint,
 * region, account, function name, image URI; the key pair comes in the environment
 * ({@code TEST_ACCESS_KEY_ID}, {@code TEST_SECRET_ACCESS_KEY}), never on the command line.
 */
public final class DeployInChild {
    private DeployInChild() {
    }

    public static void main(String[] args) {
        try (AwsContext ctx = AwsContext.builder().endpointOverride(URI.create(args[0])).region(args[1]).account(args[2])
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        System.getenv("TEST_ACCESS_KEY_ID"), System.getenv("TEST_SECRET_ACCESS_KEY"))))
                .build()) {
            Deployment d = ContainerFunctions.deploy(args[3], ctx).image(args[4]).role(Seed.ROLE).memory(256).run();
            System.out.println("deployed version " + d.version());
        }
    }
}
