package dev.opskit.testkit.internal.lambda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How an execution environment's process is isolated: bubblewrap ({@code bwrap}), with the
 * image's unpacked tree as a read-only root, a fresh {@code /tmp}, {@code /proc} and {@code /dev},
 * its own PID, IPC and UTS namespaces, uid 993 as on Lambda, killed with its parent. The network
 * is the host's, so that the runtime reaches the Runtime API on 127.0.0.1 (on Lambda it is
 * 127.0.0.1:9001 inside the sandbox). No Docker and no root needed.
 */
final class Sandbox {
    static final int UID = 993;
    static final int GID = 990;
    private static volatile Boolean available;

    private Sandbox() {
    }

    /** The bwrap binary, if installed ({@code apt-get install bubblewrap}). */
    static Path bwrap() {
        for (String p : new String[] {"/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"}) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    /** Whether bwrap is installed and can make namespaces here (checked once). */
    static boolean available() {
        Boolean a = available;
        if (a == null) {
            a = probe();
            available = a;
        }
        return a;
    }

    private static boolean probe() {
        Path bwrap = bwrap();
        if (bwrap == null) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(bwrap.toString(), "--unshare-user", "--uid", Integer.toString(UID),
                    "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The command line that runs {@code argv} in {@code root} with working directory {@code cwd}. */
    static List<String> command(Path root, String cwd, String hostname, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of(bwrap().toString(),
                "--unshare-user", "--uid", Integer.toString(UID), "--gid", Integer.toString(GID),
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--hostname", hostname,
                "--die-with-parent", "--new-session",
                "--ro-bind", root.toString(), "/",
                "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--chdir", cwd, "--"));
        cmd.addAll(argv);
        return cmd;
    }
}
