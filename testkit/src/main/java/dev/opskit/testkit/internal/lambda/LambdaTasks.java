package dev.opskit.testkit.internal.lambda;

import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * Lets SSM maintenance windows of a LocalAws invoke its Lambda functions (LAMBDA tasks) without
 * SSM depending on how LocalAws wires its services: LocalAws attaches its Lambda service to its
 * SSM service, and a task looks it up by the SSM service it runs in.
 */
public final class LambdaTasks {
    private static final Map<Object, LambdaService> BY_SSM = new WeakHashMap<>();

    private LambdaTasks() {
    }

    /** Makes {@code lambda} the Lambda of the LocalAws that {@code ssm} belongs to. */
    public static synchronized void attach(Object ssm, LambdaService lambda) {
        BY_SSM.put(ssm, lambda);
    }

    /** The Lambda service of the LocalAws an SSM service belongs to. */
    public static synchronized Optional<LambdaService> of(Object ssm) {
        return Optional.ofNullable(BY_SSM.get(ssm));
    }
}
