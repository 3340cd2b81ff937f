package dev.opskit.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenersTest {
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private static Waiting waiting(int attempt, String state) {
        return new Waiting(T.plusSeconds(attempt), "rb-0000abcd", "create clone", "DB cluster orders-clone",
                "status available", attempt, Duration.ofSeconds(attempt * 5L), state, Duration.ofSeconds(5), Map.of());
    }

    @Test
    void jsonLinesWritesOneParsableObjectPerEventWithIsoTimes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (JsonLinesListener json = EventListener.jsonLines(file)) {
            json.onEvent(new StepSucceeded(T, "rb-0000abcd", "create clone", "orders", Duration.ofMillis(2500),
                    "cloned \"orders\"\nto orders-clone", OpsEvent.attributes("clusters", 2)));
            // flushed per line: readable before close
            assertThat(Files.readAllLines(file)).hasSize(1);
            json.onEvent(waiting(1, "creating"));
            json.close();
            json.onEvent(waiting(2, "creating")); // after close: ignored
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        Map<String, Object> first = JSON.std.mapFrom(lines.get(0));
        assertThat(first).containsEntry("type", "StepSucceeded").containsEntry("time", "2024-05-01T10:00:00Z")
                .containsEntry("runbookId", "rb-0000abcd").containsEntry("step", "create clone")
                .containsEntry("resource", "orders").containsEntry("elapsed", "PT2.5S")
                .containsEntry("result", "cloned \"orders\"\nto orders-clone");
        assertThat(first.get("attributes")).isEqualTo(Map.of("clusters", 2));
        Map<String, Object> second = JSON.std.mapFrom(lines.get(1));
        assertThat(second).containsEntry("type", "Waiting").containsEntry("attempt", 1)
                .containsEntry("observedState", "creating").containsEntry("nextDelay", "PT5S");
        assertThat(Duration.parse((String) second.get("elapsed"))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jsonLinesAppendsToAnExistingFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, "{\"type\":\"Earlier\"}\n");
        try (JsonLinesListener json = JsonLinesListener.appendingTo(file)) {
            json.onEvent(waiting(1, "creating"));
        }
        assertThat(Files.readAllLines(file)).hasSize(2).first().asString().contains("Earlier");
    }

    @Test
    void consoleRewritesOneProgressLineAndPrintsStepResultsInFull() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress console = EventListener.console(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .inZone(ZoneOffset.UTC);
        console.onEvent(waiting(1, "creating"));
        console.onEvent(waiting(2, "backing-up"));
        console.onEvent(waiting(3, "ok"));
        console.onEvent(new StepSucceeded(T.plusSeconds(20), "rb-0000abcd", "create clone", "orders",
                Duration.ofSeconds(20), "cloned orders", Map.of()));
        console.onEvent(new StepSkipped(T.plusSeconds(21), "rb-0000abcd", "read position", "orders",
                "position is known", Map.of()));
        String out = bytes.toString(StandardCharsets.UTF_8);
        String[] lines = out.split("\n", -1);
        // Three attempts on one physical line, each started by a carriage return.
        assertThat(lines[0]).startsWith("\r").contains("attempt 1", "attempt 2", "attempt 3", "backing-up");
        assertThat(lines[0].chars().filter(c -> c == '\r').count()).isEqualTo(3);
        // The shorter third attempt blanks out what was left of the longer second one.
        String last = lines[0].substring(lines[0].lastIndexOf('\r') + 1);
        assertThat(last).doesNotContain("backing-up").contains("ok, attempt 3");
        assertThat(lines[1]).isEqualTo("10:00:20 rb-0000abcd  + create clone: done in 20s, cloned orders");
        assertThat(lines[2]).isEqualTo("10:00:21 rb-0000abcd  - read position: skipped, position is known");
    }

    @Test
    void consoleShowsRetriesOnTheProgressLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress console = EventListener.console(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .inZone(ZoneOffset.UTC);
        for (int attempt = 1; attempt <= 3; attempt++) {
            console.onEvent(new Retrying(T.plusSeconds(attempt), "rb-0000abcd", "binlog-parameter-group", "orders",
                    "Rds DescribeDBClusters throttled", attempt, Duration.ofMillis(400), "Rate exceeded", Map.of()));
        }
        console.onEvent(new StepSucceeded(T.plusSeconds(5), "rb-0000abcd", "binlog-parameter-group", "orders",
                Duration.ofSeconds(5), "binlog on", Map.of()));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines[0].chars().filter(c -> c == '\r').count()).isEqualTo(3);
        assertThat(lines[0].substring(lines[0].lastIndexOf('\r') + 1)).isEqualTo("10:00:03 rb-0000abcd  ~ "
                + "binlog-parameter-group: retrying, Rds DescribeDBClusters throttled (attempt 3, next in 400ms)");
        assertThat(lines[1]).startsWith("10:00:05 rb-0000abcd  + binlog-parameter-group: done in 5s");
    }

    @Test
    void slf4jLogsTheMessageWithKeyValuePairs() {
        String logged = captureStderr(() -> EventListener.slf4j().onEvent(new StepFailed(T, "rb-0000abcd",
                "create clone", "orders", Duration.ofSeconds(3), "cluster busy", OpsEvent.attributes("code", 409))));
        assertThat(logged).contains("ERROR", "dev.opskit.events", "step create clone failed after 3000 ms: cluster busy",
                "runbookId=rb-0000abcd", "step=create clone", "resource=orders", "event=StepFailed", "code=409");
    }

    /** A module's own event type that is a caveat. */
    record Skipped(java.time.Instant time, String runbookId, String step, String resource) implements OpsEvent {
        @Override
        public Map<String, Object> attributes() {
            return Map.of();
        }

        @Override
        public String message() {
            return "skipped a replication error";
        }

        @Override
        public Severity severity() {
            return Severity.WARNING;
        }
    }

    @Test
    void aModulesEventIsLoggedAndShownAtItsOwnSeverity() {
        Skipped skipped = new Skipped(T, "rb-0000abcd", "replication", "orders-next");
        String logged = captureStderr(() -> EventListener.slf4j().onEvent(skipped));
        assertThat(logged).contains("WARN", "skipped a replication error", "event=Skipped");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EventListener.console(new PrintStream(bytes, true, StandardCharsets.UTF_8)).inZone(ZoneOffset.UTC)
                .onEvent(skipped);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("10:00:00 rb-0000abcd  ? replication: skipped");
        assertThat(new StepFailed(T, null, "s", null, Duration.ZERO, "x", Map.of()).severity())
                .isEqualTo(OpsEvent.Severity.ERROR);
    }

    static String captureStderr(Runnable r) {
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
