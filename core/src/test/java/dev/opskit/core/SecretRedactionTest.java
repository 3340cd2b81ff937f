package dev.opskit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.JsonLinesListener;
import dev.opskit.core.event.OpsEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret handed to every place a user might put it must not come out of any output. */
class SecretRedactionTest {
    private final Secret secret = Secret.of("s3cr3t-Pa55word-xyz");

    private record Credentials(String user, Secret password) {
    }

    @Test
    void noOutputRevealsASecret(@TempDir Path dir) throws Exception {
        EventBus bus = new EventBus();
        List<OpsEvent> events = new ArrayList<>();
        bus.subscribe(events::add);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        bus.subscribe(EventListener.console(new PrintStream(console, true, StandardCharsets.UTF_8)));
        bus.subscribe(EventListener.slf4j());
        Path jsonFile = dir.resolve("events.jsonl");
        VirtualTime time = VirtualTime.startingAt(java.time.Instant.EPOCH);

        Runbook rb;
        OpsException failure;
        String plan;
        String stderr;
        try (JsonLinesListener json = EventListener.jsonLines(jsonFile)) {
            bus.subscribe(json);
            rb = Runbook.named("create replication user").resource("orders")
                    .step("create user",
                            ctx -> Observation.change("no user repl", "create user repl identified by " + secret),
                            (ctx, obs) -> {
                                ctx.note("created user", "password", secret, "credentials",
                                        new Credentials("repl", secret), "nested", Map.of("pw", secret));
                                ctx.warn("password " + secret + " is short");
                                Waiter.forResource("user repl").waitingFor("login works")
                                        .poll(() -> new Credentials("repl", secret))
                                        .succeedWhen(c -> time.now().isAfter(java.time.Instant.EPOCH.plusSeconds(3)))
                                        .backoff(Backoff.fixed(Duration.ofSeconds(2)))
                                        .clock(time.clock()).sleeper(time.sleeper())
                                        .events(ctx)
                                        .await();
                                RetryPolicy.builder().retryOn(Retryable.on("denied", IllegalStateException.class))
                                        .clock(time.clock()).sleeper(time.sleeper()).build()
                                        .call(ctx, new java.util.function.Supplier<String>() {
                                            private int n;

                                            @Override
                                            public String get() {
                                                if (n++ == 0) {
                                                    throw new IllegalStateException("denied with " + secret);
                                                }
                                                return "ok";
                                            }
                                        });
                                return "created user repl with password " + secret;
                            })
                    .step("check login",
                            ctx -> Observation.change("password " + secret + " untested", "log in with " + secret),
                            (ctx, obs) -> {
                                throw new OpsException("login failed for repl using " + secret);
                            })
                    .events(bus).clock(time.clock()).build();
            plan = rb.plan().toString();
            String[] captured = new String[1];
            stderr = captureStderr(() -> captured[0] = String.valueOf(catchThrowableOfType(OpsException.class,
                    rb::run)));
            OpsException[] again = new OpsException[1];
            stderr += captureStderr(() -> again[0] = catchThrowableOfType(OpsException.class, rb::run));
            failure = again[0];
            assertThat(captured[0]).contains("login failed");
        }
        String json = Files.readString(jsonFile);

        // Each output saw the events (so the check below is not vacuous) ...
        assertThat(events).extracting(OpsEvent::type).contains("Note", "Warning", "Waiting", "Retrying", "StepSucceeded",
                "StepFailed");
        assertThat(json).contains("\"Note\"", "\"Retrying\"", Secret.REDACTED);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("login failed", Secret.REDACTED);
        assertThat(stderr).contains("login failed", "password=" + Secret.REDACTED);
        // ... and none of them reveals the secret.
        List<String> outputs = new ArrayList<>(List.of(json, console.toString(StandardCharsets.UTF_8), stderr, plan,
                failure.getMessage(), failure.outcome().orElseThrow().toString(), rb.toString()));
        for (Throwable suppressed : failure.getSuppressed()) {
            outputs.add(suppressed.getMessage());
        }
        events.forEach(e -> outputs.add(e.toString()));
        events.forEach(e -> outputs.add(e.message()));
        for (String out : outputs) {
            assertThat(secret.appearsIn(out)).as("secret in: %s", out).isFalse();
        }
        assertThat(failure.getMessage()).contains("login failed for repl using " + Secret.REDACTED);
    }

    private static String captureStderr(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
