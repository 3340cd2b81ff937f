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
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    /** Runs that have not yet cleaned up their output files; close() waits for them. */
    private final Phaser inFlight = new Phaser(1);
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
        inFlight.register();
        try {
            return runRegistered(lock, c, instance, lines, timeout, stopAt);
        } finally {
            inFlight.arriveAndDeregister();
        }
    }

    private boolean runRegistered(Object lock, Command c, Instance instance, List<String> lines, Duration timeout,
            Instant stopAt) {
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
                    kill(p);
                    code = -1;
                    status = System.nanoTime() < deadline ? "Cancelled" : "TimedOut";
                    details = status.equals("Cancelled") ? "Cancelled" : "ExecutionTimedOut";
                }
            } catch (InterruptedException e) {
                // LocalAws is stopping: the command must not outlive it.
                kill(p);
                throw e;
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

    /** Kills the shell first, so it starts nothing more, then whatever it had started. */
    private static void kill(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Orphans are not this JVM's children: poll (onExit would back off to seconds between checks).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (children.stream().anyMatch(CommandRunner::running) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whether a process still runs. A killed orphan stays a zombie until the system's init
     * reaps it, which {@link ProcessHandle#isAlive()} counts as alive; a zombie runs nothing.
     */
    static boolean running(ProcessHandle h) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            // pid (comm) state ...: comm may contain spaces and parentheses, the state follows the last ')'.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return h.isAlive();
        }
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
            throw SsmErrors.of(SsmErrors.INVOCATION_DOES_NOT_EXIST,
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

    /** Kills running commands and waits (at most {@code wait}) until every run has cleaned up its files. */
    void close(Duration wait) {
        closed = true;
        running.forEach(CommandRunner::kill);
        int phase = inFlight.arrive();
        try {
            inFlight.awaitAdvanceInterruptibly(phase, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            // A run stuck past the wait: the sandbox delete below tolerates its files.
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
