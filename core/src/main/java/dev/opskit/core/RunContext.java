package dev.opskit.core;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.internal.RunScope;
import dev.opskit.core.event.Note;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Warning;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a {@link Step} sees while a runbook runs or plans: the run's id, the current step, the
 * event bus, the clock, whether this is a dry run, and a typed bag of facts shared between steps
 * (e.g. the binlog position read by one step and used by the next).
 *
 * <p>The bag lives for one run. Steps that produce facts should also put them when they only
 * observe (a skipped step on a re-run still finds the position), so that a re-run after a
 * failure has every fact the resumed step needs.
 *
 * <pre>{@code
 * static final RunContext.Key<String> POSITION = RunContext.Key.of("binlogPosition", String.class);
 * ...
 * ctx.put(POSITION, "mysql-bin.000002:154");        // in one step
 * String pos = ctx.require(POSITION);                // in a later one
 * ctx.note("read binlog position", "position", pos);
 * }</pre>
 */
public final class RunContext {

    /**
     * A typed key in the shared bag.
     *
     * @param name the fact's name, used in messages
     * @param type the value type
     * @param <T> the value type
     */
    public record Key<T>(String name, Class<T> type) {
        /** Checks both parts. */
        public Key {
            if (name == null || name.isBlank()) {
                throw new InvalidInputException("name", name, "give the key a name");
            }
            Objects.requireNonNull(type, "type");
        }

        /**
         * @param name the fact's name
         * @param type the value type
         * @param <T> the value type
         * @return the key
         */
        public static <T> Key<T> of(String name, Class<T> type) {
            return new Key<>(name, type);
        }
    }

    private final String runbookId;
    private final String runbookName;
    private final String resource;
    private final EventBus events;
    private final Clock clock;
    private final boolean dryRun;
    private final Map<Key<?>, Object> values = new ConcurrentHashMap<>();
    private volatile String step;
    private volatile String stepResource;
    private volatile List<String> pendingSteps = List.of();
    private volatile RunScope scope;

    RunContext(String runbookId, String runbookName, String resource, EventBus events, Clock clock, boolean dryRun,
            Map<Key<?>, Object> initial) {
        this.runbookId = runbookId;
        this.runbookName = runbookName;
        this.resource = resource;
        this.events = events;
        this.clock = clock;
        this.dryRun = dryRun;
        this.values.putAll(initial);
    }

    void scope(RunScope scope) {
        this.scope = scope;
    }

    /**
     * Wraps work that a step hands to another thread (a pool reading several resources at once,
     * say) so that it counts as part of the step wherever it runs: its AWS calls retry until the
     * step's deadline and publish their {@code Retrying} events to the run, as calls on the
     * step's own thread do. Outside a running step the work is returned unchanged.
     *
     * <pre>{@code
     * CompletableFuture<DBCluster> c = CompletableFuture.supplyAsync(ctx.asPartOfStep(() -> describe(id)), pool);
     * }</pre>
     *
     * @param work the work
     * @param <T> its result type
     * @return the work, bound to the current step
     */
    public <T> Supplier<T> asPartOfStep(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        RunScope bound = scope;
        return bound == null ? work : () -> bound.call(work);
    }

    void enter(String step, String stepResource, List<String> pending) {
        this.step = step;
        this.stepResource = stepResource;
        this.pendingSteps = List.copyOf(pending);
    }

    /** @return this run's id, e.g. {@code rb-3f9a1c7e} */
    public String runbookId() {
        return runbookId;
    }

    /** @return the runbook's name */
    public String runbookName() {
        return runbookName;
    }

    /** @return the current step's name */
    public String step() {
        return step;
    }

    /** @return the current step's resource, else the runbook's, or {@code null} */
    public String resource() {
        return stepResource != null ? stepResource : resource;
    }

    /** @return the bus this run publishes to */
    public EventBus events() {
        return events;
    }

    /** @return the run's clock */
    public Clock clock() {
        return clock;
    }

    /** @return true during {@link Runbook#plan()}, when nothing may be changed */
    public boolean dryRun() {
        return dryRun;
    }

    /**
     * During a plan, the earlier steps that would act before this one; their changes have not
     * happened, so this step sees the state before them. Always empty during a run.
     *
     * @return names of earlier steps with pending changes, in order
     */
    public List<String> pendingSteps() {
        return pendingSteps;
    }

    /**
     * Stores a fact for later steps.
     *
     * @param key the key
     * @param value the value, not null
     * @param <T> the value type
     */
    public <T> void put(Key<T> key, T value) {
        Objects.requireNonNull(key, "key");
        values.put(key, key.type().cast(Objects.requireNonNull(value, "value")));
    }

    /**
     * @param key the key
     * @param <T> the value type
     * @return the fact, if an earlier step stored it
     */
    public <T> Optional<T> get(Key<T> key) {
        return Optional.ofNullable(values.get(key)).map(v -> key.type().cast(v));
    }

    /**
     * @param key the key
     * @param <T> the value type
     * @return the fact
     * @throws WrongStateException if no earlier step stored it
     */
    public <T> T require(Key<T> key) {
        return get(key).orElseThrow(() -> new WrongStateException(resource(), null,
                "Step '" + step + "' of runbook '" + runbookName + "' needs '" + key.name()
                        + "', which no earlier step has provided"
                        + (pendingSteps.isEmpty() ? "; run the runbook from its first step"
                                : "; it will exist after " + pendingSteps + " ran")));
    }

    /**
     * Publishes a {@link Note} for the current step.
     *
     * @param text the fact
     * @param keysAndValues attributes as alternating keys and values (secrets are redacted)
     */
    public void note(String text, Object... keysAndValues) {
        events.publish(new Note(clock.instant(), runbookId, step, resource(), text, OpsEvent.attributes(keysAndValues)));
    }

    /**
     * Publishes a {@link Warning} for the current step.
     *
     * @param text the caveat
     * @param keysAndValues attributes as alternating keys and values (secrets are redacted)
     */
    public void warn(String text, Object... keysAndValues) {
        events.publish(new Warning(clock.instant(), runbookId, step, resource(), text, OpsEvent.attributes(keysAndValues)));
    }

    @Override
    public String toString() {
        return "RunContext[" + runbookId + ", runbook=" + runbookName + ", step=" + step + ", dryRun=" + dryRun
                + ", facts=" + values.keySet().stream().map(Key::name).sorted().toList() + "]";
    }
}
