package dev.opskit.core;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.RunbookFinished;
import dev.opskit.core.event.RunbookStarted;
import dev.opskit.core.event.StepFailed;
import dev.opskit.core.event.StepSkipped;
import dev.opskit.core.event.StepStarted;
import dev.opskit.core.event.StepSucceeded;
import dev.opskit.core.internal.Ids;
import dev.opskit.core.internal.RunScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An ordered list of named {@link Step}s that converges: each step observes the real state first
 * and acts only if needed, so running a runbook again after a failure or a Ctrl-C skips what is
 * done and resumes at the step that failed.
 *
 * <p>{@link #run()} gives every run a fresh id ({@code rb-} and 8 hex digits) carried by every
 * event it publishes: {@code RunbookStarted}, then per step {@code StepStarted} and one of
 * {@code StepSkipped} / {@code StepSucceeded} / {@code StepFailed}, then {@code RunbookFinished}.
 *
 * <p>{@link #plan()} is a dry run: it calls every step's {@code observe} and no {@code act}.
 * Once a step would act, later steps are still observed, but against today's state, before
 * that change; their entries are marked {@linkplain PlannedStep#provisional() provisional} with
 * the earlier steps they wait for, and if such a step cannot observe at all (say the clone it
 * inspects does not exist yet) its entry is {@code UNKNOWN} with the error, instead of failing
 * the plan. Steps may check {@link RunContext#pendingSteps()} to phrase what they would do.
 *
 * <p><b>Failures.</b> Each step has a deadline ({@link Builder#stepDeadline}, 1 hour by default):
 * AWS calls it makes retry throttling and transient errors until then ({@link CallRetries}), and a
 * step that still fails with a condition of its {@link Builder#retries retry policy}
 * ({@link RetryPolicy#stepDefaults()}: throttling, server errors, reset connections) observes
 * the real state again and acts only if still needed, publishing a {@code Retrying} event. A
 * failure that ends the run reaches the caller as the step's own {@link OpsException}, with
 * {@link OpsException#step()} and {@link OpsException#outcome()} set; any other exception
 * arrives wrapped in a {@link StepFailedException}. Either way the exception carries a
 * suppressed {@code OpsException} whose message says which step of which run failed, how many
 * steps had finished and that running again resumes.
 *
 * <pre>{@code
 * Runbook rb = Runbook.named("clone orders")
 *         .resource("orders")
 *         .step(enableBinlog)
 *         .step(createClone)
 *         .events(bus)
 *         .build();
 * System.out.println(rb.plan());
 * RunbookOutcome out = rb.run();
 * }</pre>
 */
public final class Runbook {
    private final String name;
    private final String resource;
    private final List<Step> steps;
    private final EventBus bus;
    private final Clock clock;
    private final Map<RunContext.Key<?>, Object> inputs;
    private final RetryPolicy retries;
    private final Duration stepDeadline;

    private Runbook(Builder b) {
        this.name = b.name;
        this.resource = b.resource;
        this.steps = List.copyOf(b.steps);
        this.bus = b.bus;
        this.clock = b.clock;
        this.inputs = Map.copyOf(b.inputs);
        this.retries = b.retries;
        this.stepDeadline = b.stepDeadline;
    }

    /**
     * Starts a runbook.
     *
     * @param name what it does, e.g. {@code "clone orders"}
     * @return a builder
     * @throws InvalidInputException if the name is blank
     */
    public static Builder named(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("name", name, "give the runbook a name, e.g. \"clone orders\"");
        }
        return new Builder(name);
    }

    /** @return the runbook's name */
    public String name() {
        return name;
    }

    /** @return the step names, in order */
    public List<String> stepNames() {
        return steps.stream().map(Step::name).toList();
    }

    /** @return the bus this runbook publishes to */
    public EventBus events() {
        return bus;
    }

    /**
     * Observes every step and reports what {@link #run()} would do, changing nothing (no
     * {@code act} is called). See the class description for steps after a pending change.
     *
     * @return the plan
     * @throws OpsException the step's own exception (or a {@link StepFailedException} around
     *         another one) if a step's observation fails while no earlier step would act (the run
     *         would fail there too)
     */
    public Plan plan() {
        RunContext ctx = new RunContext(Ids.runbookId(), name, resource, bus, clock, true, inputs);
        List<PlannedStep> planned = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (Step step : steps) {
            ctx.enter(step.name(), step.resource(), pending);
            Observation obs;
            RunScope scope = new RunScope(bus, ctx.runbookId(), step.name(), resourceOf(step),
                    clock.instant().plus(stepDeadline), clock);
            ctx.scope(scope);
            try {
                obs = Objects.requireNonNull(scope.call(() -> step.observe(ctx)), "observe returned null");
            } catch (RuntimeException e) {
                if (pending.isEmpty()) {
                    List<StepResult> results = new ArrayList<>();
                    for (PlannedStep p : planned) {
                        results.add(new StepResult(p.name(), StepResult.Status.SKIPPED, p.detail(), Duration.ZERO));
                    }
                    results.add(new StepResult(step.name(), StepResult.Status.FAILED, StepFailedException.describe(e),
                            Duration.ZERO));
                    addNotRun(results);
                    throw ended(step, new RunbookOutcome(ctx.runbookId(), name, results, Duration.ZERO), e);
                }
                planned.add(new PlannedStep(step.name(), PlannedStep.Kind.UNKNOWN, StepFailedException.describe(e),
                        "cannot be observed before " + String.join(", ", pending) + " ran: "
                                + StepFailedException.describe(e), pending));
                continue;
            }
            if (obs.needsAction()) {
                planned.add(new PlannedStep(step.name(), PlannedStep.Kind.CHANGE, obs.found(), obs.action(), pending));
                pending.add(step.name());
            } else {
                planned.add(new PlannedStep(step.name(), PlannedStep.Kind.NO_CHANGE, obs.found(), obs.found(), pending));
            }
        }
        return new Plan(name, planned);
    }

    /**
     * Runs every step in order: observe, then act only if needed.
     *
     * @return what each step did
     * @throws OpsException if a step fails: the step's own exception, or a
     *         {@link StepFailedException} around one that is not an {@code OpsException}; later
     *         steps are not run, and {@link OpsException#outcome()} holds the outcome so far
     */
    public RunbookOutcome run() {
        String id = Ids.runbookId();
        RunContext ctx = new RunContext(id, name, resource, bus, clock, false, inputs);
        Instant start = clock.instant();
        bus.publish(new RunbookStarted(start, id, null, resource,
                OpsEvent.attributes("runbook", name, "steps", steps.size())));
        List<StepResult> results = new ArrayList<>();
        for (Step step : steps) {
            String stepResource = resourceOf(step);
            ctx.enter(step.name(), step.resource(), List.of());
            Instant t0 = clock.instant();
            bus.publish(new StepStarted(t0, id, step.name(), stepResource, Map.of()));
            RunScope scope = new RunScope(bus, id, step.name(), stepResource, t0.plus(stepDeadline), clock);
            ctx.scope(scope);
            try {
                // A retried attempt observes again: the failed act may have been carried out.
                AtomicBoolean acting = new AtomicBoolean();
                Attempt done = scope.call(() -> retries.execute(bus, id, step.name(), stepResource, scope.deadline(),
                        () -> attempt(step, ctx, acting)));
                Instant t1 = clock.instant();
                Duration took = Duration.between(t0, t1);
                if (!done.acted() && acting.get()) {
                    // An earlier attempt's act failed, yet did what was needed.
                    done = new Attempt(done.obs(), true, done.obs().found());
                }
                if (!done.acted()) {
                    bus.publish(new StepSkipped(t1, id, step.name(), stepResource, done.obs().found(), Map.of()));
                    results.add(new StepResult(step.name(), StepResult.Status.SKIPPED, done.obs().found(), took));
                    continue;
                }
                bus.publish(new StepSucceeded(t1, id, step.name(), stepResource, took, done.text(),
                        OpsEvent.attributes("found", done.obs().found())));
                results.add(new StepResult(step.name(), StepResult.Status.ACTED, done.text(), took));
            } catch (RuntimeException e) {
                Instant t1 = clock.instant();
                Duration took = Duration.between(t0, t1);
                String error = StepFailedException.describe(e);
                bus.publish(new StepFailed(t1, id, step.name(), stepResource, took, error,
                        OpsEvent.attributes("exception", e.getClass().getName())));
                results.add(new StepResult(step.name(), StepResult.Status.FAILED, error, took));
                addNotRun(results);
                Duration total = Duration.between(start, t1);
                bus.publish(new RunbookFinished(t1, id, null, resource, false, total,
                        OpsEvent.attributes("runbook", name, "failedStep", step.name())));
                throw ended(step, new RunbookOutcome(id, name, results, total), e);
            }
        }
        Instant end = clock.instant();
        Duration total = Duration.between(start, end);
        bus.publish(new RunbookFinished(end, id, null, resource, true, total, OpsEvent.attributes("runbook", name)));
        return new RunbookOutcome(id, name, results, total);
    }

    private record Attempt(Observation obs, boolean acted, String text) {
    }

    private static Attempt attempt(Step step, RunContext ctx, AtomicBoolean acting) {
        Observation obs = Objects.requireNonNull(step.observe(ctx), "observe returned null");
        if (!obs.needsAction()) {
            return new Attempt(obs, false, null);
        }
        acting.set(true);
        String result = step.act(ctx, obs);
        return new Attempt(obs, true, result == null || result.isBlank() ? obs.action() : result);
    }

    /**
     * The exception a failed run throws: the step's own {@code OpsException} with the step and
     * outcome recorded, or a {@link StepFailedException} around anything else.
     */
    private OpsException ended(Step step, RunbookOutcome outcome, RuntimeException e) {
        if (e instanceof OpsException ops) {
            if (ops.endedRun(step.name(), outcome)) {
                ops.addSuppressed(new OpsException(StepFailedException.summary(step.name(), outcome, e)));
            }
            return ops;
        }
        return new StepFailedException(step.name(), resourceOf(step), outcome, e);
    }

    private void addNotRun(List<StepResult> results) {
        for (Step s : steps.subList(results.size(), steps.size())) {
            results.add(new StepResult(s.name(), StepResult.Status.NOT_RUN, "not run: an earlier step failed",
                    Duration.ZERO));
        }
    }

    private String resourceOf(Step step) {
        return step.resource() != null ? step.resource() : resource;
    }

    @Override
    public String toString() {
        return "Runbook[" + name + (resource == null ? "" : " on " + resource) + ", steps=" + stepNames() + "]";
    }

    /**
     * Builds a {@link Runbook}: its steps in order, where events go, the clock, and input facts.
     *
     * <pre>{@code
     * Runbook rb = Runbook.named("tidy").step("drop temp table", observe, act).build();
     * }</pre>
     */
    public static final class Builder {
        private final String name;
        private final List<Step> steps = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private final Map<RunContext.Key<?>, Object> inputs = new LinkedHashMap<>();
        private String resource;
        private EventBus bus = new EventBus();
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retries = RetryPolicy.stepDefaults();
        private Duration stepDeadline = Duration.ofHours(1);

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param resource the main resource, shown on events of steps that name none
         * @return this builder
         */
        public Builder resource(String resource) {
            this.resource = resource;
            return this;
        }

        /**
         * Appends a step.
         *
         * @param step the step; its name must be unique in this runbook
         * @return this builder
         * @throws InvalidInputException if the name is taken
         */
        public Builder step(Step step) {
            Objects.requireNonNull(step, "step");
            if (!names.add(step.name())) {
                throw new InvalidInputException("step", step.name(), "a step of that name is already in runbook '"
                        + name + "'; give each step a unique name");
            }
            steps.add(step);
            return this;
        }

        /**
         * Appends a step made of two functions, see {@link Step#of}.
         *
         * @param name the step's name
         * @param observe the observation, which must change nothing
         * @param act the action
         * @return this builder
         */
        public Builder step(String name, Function<RunContext, Observation> observe,
                BiFunction<RunContext, Observation, String> act) {
            return step(Step.of(name, observe, act));
        }

        /**
         * A fact every run starts with, e.g. the source cluster id.
         *
         * @param key the key
         * @param value the value
         * @param <T> the value type
         * @return this builder
         */
        public <T> Builder input(RunContext.Key<T> key, T value) {
            inputs.put(Objects.requireNonNull(key, "key"), key.type().cast(Objects.requireNonNull(value, "value")));
            return this;
        }

        /**
         * @param bus where events go (default: a new bus with no listeners)
         * @return this builder
         */
        public Builder events(EventBus bus) {
            this.bus = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * @param clock where event times and durations come from
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How a failing step is retried: a failure matching one of the policy's conditions is
         * followed by a fresh observation and the act only if still needed. Default
         * {@link RetryPolicy#stepDefaults()}.
         *
         * @param retries the policy
         * @return this builder
         */
        public Builder retries(RetryPolicy retries) {
            this.retries = Objects.requireNonNull(retries, "retries");
            return this;
        }

        /**
         * How long one step may take, its retries and its AWS calls' retries included.
         *
         * @param deadline more than zero; default 1 hour
         * @return this builder
         * @throws InvalidInputException if not positive
         */
        public Builder stepDeadline(Duration deadline) {
            if (deadline == null || deadline.isZero() || deadline.isNegative()) {
                throw new InvalidInputException("stepDeadline", String.valueOf(deadline),
                        "give how long one step may take, e.g. Duration.ofMinutes(30)");
            }
            this.stepDeadline = deadline;
            return this;
        }

        /**
         * @return the runbook
         * @throws InvalidInputException if it has no steps
         */
        public Runbook build() {
            if (steps.isEmpty()) {
                throw new InvalidInputException("steps", null, "runbook '" + name + "' has no steps; add one with step(...)");
            }
            return new Runbook(this);
        }
    }
}
