package dev.opskit.testkit;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.internal.ecr.EcrService;
import dev.opskit.testkit.internal.lambda.LambdaService;
import java.time.Duration;
import java.util.Objects;

/**
 * Test hooks into the ECR and Lambda emulation of a {@link LocalAws}: the stand-in of the public
 * gallery that serves the {@code lambda/provided} base images, each function's log, how long
 * creates and updates stay in progress, and a way to make one fail.
 *
 * <pre>{@code
 * String gallery = aws.lambda().publicGallery();      // 127.0.0.1:port, serves lambda/provided:al2023
 * aws.lambda().failNextUpdate(aws.defaultAccount(), LocalAws.DEFAULT_REGION, "orders-fn",
 *         "InvalidImage", "The image cannot be started.");
 * System.out.println(aws.lambda().logs(aws.defaultAccount(), LocalAws.DEFAULT_REGION, "orders-fn"));
 * }</pre>
 *
 * <p>Functions run in a bubblewrap sandbox ({@code apt-get install bubblewrap}); see
 * {@link #sandboxAvailable()}.
 */
public final class LocalLambda {
    private final LambdaService lambda;
    private final EcrService ecr;

    LocalLambda(LambdaService lambda, EcrService ecr) {
        this.lambda = lambda;
        this.ecr = ecr;
    }

    /**
     * The stand-in of {@code public.ecr.aws}: an HTTPS registry on a loopback port that serves
     * {@code lambda/provided:al2023} (also {@code :al2} and {@code :latest}) to anonymous pulls. Its
     * one layer holds this machine's bash (also as {@code /bin/sh}), curl, coreutils, grep, sed and
     * awk with their libraries, since no public image can be pulled here. Made on first call
     * (about half a second).
     *
     * @return {@code 127.0.0.1:port}, to map {@code public.ecr.aws} to (a registry mirror)
     */
    public String publicGallery() {
        return lambda.publicGallery();
    }

    /**
     * The registry host of an account and region: the host part of its repositories' URIs.
     *
     * @param account an account of this LocalAws
     * @param region a region id
     * @return {@code 127.0.0.1:port}
     */
    public String registryHost(LocalAccount account, String region) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        return ecr.registry(account.id(), region).host();
    }

    /**
     * How long a create stays {@code Pending} and an update {@code InProgress} at least (unpacking
     * the image may take longer). Default 300 ms.
     *
     * @param time from 0 to 10 minutes
     * @throws InvalidInputException if out of range
     */
    public void transitionTime(Duration time) {
        if (time == null || time.isNegative() || time.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new InvalidInputException("time", String.valueOf(time), "give 0 to 10 minutes");
        }
        lambda.transitionTime(time);
    }

    /**
     * Makes the next create or update of a function end {@code Failed}: a create leaves
     * {@code State=Failed}, an update {@code LastUpdateStatus=Failed}, with this reason code and
     * reason (the function keeps running its previous code after a failed update).
     *
     * @param account the account owning the function
     * @param region its region
     * @param functionName its name; it need not exist yet
     * @param reasonCode a Lambda reason code such as {@code InvalidImage} or {@code InsufficientRolePermissions}
     * @param reason the reason text
     */
    public void failNextUpdate(LocalAccount account, String region, String functionName, String reasonCode,
            String reason) {
        Objects.requireNonNull(account, "account");
        lambda.failNextUpdate(account.id(), Objects.requireNonNull(region, "region"),
                Objects.requireNonNull(functionName, "functionName"), Objects.requireNonNull(reasonCode, "reasonCode"),
                Objects.requireNonNull(reason, "reason"));
    }

    /**
     * What a function logged (its stdout and stderr), with Lambda's START, END and REPORT lines,
     * as CloudWatch Logs would show it; the last megabyte.
     *
     * @param account the account owning the function
     * @param region its region
     * @param functionName its name
     * @return the log text, empty if none
     */
    public String logs(LocalAccount account, String region, String functionName) {
        Objects.requireNonNull(account, "account");
        return lambda.logs(account.id(), region, functionName);
    }

    /** @return how many execution environments have been started (a warm invocation starts none) */
    public int environmentsStarted() {
        return lambda.environmentsStarted();
    }

    boolean awaitIdle(Duration timeout) {
        return lambda.awaitIdle(timeout);
    }

    /** @return whether bubblewrap is installed and can isolate functions on this machine */
    public boolean sandboxAvailable() {
        return lambda.sandboxAvailable();
    }
}
