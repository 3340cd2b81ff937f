package dev.opskit.testkit.internal.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths inside an unpacked image resolve as in a chroot: symlinks and .. never lead out of it. */
class RootFilesystemsTest {
    @TempDir
    Path root;

    @Test
    void absoluteSymlinksAndDotDotStayInsideTheTree() throws Exception {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/bash"), "x");
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("bash"));
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/opt/etc"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../.."));

        assertThat(RootFilesystems.inside(root, "/bin/sh", false)).isEqualTo(root.resolve("usr/bin/bash"));
        assertThat(RootFilesystems.inside(root, "/etc/passwd", false)).isEqualTo(root.resolve("opt/etc/passwd"));
        assertThat(RootFilesystems.inside(root, "/../../../etc/passwd", false)).isEqualTo(root.resolve("opt/etc/passwd"));
        assertThat(RootFilesystems.inside(root, "/up/etc/shadow", false)).isEqualTo(root.resolve("opt/etc/shadow"));
        assertThatThrownBy(() -> RootFilesystems.inside(root, "/loop/x", false)).hasMessageContaining("too many symbolic links");
        Path made = RootFilesystems.inside(root, "/etc/new/dir", true);
        assertThat(made).startsWith(root);
        assertThat(Files.isDirectory(made)).isTrue();
        assertThat(Files.exists(Path.of("/etc/new/dir"))).isFalse();
    }

    @Test
    void theBaseImageEntrypointRefusesAMissingInterpreter() throws Exception {
        Files.createDirectories(root.resolve("var/runtime"));
        Path script = Files.writeString(root.resolve("var/runtime/bootstrap"), "#!/bin/sh\necho hi\n");
        script.toFile().setExecutable(true);
        assertThat(Entrypoints.problem(root, java.util.List.of("/var/runtime/bootstrap"), "/usr/bin", "x86_64"))
                .contains("its interpreter /bin/sh is not in the image");
        assertThat(Entrypoints.problem(root, java.util.List.of("/nope"), "/usr/bin", "x86_64"))
                .isEqualTo("fork/exec /nope: no such file or directory");
    }
}
