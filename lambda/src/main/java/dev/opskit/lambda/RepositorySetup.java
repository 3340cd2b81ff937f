package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Plan;
import dev.opskit.core.Runbook;
import dev.opskit.core.WrongStateException;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.lambda.internal.Listeners;
import dev.opskit.lambda.internal.repository.RepositoryRun;
import dev.opskit.lambda.internal.repository.RepositorySteps;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Repository;

/**
 * The wanted state of one ECR repository; {@link #apply()} makes it so, {@link #plan()} says
 * what that would change. Steps: {@code repository} (create), {@code scan on push},
 * {@code tag mutability}, {@code lifecycle policy}; each looks before it acts.
 */
public final class RepositorySetup {
    private final String name;
    private final AwsContext ctx;
    private final Listeners listeners = new Listeners();
    private boolean scanOnPush = true;
    private boolean immutableTags;
    private LifecyclePolicy lifecyclePolicy;
    private Duration deadline = Duration.ofMinutes(10);

    RepositorySetup(String name, AwsContext ctx) {
        this.name = name;
        this.ctx = ctx;
    }

    /**
     * @param scan whether ECR scans each pushed image (default true)
     * @return this setup
     */
    public RepositorySetup scanOnPush(boolean scan) {
        this.scanOnPush = scan;
        return this;
    }

    /**
     * @param immutable whether a pushed tag can never be moved to another image (default false)
     * @return this setup
     */
    public RepositorySetup immutableTags(boolean immutable) {
        this.immutableTags = immutable;
        return this;
    }

    /**
     * @param policy the lifecycle policy to put; without one the repository's stays as it is
     * @return this setup
     */
    public RepositorySetup lifecyclePolicy(LifecyclePolicy policy) {
        this.lifecyclePolicy = java.util.Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * @param deadline how long each step may take, retries included (default 10 minutes)
     * @return this setup
     * @throws InvalidInputException if not positive
     */
    public RepositorySetup deadline(Duration deadline) {
        if (deadline == null || deadline.isZero() || deadline.isNegative()) {
            throw new InvalidInputException("deadline", String.valueOf(deadline), "give a positive duration");
        }
        this.deadline = deadline;
        return this;
    }

    /**
     * @param listener receives every event
     * @return this setup
     */
    public RepositorySetup listener(EventListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * @param type the event type, e.g. {@code RepositoryChanged.class}
     * @param listener receives events of that type
     * @param <E> the event type
     * @return this setup
     */
    public <E extends OpsEvent> RepositorySetup listener(Class<E> type, Consumer<? super E> listener) {
        listeners.add(type, listener);
        return this;
    }

    /**
     * @param bus also receives every event
     * @return this setup
     */
    public RepositorySetup events(EventBus bus) {
        listeners.forwardTo(bus);
        return this;
    }

    /**
     * What {@link #apply()} would do; changes nothing.
     *
     * @return the plan
     */
    public Plan plan() {
        return runbook().plan();
    }

    /**
     * Creates the repository or brings its settings to the wanted ones.
     *
     * @return the repository as it is now
     * @throws dev.opskit.core.OpsException the failing step's own exception
     */
    public EcrRepository apply() {
        RepositoryRun run = run();
        runbook(run).run();
        Repository r = run.describe().orElseThrow(() -> new WrongStateException(name, "deleted",
                "repository " + name + " was deleted right after it was set up; run again"));
        return new EcrRepository(r.repositoryName(), r.repositoryUri(), r.repositoryArn(), r.registryId(),
                r.imageScanningConfiguration() != null && Boolean.TRUE.equals(r.imageScanningConfiguration().scanOnPush()),
                "IMMUTABLE".equals(r.imageTagMutabilityAsString()));
    }

    private RepositoryRun run() {
        return new RepositoryRun(name, scanOnPush, immutableTags, lifecyclePolicy,
                ctx.client(EcrClient.class, EcrClient::builder));
    }

    private Runbook runbook() {
        return runbook(run());
    }

    private Runbook runbook(RepositoryRun run) {
        Runbook.Builder b = Runbook.named("ensure ECR repository " + name).resource(name)
                .events(listeners.bus()).stepDeadline(deadline);
        RepositorySteps.of(run).forEach(b::step);
        return b.build();
    }

    @Override
    public String toString() {
        return "RepositorySetup[" + name + ", scanOnPush=" + scanOnPush + ", immutableTags=" + immutableTags
                + (lifecyclePolicy == null ? "" : ", " + lifecyclePolicy) + "]";
    }
}
