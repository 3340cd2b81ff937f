package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Plan;
import dev.opskit.core.Runbook;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.lambda.internal.Listeners;
import dev.opskit.lambda.internal.push.ImageSpec;
import dev.opskit.lambda.internal.push.PushImageStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The runbook that builds a {@link ContainerImage} and pushes it to ECR: one step,
 * {@code build and push}, which gets a registry password from {@code GetAuthorizationToken},
 * builds the layers, uploads those the repository lacks (publishing
 * {@link dev.opskit.lambda.event.ImagePushProgress} events) and writes the manifest under the tag.
 *
 * <pre>{@code
 * PushedImage pushed = image.pushTo(repo, "v1", ctx)
 *         .listener(ImagePushProgress.class, p -> System.out.println(p.message()))
 *         .run();
 * System.out.println(pushed.uri());   // 1234.dkr.ecr.eu-west-1.amazonaws.com/orders-fn@sha256:...
 * }</pre>
 */
public final class ImagePush {
    /** Jib's layer cache, shared by every push of this user. */
    public static final Path DEFAULT_CACHE = Path.of(System.getProperty("user.home"), ".cache", "opskit", "jib");

    private final ContainerImage image;
    private final EcrRepository repository;
    private final String tag;
    private final AwsContext ctx;
    private final Listeners listeners = new Listeners();
    private Duration deadline = Duration.ofMinutes(30);
    private Path cache = DEFAULT_CACHE;

    ImagePush(ContainerImage image, EcrRepository repository, String tag, AwsContext ctx) {
        this.image = image;
        this.repository = repository;
        this.tag = tag;
        this.ctx = ctx;
    }

    /**
     * @param deadline how long the push may take, retries included (default 30 minutes)
     * @return this push
     */
    public ImagePush deadline(Duration deadline) {
        if (deadline == null || deadline.isZero() || deadline.isNegative()) {
            throw new InvalidInputException("deadline", String.valueOf(deadline), "give a positive duration");
        }
        this.deadline = deadline;
        return this;
    }

    /**
     * @param dir where Jib caches base and application layers (default {@link #DEFAULT_CACHE})
     * @return this push
     */
    public ImagePush cache(Path dir) {
        this.cache = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /**
     * @param listener receives every event
     * @return this push
     */
    public ImagePush listener(EventListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * @param type the event type
     * @param listener receives events of that type
     * @param <E> the event type
     * @return this push
     */
    public <E extends OpsEvent> ImagePush listener(Class<E> type, Consumer<? super E> listener) {
        listeners.add(type, listener);
        return this;
    }

    /**
     * @param bus also receives every event
     * @return this push
     */
    public ImagePush events(EventBus bus) {
        listeners.forwardTo(bus);
        return this;
    }

    /** @return what {@link #run()} would do; changes nothing */
    public Plan plan() {
        return runbook().plan();
    }

    /**
     * Builds and pushes the image.
     *
     * @return the image by digest
     * @throws dev.opskit.core.OpsException the step's own exception, e.g. a
     *     {@link dev.opskit.core.ConflictException} when an immutable tag holds another image
     */
    public PushedImage run() {
        AtomicReference<String> digest = new AtomicReference<>();
        runbook(digest::set).run();
        return new PushedImage(repository.uri(), tag, digest.get(), image.architecture);
    }

    private Runbook runbook() {
        return runbook(d -> { });
    }

    private Runbook runbook(Consumer<String> pushed) {
        ImageSpec spec = new ImageSpec(image.base, image.files.stream()
                .map(f -> (Map.Entry<Path, String>) new AbstractMap.SimpleImmutableEntry<>(f.source(), f.target())).toList(),
                image.entrypoint, image.cmd, image.env, image.workdir, image.architecture.platform(), image.mirrors);
        return Runbook.named("push image " + repository.name() + ":" + tag).resource(repository.uri() + ":" + tag)
                .events(listeners.bus()).stepDeadline(deadline)
                .step(new PushImageStep(spec, repository.name(), repository.uri(), tag, ctx, cache, pushed))
                .build();
    }

    @Override
    public String toString() {
        return "ImagePush[" + image + " -> " + repository.uri() + ":" + tag + "]";
    }
}
