package dev.opskit.core.event;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.OpsException;
import dev.opskit.core.internal.EventFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Appends one JSON object per event to a file, one per line, flushed after each line so that
 * {@code tail -f} and a crash both see every event. Fields: {@code type}, then the event
 * record's components ({@code time}, {@code runbookId}, {@code step}, {@code resource}, ...),
 * {@code attributes} as an object, and {@code message}; null fields are left out.
 * <b>Times and durations are ISO-8601 strings</b> ({@code "2024-05-01T10:00:00Z"},
 * {@code "PT2.5S"}): lossless, readable, and parsed by {@code Instant.parse} /
 * {@code Duration.parse} and by most log tools.
 *
 * <p>Why jackson-jr: it is a small (about 100 KB plus jackson-core) JSON library with no
 * annotations or module scanning, so it adds little to the footprint and nothing noticeable to
 * JShell start-up, yet it is a well-kept part of the Jackson family and escapes strings
 * correctly. Full jackson-databind would cost several megabytes and a slower first call for
 * what here is writing flat maps.
 *
 * <p>Thread-safe. Close it to close the file; closing twice is fine. Events after close are
 * ignored.
 *
 * <pre>{@code
 * try (JsonLinesListener json = EventListener.jsonLines(Path.of("run.jsonl"));
 *      Subscription s = bus.subscribe(json)) {
 *     runbook.run();
 * }
 * }</pre>
 */
public final class JsonLinesListener implements EventListener, AutoCloseable {
    private final Path file;
    private final Writer writer;
    private boolean closed;

    private JsonLinesListener(Path file, Writer writer) {
        this.file = file;
        this.writer = writer;
    }

    /**
     * Opens (creating if needed) a file to append events to.
     *
     * @param file the file; its directory must exist
     * @return the listener
     * @throws OpsException if the file cannot be opened
     */
    public static JsonLinesListener appendingTo(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            return new JsonLinesListener(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new OpsException("cannot open event log " + file + " for appending: " + e.getMessage()
                    + "; check that the directory exists and is writable", file.toString(), null, e);
        }
    }

    /** @return the file events are appended to */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void onEvent(OpsEvent event) {
        if (closed) {
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        EventFields.of(event).forEach((k, v) -> json.put(k, EventFields.jsonValue(v)));
        try {
            writer.write(JSON.std.asString(json));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            // The bus logs this and carries on: a full disk must not stop a runbook.
            throw new UncheckedIOException("cannot append event to " + file, e);
        }
    }

    /** Closes the file; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close event log " + file, e);
        }
    }
}
