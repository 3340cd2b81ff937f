package dev.opskit.testkit.internal.db;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM killed with SIGKILL leaves servers running; the next DbServers on the same base dir removes them. */
class DbServersCleanupIT {

    @Test
    void nextRunKillsServersAndDeletesDataOfAKilledJvm() throws Exception {
        Path base = Path.of(System.getProperty("opskit.it.dir", "target"), "db-cleanup-it").toAbsolutePath();
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                OrphanedRunMain.class.getName(), base.toString()).redirectErrorStream(true).start();
        int port;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            port = readPort(out);
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            jvm.destroyForcibly();
        }
        List<Path> pidFiles = pidFiles(base);
        assertThat(pidFiles).hasSize(1);
        long serverPid = Long.parseLong(Files.readString(pidFiles.get(0)).trim());
        Optional<ProcessHandle> orphan = ProcessHandle.of(serverPid);
        assertThat(orphan).as("the killed JVM's server still runs").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        assertThat(accepts(port)).isTrue();

        try (DbServers next = new DbServers(base)) {
            assertThat(orphan.get().isAlive()).isFalse();
            assertThat(accepts(port)).isFalse();
            assertThat(pidFiles(base)).isEmpty();
            try (Stream<Path> runs = Files.list(base)) {
                assertThat(runs.filter(p -> p.getFileName().toString().startsWith("run-")).count()).isEqualTo(1);
            }
            assertThat(next.servers()).isEmpty();
        } finally {
            orphan.ifPresent(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> runs = Files.list(base)) {
            assertThat(runs.filter(p -> p.getFileName().toString().startsWith("run-")).count())
                    .as("close() deletes its own run directory").isZero();
        }
    }

    private static int readPort(BufferedReader out) throws IOException {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            if (line.startsWith("PORT ")) {
                return Integer.parseInt(line.substring(5).trim());
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the child JVM ended without starting a server:\n" + seen);
    }

    private static List<Path> pidFiles(Path base) throws IOException {
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(p -> p.getFileName().toString().equals("mariadbd.pid")).toList();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
