package dev.opskit.lambda.event;

import dev.opskit.core.event.OpsEvent;

/**
 * The typed events of the Lambda runbooks: an ECR repository made or changed, image layers
 * uploading, an image pushed, a function created or updated, a version published, an alias moved
 * and the smoke test's invocation. Subscribe to one type or to this whole family.
 *
 * <pre>{@code
 * ContainerFunctions.deploy("orders-fn", ctx)
 *         .listener(ImagePushProgress.class, e -> System.out.printf("%.0f%%%n", e.fraction() * 100))
 *         .listener(LambdaEvent.class, e -> System.out.println(e.message()))
 *         ...
 * }</pre>
 */
public sealed interface LambdaEvent extends OpsEvent
        permits RepositoryChanged, ImagePushProgress, ImagePushed, FunctionChanged, VersionPublished, AliasMoved,
        SmokeTested {
}
