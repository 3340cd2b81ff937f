package dev.opskit.ssm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of the test class path running one main class, for tests that must see a runbook from
 * outside: its standard output read line by line as it comes, its standard error in a file, its
 * standard input writable, and a SIGKILL away from dying.
 */
final class ChildJvm implements AutoCloseable {
    /** The line {@link #poll} returns once the child's output has ended. */
    static final String EOF = "<eof>";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final Writer stdin;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The child died: its output ends here.
            }
            lines.add(EOF);
        }, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param main the class to run
     * @param jvmOptions options such as {@code -Dkey=value}
     * @param args its arguments
     * @param env variables added to the environment (secrets go here, not on the command line)
     * @param stderr where its standard error goes
     * @return the running child
     */
    static ChildJvm start(Class<?> main, List<String> jvmOptions, List<String> args, Map<String, String> env,
            Path stderr) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), main.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        pb.environment().putAll(env);
        return new ChildJvm(pb.start());
    }

    /**
     * @param nanos how long to wait for a line
     * @return the next line, {@link #EOF} once the output has ended, or null if none came in time
     */
    String poll(long nanos) throws InterruptedException {
        return lines.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Writes a line to the child's standard input. */
    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /**
     * SIGKILLs the child (no shutdown hooks, no finally blocks) and waits for it to be gone.
     *
     * @return its exit status, 137 for a JVM that was still running
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the killed JVM did not exit within 30 s");
        }
        return process.exitValue();
    }

    /**
     * Waits for the child to exit by itself.
     *
     * @return its exit status
     */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the child JVM did not exit within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** @return the lines printed and not yet polled, once its output has ended */
    List<String> rest() throws InterruptedException {
        reader.join(5_000);
        List<String> out = new ArrayList<>();
        lines.drainTo(out);
        out.remove(EOF);
        return out;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
