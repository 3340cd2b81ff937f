package dev.opskit.testkit.internal.lambda;

import dev.opskit.testkit.internal.io.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories ECR and Lambda keep blobs and unpacked images in: one per LocalAws under the
 * data directory, with the owning process's pid, deleted on close; those of a process that is
 * gone (killed with SIGKILL) are deleted by the next LocalAws that makes one.
 */
public final class WorkDirs {
    private static final Logger LOG = LoggerFactory.getLogger(WorkDirs.class);
    private static final String OWNER = ".owner";

    private WorkDirs() {
    }

    /** A new directory {@code <prefix><random>} under {@code dataDir}, after removing stale ones. */
    public static Path create(Path dataDir, String prefix) {
        try {
            Files.createDirectories(dataDir);
            removeStale(dataDir, prefix);
            Path dir = Files.createTempDirectory(dataDir, prefix);
            Files.writeString(dir.resolve(OWNER), Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + dataDir, e);
        }
    }

    private static void removeStale(Path dataDir, String prefix) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, prefix + "*")) {
            for (Path d : dirs) {
                Path owner = d.resolve(OWNER);
                if (!Files.isRegularFile(owner)) {
                    continue;
                }
                long pid = Long.parseLong(Files.readString(owner, StandardCharsets.UTF_8).trim());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                LOG.info("removing {}, left by process {} that is gone", d, pid);
                FileTrees.deleteTree(d);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("could not look for stale directories under {}", dataDir, e);
        }
    }
}
