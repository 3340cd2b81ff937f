package dev.opskit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.core.event.Retrying;
import dev.opskit.core.event.RunbookFinished;
import dev.opskit.core.event.StepFailed;
import dev.opskit.core.event.StepSkipped;
import dev.opskit.core.event.StepSucceeded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** A fake "world" of resources the steps observe and change, so re-runs converge for real. */
class RunbookTest {
    static final RunContext.Key<String> POSITION = RunContext.Key.of("binlogPosition", String.class);

    private final Set<String> world = new HashSet<>();
    private final AtomicInteger acts = new AtomicInteger();
    private final EventBus bus = new EventBus();
    private final List<OpsEvent> events = new ArrayList<>();
    private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2024-01-01T00:00:00Z"));
    private int failuresLeftInClone;

    RunbookTest() {
        bus.subscribe(events::add);
    }

    private Step ensure(String thing, Duration takes) {
        return Step.of("create " + thing,
                ctx -> world.contains(thing) ? Observation.noChange(thing + " exists")
                        : Observation.change("no " + thing, "create " + thing),
                (ctx, obs) -> {
                    acts.incrementAndGet();
                    time.advance(takes);
                    if (thing.equals("clone") && failuresLeftInClone > 0) {
                        failuresLeftInClone--;
                        throw new WrongStateException("orders", "modifying", "cluster orders is busy; try again later");
                    }
                    world.add(thing);
                    return "created " + thing;
                });
    }

    private Step readPosition() {
        return Step.of("read position",
                ctx -> {
                    if (!world.contains("clone")) {
                        throw new ResourceNotFoundException("DB cluster", "orders-clone", "create it first", null);
                    }
                    // Observation re-derives the fact, so a skipped step still provides it on a re-run.
                    ctx.put(POSITION, "mysql-bin.000002:154");
                    return Observation.noChange("position is mysql-bin.000002:154");
                },
                (ctx, obs) -> "unused");
    }

    private Step startReplication() {
        return Step.of("start replication",
                ctx -> world.contains("replication") ? Observation.noChange("replicating")
                        : Observation.change("not replicating", "start replication at the clone's position"),
                (ctx, obs) -> {
                    acts.incrementAndGet();
                    world.add("replication from " + ctx.require(POSITION));
                    world.add("replication");
                    return "replicating from " + ctx.require(POSITION);
                });
    }

    private Runbook runbook() {
        return Runbook.named("clone orders").resource("orders")
                .step(ensure("parameter group", Duration.ofSeconds(3)))
                .step(ensure("clone", Duration.ofSeconds(60)))
                .step(readPosition())
                .step(startReplication())
                .events(bus).clock(time.clock())
                .build();
    }

    @Test
    void planCallsNoActionAndSaysWhatWouldChange() {
        world.add("parameter group");
        Plan plan = runbook().plan();
        assertThat(acts).hasValue(0);
        assertThat(world).containsExactly("parameter group");
        assertThat(plan.steps()).extracting(PlannedStep::kind).containsExactly(
                PlannedStep.Kind.NO_CHANGE, PlannedStep.Kind.CHANGE, PlannedStep.Kind.UNKNOWN, PlannedStep.Kind.CHANGE);
        assertThat(plan.step("create parameter group").detail()).isEqualTo("parameter group exists");
        assertThat(plan.step("create clone").detail()).isEqualTo("create clone");
        assertThat(plan.step("create clone").provisional()).isFalse();
        assertThat(plan.step("read position").after()).containsExactly("create clone");
        assertThat(plan.step("read position").detail()).contains("cannot be observed before create clone ran",
                "orders-clone");
        assertThat(plan.step("start replication").provisional()).isTrue();
        assertThat(plan.toString()).contains("2 of 4 steps would change something",
                "CHANGE    create clone: would create clone");
        assertThat(events).isEmpty();
    }

    @Test
    void planOfAConvergedRunbookHasNoChanges() {
        world.addAll(List.of("parameter group", "clone", "replication"));
        Plan plan = runbook().plan();
        assertThat(plan.hasChanges()).isFalse();
        assertThat(acts).hasValue(0);
    }

    @Test
    void runActsWhereNeededSkipsTheRestAndReportsEveryStep() {
        world.add("parameter group");
        RunbookOutcome out = runbook().run();
        assertThat(out.succeeded()).isTrue();
        assertThat(out.runbookId()).matches("rb-[0-9a-f]{8}");
        assertThat(out.steps()).extracting(StepResult::status).containsExactly(StepResult.Status.SKIPPED,
                StepResult.Status.ACTED, StepResult.Status.SKIPPED, StepResult.Status.ACTED);
        assertThat(out.step("create clone").elapsed()).isEqualTo(Duration.ofSeconds(60));
        assertThat(out.step("start replication").text()).isEqualTo("replicating from mysql-bin.000002:154");
        assertThat(world).contains("replication from mysql-bin.000002:154");
        assertThat(events).extracting(OpsEvent::type).containsExactly("RunbookStarted",
                "StepStarted", "StepSkipped", "StepStarted", "StepSucceeded", "StepStarted", "StepSkipped",
                "StepStarted", "StepSucceeded", "RunbookFinished");
        assertThat(events).allSatisfy(e -> assertThat(e.runbookId()).isEqualTo(out.runbookId()));
        assertThat(events.get(2)).isInstanceOfSatisfying(StepSkipped.class,
                e -> assertThat(e.reason()).isEqualTo("parameter group exists"));
        assertThat(events.get(9)).isInstanceOfSatisfying(RunbookFinished.class, e -> {
            assertThat(e.succeeded()).isTrue();
            assertThat(e.elapsed()).isEqualTo(Duration.ofSeconds(60));
        });
    }

    @Test
    void aFailedStepStopsTheRunAndARerunResumesAtThatStep() {
        failuresLeftInClone = 1;
        Runbook rb = runbook();
        // The step's own exception reaches the caller, carrying the step and the outcome.
        assertThatThrownBy(rb::run).isInstanceOfSatisfying(WrongStateException.class, e -> {
            assertThat(e.step()).contains("create clone");
            assertThat(e.getCause()).isNull();
            assertThat(e.lastState()).contains("modifying");
            assertThat(e.getMessage()).contains("cluster orders is busy");
            assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s.getMessage()).contains(
                    "Step 'create clone'", "clone orders", "cluster orders is busy", "1 of 4 steps had finished",
                    "run again"));
            assertThat(e.outcome().orElseThrow().steps()).extracting(StepResult::status).containsExactly(
                    StepResult.Status.ACTED, StepResult.Status.FAILED, StepResult.Status.NOT_RUN,
                    StepResult.Status.NOT_RUN);
        });
        assertThat(events).filteredOn(StepFailed.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((StepFailed) e).error()).contains("busy"));
        assertThat(acts).hasValue(2);
        events.clear();

        RunbookOutcome second = rb.run();
        assertThat(second.steps()).extracting(StepResult::status).containsExactly(StepResult.Status.SKIPPED,
                StepResult.Status.ACTED, StepResult.Status.SKIPPED, StepResult.Status.ACTED);
        // parameter group was not created twice: only the clone and replication acted.
        assertThat(acts).hasValue(4);
        assertThat(events).filteredOn(StepSucceeded.class::isInstance).extracting(OpsEvent::step)
                .containsExactly("create clone", "start replication");

        RunbookOutcome third = rb.run();
        assertThat(third.steps()).allSatisfy(s -> assertThat(s.status()).isEqualTo(StepResult.Status.SKIPPED));
        assertThat(third.runbookId()).isNotEqualTo(second.runbookId());
        assertThat(acts).hasValue(4);
    }

    @Test
    void aFactNoStepProvidedIsAClearError() {
        Runbook rb = Runbook.named("lonely").step(startReplication()).build();
        assertThatThrownBy(rb::run).isInstanceOfSatisfying(WrongStateException.class,
                e -> assertThat(e.step()).contains("start replication"))
                .hasMessageContaining("needs 'binlogPosition', which no earlier step has provided");
    }

    @Test
    void planFailsWhenTheFirstObservationFails() {
        Runbook rb = Runbook.named("read only").step(readPosition()).build();
        assertThatThrownBy(rb::plan).isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
            assertThat(e.step()).contains("read position");
            assertThat(e.getSuppressed()[0].getMessage()).contains("Step 'read position'");
        }).hasMessageContaining("orders-clone");
        assertThat(acts).hasValue(0);
    }

    @Test
    void aFailureThatIsNotAnOpsExceptionArrivesWrappedWithTheStep() {
        IllegalStateException bug = new IllegalStateException("unexpected null");
        Runbook rb = Runbook.named("buggy").resource("orders")
                .step("explode", ctx -> Observation.change("nothing", "explode"), (ctx, obs) -> {
                    throw bug;
                }).build();
        assertThatThrownBy(rb::run).isInstanceOfSatisfying(StepFailedException.class, e -> {
            assertThat(e.getCause()).isSameAs(bug);
            assertThat(e.step()).contains("explode");
            assertThat(e.resourceId()).contains("orders");
            assertThat(e.getMessage()).contains("Step 'explode' of runbook 'buggy'",
                    "IllegalStateException: unexpected null", "0 of 1 steps had finished");
            assertThat(e.outcome().orElseThrow().failure().orElseThrow().step()).isEqualTo("explode");
        });
    }

    @Test
    void aNestedRunbookFailureKeepsTheInnermostStep() {
        Runbook inner = Runbook.named("inner").step("deep", ctx -> {
            throw new ConflictException("name taken", null);
        }, (ctx, obs) -> "unused").build();
        Runbook outer = Runbook.named("outer").step("call inner", ctx -> Observation.change("-", "run inner"),
                (ctx, obs) -> inner.run().toString()).build();
        assertThatThrownBy(outer::run).isInstanceOfSatisfying(ConflictException.class, e -> {
            assertThat(e.step()).contains("deep");
            assertThat(e.outcome().orElseThrow().runbook()).isEqualTo("inner");
            assertThat(e.getSuppressed()).hasSize(1);
        });
    }

    @Test
    void aTransientAwsFailureOfAnActIsRetriedAfterObservingAgain() {
        List<Retrying> retries = new ArrayList<>();
        bus.subscribe(Retrying.class, retries::add);
        AtomicInteger calls = new AtomicInteger();
        // The first create call is carried out but its answer is lost (a 503); the second attempt
        // observes that and does not create again.
        Step create = Step.of("create group",
                ctx -> world.contains("group") ? Observation.noChange("group exists")
                        : Observation.change("no group", "create group"),
                (ctx, obs) -> {
                    calls.incrementAndGet();
                    world.add("group");
                    if (calls.get() == 1) {
                        throw serverError(503);
                    }
                    return "created group";
                });
        RunbookOutcome out = Runbook.named("groups").step(create).events(bus).clock(time.clock())
                .retries(RetryPolicy.stepDefaults().toBuilder().clock(time.clock()).sleeper(time.sleeper()).build())
                .build().run();
        assertThat(calls).hasValue(1);
        assertThat(out.step("create group").status()).isEqualTo(StepResult.Status.ACTED);
        assertThat(out.step("create group").text()).isEqualTo("group exists");
        assertThat(retries).singleElement().satisfies(r -> {
            assertThat(r.step()).isEqualTo("create group");
            assertThat(r.condition()).isEqualTo("AWS server error or connection problem");
            assertThat(r.attempt()).isEqualTo(1);
        });
        assertThat(time.sleeps()).hasSize(1);
    }

    @Test
    void stepRetriesEndAtTheStepDeadlineWithTheStepsOwnError() {
        AtomicInteger calls = new AtomicInteger();
        Runbook rb = Runbook.named("throttled").step("modify", ctx -> Observation.change("-", "modify"),
                        (ctx, obs) -> {
                            calls.incrementAndGet();
                            throw throttled();
                        })
                .clock(time.clock()).stepDeadline(Duration.ofSeconds(30))
                .retries(RetryPolicy.stepDefaults().toBuilder().maxAttempts(100).clock(time.clock())
                        .sleeper(time.sleeper()).build())
                .build();
        assertThatThrownBy(rb::run).isInstanceOfSatisfying(StepFailedException.class, e -> {
            assertThat(e.getCause()).isInstanceOf(AwsServiceException.class);
            assertThat(e.getCause().getSuppressed()).anySatisfy(s -> assertThat(s.getMessage())
                    .contains("Gave up retrying 'AWS throttling'", "deadline of step 'modify'"));
            // The message says the step itself was retried, not only how its last call ended.
            assertThat(e.getMessage()).contains("Rate exceeded", "Gave up retrying 'AWS throttling' after");
        });
        assertThat(calls.get()).isGreaterThan(2);
        assertThat(time.totalSlept()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }

    private static AwsServiceException serverError(int status) {
        return AwsServiceException.builder().statusCode(status).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ServiceUnavailable").errorMessage("Service is unavailable").build()).build();
    }

    private static AwsServiceException throttled() {
        return AwsServiceException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("Throttling").errorMessage("Rate exceeded").build()).build();
    }

    @Test
    void rejectsDuplicateStepNamesAndEmptyRunbooks() {
        assertThatThrownBy(() -> Runbook.named("x").step(ensure("a", Duration.ZERO)).step(ensure("a", Duration.ZERO)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("create a");
        assertThatThrownBy(() -> Runbook.named("x").build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no steps");
    }
}
