package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.opskit.core.Secret;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@link UpgradeChild} in a JVM of its own, signing as a LocalAws account; what it prints on
 * stdout is read line by line, its stderr (its log) goes to a file. Closing kills it if it still
 * runs.
 */
final class UpgradeChildProcess implements AutoCloseable {
    private static final String EOF = "<eof>";

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private UpgradeChildProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    queue.add(line);
                }
            } catch (IOException e) {
                // The child died: that is often the point.
            }
            queue.add(EOF);
        }, "upgrade-child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param jvmOptions extra options for the child's JVM, e.g. a log level
     * @param args the child's arguments
     */
    static UpgradeChildProcess start(LocalAws aws, LocalAccount account, String region, Secret masterPassword,
            Path stderr, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath(), UpgradeChild.class.getName()));
        command.addAll(List.of(args));
        Files.createDirectories(stderr.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        Map<String, String> env = pb.environment();
        env.put("UPGRADE_ENDPOINT", aws.endpoint().toString());
        env.put("UPGRADE_REGION", region);
        env.put("UPGRADE_ACCESS_KEY_ID", account.accessKeyId());
        env.put("UPGRADE_SECRET_ACCESS_KEY", account.secretAccessKey().reveal());
        env.put("UPGRADE_MASTER_PASSWORD", masterPassword.reveal());
        return new UpgradeChildProcess(pb.start(), stderr);
    }

    /**
     * Reads lines until one matches.
     *
     * @return the matching line
     */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            String line = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("the upgrade's JVM printed no wanted line within %s; it printed %s", timeout, lines);
            }
            if (line.equals(EOF)) {
                queue.add(EOF);
                fail("the upgrade's JVM ended without printing the wanted line: %s", lines);
            }
            lines.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** SIGKILLs the child: no shutdown hooks, no finally blocks. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the killed JVM exits").isTrue();
        assertThat(process.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(128 + 9);
    }

    /** Waits for the child to end by itself and returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the upgrade's JVM did not end within %s; it printed %s", timeout, output());
        }
        return process.exitValue();
    }

    /** @return every stdout line so far, then every stderr line prefixed {@code stderr: } */
    List<String> output() throws InterruptedException {
        if (!process.isAlive()) {
            reader.join(5_000);
        }
        List<String> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.remove(EOF);
        lines.addAll(rest);
        List<String> all = new ArrayList<>(lines);
        try {
            if (Files.exists(stderr)) {
                Files.readAllLines(stderr).forEach(l -> all.add("stderr: " + l));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
