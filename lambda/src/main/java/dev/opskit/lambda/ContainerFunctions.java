package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import java.util.Objects;

/**
 * Lambda functions from container images: create or update, wait until Lambda is done, publish a
 * version, move an alias, and invoke once to smoke-test. Safe to run again: a re-run with the same
 * image and configuration changes nothing and publishes no version.
 *
 * <pre>{@code
 * Deployment d = ContainerFunctions.deploy("orders-fn", ctx)
 *         .image(pushed)                                   // or "<registry>/orders-fn:v1"
 *         .role("arn:aws:iam::123456789012:role/orders-fn")
 *         .memory(512)
 *         .timeout(Duration.ofSeconds(30))
 *         .env("TABLE", "orders")
 *         .alias("live")
 *         .smokeTest("{\"ping\":true}")
 *         .run();
 * System.out.println(d.version() + " " + d.smokeTest().response());
 * }</pre>
 */
public final class ContainerFunctions {
    private ContainerFunctions() {
    }

    /**
     * Describes a deploy of one function.
     *
     * @param name 1 to 64 letters, digits, {@code -} and {@code _}
     * @param ctx the function's account and region
     * @return the deploy; call {@link FunctionDeploy#plan()} or {@link FunctionDeploy#run()}
     * @throws InvalidInputException if the name is not a valid function name
     */
    public static FunctionDeploy deploy(String name, AwsContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        if (name == null || !name.matches("[a-zA-Z0-9_-]{1,64}")) {
            throw new InvalidInputException("function name", name, "use 1 to 64 letters, digits, - and _");
        }
        return new FunctionDeploy(name, ctx);
    }
}
