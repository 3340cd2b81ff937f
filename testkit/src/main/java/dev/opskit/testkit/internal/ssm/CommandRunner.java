package dev.opskit.testkit.internal.ssm;

import dev.opskit.testkit.internal.ssm.SsmModel.Command;
import dev.opskit.testkit.internal.ssm.SsmModel.Instance;
import dev.opskit.testkit.internal.ssm.SsmModel.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code AWS-RunShellScript} on a local instance: the commands, one per line, as a
 * {@code /bin/sh} script in the instance's sandbox directory, with stdout and stderr captured to
 * files (so a chatty command never blocks on a full pipe) and reported truncated as SSM does.
 */
final class CommandRunner implements AutoCloseable {
    /** What GetCommandInvocation shows of each stream, as in SSM. */
    static final int STDOUT_LIMIT = 24_000;
    static final int STDERR_LIMIT = 8_000;
    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    private static final long POLL_MILLIS = 20;

    private final Clock clock;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    CommandRunner(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs the commands and records the outcome in {@code c} under {@code lock}: Success, Failed,
     * TimedOut after {@code timeout} of real time, or Cancelled when the LocalAws clock reaches
     * {@code stopAt} (the maintenance window cancels it) or LocalAws stops.
     *
     * @return true if the script exited 0
     */
    boolean run(Object lock, Command c, Instance instance, List<String> lines, Duration timeout, Instant stopAt) {
        synchronized (lock) {
            c.status = "InProgress";
            c.statusDetails = "InProgress";
            c.started = clock.instant();
        }
        String status;
        String details;
        int code;
        String out = "";
        String err = "";
        Path dir = instance.sandbox;
        Path stdout = dir.resolve(".ssm-" + c.commandId + ".out");
        Path stderr = dir.resolve(".ssm-" + c.commandId + ".err");
        try {
            if (closed) {
                throw new IOException("LocalAws is shutting down");
            }
            Process p = new ProcessBuilder("/bin/sh", "-c", String.join("\n", lines))
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            running.add(p);
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                // Polls so that a virtual LocalAws clock moved past stopAt stops the command promptly.
                while (!p.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)
                        && System.nanoTime() < deadline && clock.instant().isBefore(stopAt)) {
                    // still running
                }
                if (!p.isAlive()) {
                    code = p.exitValue();
                    status = code == 0 ? "Success" : "Failed";
                    details = status;
                } else {
                    // The shell first, so it runs no further line once a child is killed.
                    List<ProcessHandle> children = p.descendants().toList();
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    children.forEach(ProcessHandle::destroyForcibly);
                    code = -1;
                    status = System.nanoTime() < deadline ? "Cancelled" : "TimedOut";
                    details = status.equals("Cancelled") ? "Cancelled" : "ExecutionTimedOut";
                }
            } finally {
                running.remove(p);
            }
            out = read(stdout, STDOUT_LIMIT);
            err = read(stderr, STDERR_LIMIT);
            if (status.equals("TimedOut")) {
                err = truncate(err + (err.isEmpty() ? "" : "\n") + "Command execution timed out after "
                        + timeout.toSeconds() + " seconds", STDERR_LIMIT);
            }
        } catch (IOException e) {
            code = -1;
            status = "Failed";
            details = "Failed";
            err = "failed to run the commands in " + dir + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
            status = "Cancelled";
            details = "Cancelled";
        } finally {
            try {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            } catch (IOException e) {
                // The sandbox is deleted with LocalAws anyway.
            }
        }
        synchronized (lock) {
            c.status = status;
            c.statusDetails = details;
            c.responseCode = code;
            c.stdout = out;
            c.stderr = err;
            c.ended = clock.instant();
        }
        return code == 0;
    }

    private static String read(Path file, int limit) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        return truncate(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), limit);
    }

    private static String truncate(String s, int limit) {
        return s.length() <= limit ? s : s.substring(0, limit);
    }

    /** The GetCommandInvocation view of one command on one instance. */
    Map<String, Object> view(Scope s, String commandId, String instanceId) {
        Command c = s.commands.get(commandId + "/" + instanceId);
        if (c == null) {
            throw SsmErrors.invocationDoesNotExist(
                    "No invocation of command " + commandId + " on instance " + instanceId);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CommandId", c.commandId);
        m.put("InstanceId", c.instanceId);
        if (c.comment != null) {
            m.put("Comment", c.comment);
        }
        m.put("DocumentName", c.documentName);
        m.put("DocumentVersion", "$DEFAULT");
        m.put("PluginName", "aws:runShellScript");
        m.put("ResponseCode", c.responseCode);
        if (c.started != null) {
            m.put("ExecutionStartDateTime", c.started.toString());
        }
        if (c.ended != null) {
            m.put("ExecutionElapsedTime", "PT" + Duration.between(c.started, c.ended).toMillis() / 1000.0 + "S");
            m.put("ExecutionEndDateTime", c.ended.toString());
        }
        m.put("Status", c.status);
        m.put("StatusDetails", c.statusDetails);
        m.put("StandardOutputContent", c.stdout);
        m.put("StandardOutputUrl", "");
        m.put("StandardErrorContent", c.stderr);
        m.put("StandardErrorUrl", "");
        m.put("CloudWatchOutputConfig", Map.of("CloudWatchOutputEnabled", false));
        return m;
    }

    @Override
    public void close() {
        closed = true;
        running.forEach(Process::destroyForcibly);
    }
}
