package dev.opskit.testkit.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    @Test
    void deletesTheTreeButNotWhatALinkPointsTo() throws IOException {
        Path outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("keep"), "x");
        Path tree = tmp.resolve("tree");
        Files.writeString(Files.createDirectories(tree.resolve("a/b")).resolve("f"), "x");
        Files.createSymbolicLink(tree.resolve("a/link"), outside.getParent());

        FileTrees.deleteTree(tree);
        FileTrees.deleteTree(tree);

        assertThat(tree).doesNotExist();
        assertThat(outside).hasContent("x");
    }

    @Test
    void filesDeletedByAnotherThreadDuringTheWalkAreNoError() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path tree = tmp.resolve("tree-" + round);
            List<Path> files = new ArrayList<>();
            for (int d = 0; d < 10; d++) {
                Path dir = Files.createDirectories(tree.resolve("d" + d));
                for (int f = 0; f < 50; f++) {
                    files.add(Files.writeString(dir.resolve("f" + f), ""));
                }
            }
            CountDownLatch go = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                go.countDown();
                for (int i = files.size() - 1; i >= 0; i--) {
                    files.get(i).toFile().delete();
                }
            });
            other.start();
            go.await();

            FileTrees.deleteTree(tree);
            other.join();

            assertThat(tree).doesNotExist();
        }
    }
}
