package dev.opskit.testkit.internal.lambda;

import dev.opskit.testkit.internal.ecr.EcrModel.Layer;
import dev.opskit.testkit.internal.ecr.EcrService.ResolvedImage;
import dev.opskit.testkit.internal.io.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The unpacked file trees of images, one per image digest, shared read-only by every execution
 * environment of that image (Lambda's "optimized" image). Layers are applied in order with the
 * OCI whiteout rules ({@code .wh.<name>} deletes, {@code .wh..wh..opq} empties a directory).
 * Entries are resolved inside the tree as a chroot would (absolute symlinks stay inside), so a
 * layer can never write outside it.
 */
final class RootFilesystems {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final Path dir;
    private final Map<String, Path> ready = new ConcurrentHashMap<>();

    RootFilesystems(Path dir) {
        this.dir = dir;
    }

    /** An image that cannot be unpacked: a layer that is not a tar, or a blob that is gone. */
    static final class InvalidImageException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidImageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The image's tree, unpacked on first use.
     *
     * @throws InvalidImageException if a layer cannot be read
     */
    Path rootOf(ResolvedImage image) throws InvalidImageException {
        String key = image.image().digest().substring("sha256:".length());
        Path done = ready.get(key);
        if (done != null) {
            return done;
        }
        synchronized (this) {
            done = ready.get(key);
            if (done != null) {
                return done;
            }
            Path root = dir.resolve(key);
            Path work = dir.resolve(key + ".partial");
            try {
                FileTrees.deleteTree(work);
                Files.createDirectories(work);
                for (Layer layer : image.image().layers()) {
                    Path blob = image.registry().blob(layer.digest());
                    if (!Files.exists(blob)) {
                        throw new InvalidImageException("layer " + layer.digest() + " of " + image.uri()
                                + " is missing from the registry", null);
                    }
                    apply(work, blob, layer.digest());
                }
                // Mount points the sandbox needs on a read-only root.
                for (String mount : new String[] {"tmp", "proc", "dev", "var/task", "var/runtime", "opt"}) {
                    Files.createDirectories(inside(work, mount, true));
                }
                FileTrees.deleteTree(root);
                Files.move(work, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                throw new InvalidImageException("cannot unpack " + image.uri() + ": " + e.getMessage(), e);
            }
            ready.put(key, root);
            return root;
        }
    }

    private static void apply(Path root, Path blob, String digest) throws IOException, InvalidImageException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(blob))) {
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            InputStream in = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry e;
                boolean any = false;
                while ((e = tar.getNextEntry()) != null) {
                    any = true;
                    extract(root, tar, e);
                }
                if (!any && Files.size(blob) > 1024) {
                    throw new InvalidImageException("layer " + digest + " is not a tar archive", null);
                }
            }
        } catch (IOException e) {
            throw new InvalidImageException("layer " + digest + " is not a (gzipped) tar archive: " + e.getMessage(), e);
        }
    }

    private static void extract(Path root, TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
        String name = e.getName();
        while (name.startsWith("./") || name.startsWith("/")) {
            name = name.startsWith("./") ? name.substring(2) : name.substring(1);
        }
        if (name.isEmpty() || name.equals(".")) {
            return;
        }
        if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        int slash = name.lastIndexOf('/');
        String base = name.substring(slash + 1);
        String parent = slash < 0 ? "" : name.substring(0, slash);
        if (base.equals(OPAQUE)) {
            Path d = inside(root, parent, true);
            if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                try (var children = Files.list(d)) {
                    for (Path c : children.toList()) {
                        FileTrees.deleteTree(c);
                    }
                }
            }
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            Path d = inside(root, parent, true);
            Path gone = d.resolve(base.substring(WHITEOUT.length()));
            if (Files.exists(gone, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.deleteTree(gone);
            }
            return;
        }
        Path target = inside(root, parent, true).resolve(base);
        if (!target.normalize().startsWith(root)) {
            return;
        }
        if (e.isDirectory()) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(target);
                Files.createDirectories(target);
            }
            permissions(target, e.getMode() | 0700);
            return;
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            FileTrees.deleteTree(target);
        } else {
            Files.deleteIfExists(target);
        }
        if (e.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
            Path source = inside(root, e.getLinkName(), false);
            try {
                Files.createLink(target, source);
            } catch (FileAlreadyExistsException | UnsupportedOperationException x) {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } else if (e.isFile()) {
            Files.copy(tar, target);
            permissions(target, e.getMode());
        }
        // Devices, FIFOs and the like are not needed to run a function: left out.
    }

    /**
     * A path inside the tree as the sandbox will see it: each component resolved with the
     * tree as its root, symlinks followed (absolute ones from the tree's root), never leaving it.
     *
     * @param makeDirs create missing directories on the way
     */
    static Path inside(Path root, String path, boolean makeDirs) throws IOException {
        Path current = root;
        int hops = 0;
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
        for (String part : path.split("/")) {
            todo.add(part);
        }
        while (!todo.isEmpty()) {
            String part = todo.poll();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(root) ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++hops > 40) {
                    throw new IOException("too many symbolic links in " + path);
                }
                String link = Files.readSymbolicLink(next).toString();
                java.util.ArrayDeque<String> expanded = new java.util.ArrayDeque<>();
                for (String p : link.split("/")) {
                    expanded.add(p);
                }
                expanded.addAll(todo);
                todo = expanded;
                if (link.startsWith("/")) {
                    current = root;
                }
                continue;
            }
            if (makeDirs && !todo.isEmpty() && !Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(next);
            }
            current = next;
        }
        if (makeDirs && !Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(current);
        }
        return current;
    }

    private static void permissions(Path p, int mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(order[i]);
            }
        }
        Files.setPosixFilePermissions(p, perms);
    }

    void close() {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the unpacked images under " + dir, e);
        }
    }
}
