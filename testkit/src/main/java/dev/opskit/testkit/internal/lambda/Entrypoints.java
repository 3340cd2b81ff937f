package dev.opskit.testkit.internal.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks an image's entrypoint before it is started, to answer what Lambda answers
 * ({@code Runtime.InvalidEntrypoint} with the exec error) instead of a sandbox's own message:
 * the file must exist in the image, be executable, and be a script or a binary of this machine's
 * architecture.
 */
final class Entrypoints {
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;

    private Entrypoints() {
    }

    /** The exec error Lambda would report, or null if the entrypoint can start. */
    static String problem(Path root, List<String> argv, String path, String functionArchitecture) throws IOException {
        if (argv.isEmpty()) {
            return "fork/exec : no such file or directory (the image has no ENTRYPOINT or CMD and the function no "
                    + "ImageConfig EntryPoint)";
        }
        String exe = argv.get(0);
        Path file = null;
        if (exe.contains("/")) {
            file = RootFilesystems.inside(root, exe.startsWith("/") ? exe : "/var/task/" + exe, false);
        } else {
            for (String dir : path.split(":")) {
                Path candidate = RootFilesystems.inside(root, dir + "/" + exe, false);
                if (Files.isRegularFile(candidate)) {
                    file = candidate;
                    break;
                }
            }
        }
        if (file == null || !Files.isRegularFile(file)) {
            return "fork/exec " + exe + ": no such file or directory";
        }
        if (!Files.isExecutable(file)) {
            return "fork/exec " + exe + ": permission denied";
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(256);
        }
        if (head.length >= 2 && head[0] == '#' && head[1] == '!') {
            String line = new String(head, StandardCharsets.UTF_8).substring(2).split("\n", 2)[0].trim();
            String interpreter = line.split("\\s+")[0];
            Path i = RootFilesystems.inside(root, interpreter, false);
            if (!Files.isRegularFile(i)) {
                return "fork/exec " + exe + ": no such file or directory (its interpreter " + interpreter
                        + " is not in the image)";
            }
            return null;
        }
        if (head.length >= 20 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            int machine = (head[18] & 0xff) | (head[19] & 0xff) << 8;
            int host = hostMachine();
            if (machine != host) {
                return "fork/exec " + exe + ": exec format error (a " + name(machine) + " binary on a "
                        + name(host) + " machine; the function's architecture is " + functionArchitecture + ")";
            }
            return null;
        }
        return "fork/exec " + exe + ": exec format error";
    }

    private static int hostMachine() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") || arch.equals("arm64") ? EM_AARCH64 : EM_X86_64;
    }

    /** The Lambda architecture name of this machine: {@code x86_64} or {@code arm64}. */
    static String hostArchitecture() {
        return hostMachine() == EM_AARCH64 ? "arm64" : "x86_64";
    }

    private static String name(int machine) {
        return machine == EM_X86_64 ? "x86_64" : machine == EM_AARCH64 ? "arm64" : "machine-" + machine;
    }
}
