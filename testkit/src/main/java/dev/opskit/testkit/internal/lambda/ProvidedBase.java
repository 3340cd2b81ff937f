package dev.opskit.testkit.internal.lambda;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.testkit.internal.ecr.EcrModel;
import dev.opskit.testkit.internal.ecr.EcrModel.Registry;
import dev.opskit.testkit.internal.ecr.EcrService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * LocalAws's stand-in for the {@code public.ecr.aws/lambda/provided} base images (tags
 * {@code al2023}, {@code al2} and {@code latest}), served by the public gallery registry. No
 * public image can be pulled here, so its one layer is made from this machine's own programs
 * with the libraries they load: bash (also as {@code /bin/sh}, as on Amazon Linux, where
 * {@code sh} is bash, unlike Debian's dash), curl, coreutils, grep, sed, awk, find and xargs.
 * Like the real image it has {@code /lambda-entrypoint.sh} as entrypoint (one argument, the
 * handler, or exit 142), {@code LAMBDA_TASK_ROOT=/var/task}, {@code LAMBDA_RUNTIME_DIR=/var/runtime},
 * working directory {@code /var/task}, and runs {@code /var/runtime/bootstrap}. Made once per JVM.
 */
final class ProvidedBase {
    static final String REPOSITORY = "lambda/provided";
    static final List<String> TAGS = List.of("al2023", "al2", "latest");
    private static final List<String> PROGRAMS = List.of("bash", "curl", "cat", "cut", "tr", "echo", "mktemp", "env",
            "ls", "mkdir", "rm", "cp", "mv", "head", "tail", "sleep", "date", "printf", "true", "false", "wc", "sort",
            "uniq", "tee", "basename", "dirname", "id", "uname", "chmod", "touch", "test", "[", "seq", "base64",
            "sha256sum", "md5sum", "realpath", "readlink", "stat", "ln", "pwd", "expr", "od", "grep", "sed", "awk",
            "find", "xargs", "sh", "timeout", "kill", "ps", "jq");
    private static final String ENTRYPOINT = """
            #!/bin/sh
            # LocalAws's stand-in of the provided base image's entrypoint: the handler is the one argument.
            if [ $# -ne 1 ]; then
              echo "entrypoint requires the handler name to be the first argument" 1>&2
              exit 142
            fi
            export _HANDLER="$1"
            exec /var/runtime/bootstrap
            """;

    private static volatile Built built;

    private ProvidedBase() {
    }

    private record Built(byte[] layer, String diffId, String architecture) {
    }

    /**
     * Puts the base image into the public gallery (once per gallery).
     *
     * @param cache where the layer is kept between runs, keyed by the programs it holds and the
     *     package database's age (so an upgrade of this machine's packages makes a new one)
     */
    static synchronized void publish(EcrService ecr, Path cache) {
        Registry gallery = ecr.gallery();
        if (ecr.galleryHas(REPOSITORY, TAGS.get(0))) {
            return;
        }
        ecr.galleryRepository(REPOSITORY);
        Built b = build(cache);
        String layerDigest = ecr.storeBlob(gallery, REPOSITORY, b.layer());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", b.architecture());
        config.put("os", "linux");
        config.put("created", "1970-01-01T00:00:00Z");
        config.put("config", Map.of(
                "Env", List.of("LANG=en_US.UTF-8", "TZ=:/etc/localtime",
                        "PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
                        "LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
                        "LAMBDA_TASK_ROOT=/var/task", "LAMBDA_RUNTIME_DIR=/var/runtime"),
                "Entrypoint", List.of("/lambda-entrypoint.sh"),
                "WorkingDir", "/var/task"));
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(b.diffId())));
        config.put("history", List.of(Map.of("created", "1970-01-01T00:00:00Z",
                "created_by", "LocalAws stand-in of public.ecr.aws/lambda/provided from this machine's programs")));
        byte[] configBytes = json(config);
        String configDigest = ecr.storeBlob(gallery, REPOSITORY, configBytes);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", EcrModel.DOCKER_MANIFEST);
        manifest.put("config", Map.of("mediaType", "application/vnd.docker.container.image.v1+json",
                "size", configBytes.length, "digest", configDigest));
        manifest.put("layers", List.of(Map.of("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size", b.layer().length, "digest", layerDigest)));
        byte[] manifestBytes = json(manifest);
        for (String tag : TAGS) {
            ecr.putManifest(gallery, REPOSITORY, tag, EcrModel.DOCKER_MANIFEST, manifestBytes);
        }
    }

    private static Built build(Path cache) {
        Built b = built;
        if (b == null) {
            b = cached(cache);
            built = b;
        }
        return b;
    }

    private static Built cached(Path cache) {
        String key = key();
        Path layer = cache.resolve("provided-" + key + ".tar.gz");
        Path diff = cache.resolve("provided-" + key + ".diffid");
        try {
            if (Files.isRegularFile(layer) && Files.isRegularFile(diff)) {
                return new Built(Files.readAllBytes(layer), Files.readString(diff).trim(), platform());
            }
        } catch (IOException e) {
            // made again below
        }
        Built b = make();
        try {
            Files.createDirectories(cache);
            Path tmp = Files.createTempFile(cache, "provided", ".tmp");
            Files.write(tmp, b.layer());
            Files.move(tmp, layer, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path tmpDiff = Files.createTempFile(cache, "provided", ".tmp");
            Files.writeString(tmpDiff, b.diffId());
            Files.move(tmpDiff, diff, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            // Layers of programs since upgraded are of no use any more.
            try (var old = Files.newDirectoryStream(cache, "provided-*")) {
                for (Path p : old) {
                    if (!p.getFileName().toString().startsWith("provided-" + key + ".")) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            // The cache is only a shortcut.
        }
        return b;
    }

    /** What the layer depends on: the programs' sizes and times and the package database's time. */
    private static String key() {
        StringBuilder k = new StringBuilder("v1");
        for (String program : PROGRAMS) {
            Path p = find(program);
            if (p != null) {
                try {
                    k.append(p).append(Files.size(p)).append(Files.getLastModifiedTime(p).toMillis());
                } catch (IOException e) {
                    k.append(p);
                }
            }
        }
        try {
            k.append(Files.getLastModifiedTime(Path.of("/var/lib/dpkg/status")).toMillis());
        } catch (IOException e) {
            k.append("no-dpkg");
        }
        return HexFormat.of().formatHex(sha256(k.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    private static String platform() {
        return Entrypoints.hostArchitecture().equals("arm64") ? "arm64" : "amd64";
    }

    private static Built make() {
        try {
            Map<String, Entry> entries = new TreeMap<>();
            Set<Path> files = new LinkedHashSet<>();
            List<Path> programs = new ArrayList<>();
            for (String program : PROGRAMS) {
                Path p = find(program);
                if (p != null) {
                    programs.add(p);
                }
            }
            files.addAll(programs);
            files.addAll(libraries(programs));
            for (Path f : files) {
                add(entries, f, 0);
            }
            // A merged /usr as on Amazon Linux 2023: /bin, /lib, /lib64 and /sbin point into /usr.
            for (String top : List.of("bin", "sbin", "lib", "lib64")) {
                Path p = Path.of("/", top);
                if (Files.isSymbolicLink(p)) {
                    entries.put(top, Entry.link(Files.readSymbolicLink(p).toString()));
                }
            }
            // Amazon Linux's sh is bash; Debian's is dash, which the seed's `set -o pipefail` and `source` break.
            entries.remove("usr/bin/sh");
            entries.remove("bin/sh");
            entries.put("usr/bin/sh", Entry.link("bash"));
            for (String d : List.of("tmp", "var/task", "var/runtime", "var/lang/bin", "opt", "proc", "dev", "etc")) {
                entries.putIfAbsent(d, Entry.directory());
            }
            entries.put("etc/passwd", Entry.file(("root:x:0:0:root:/root:/bin/bash\n"
                    + "sbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n").getBytes(StandardCharsets.UTF_8), 0644));
            entries.put("etc/group", Entry.file("root:x:0:\nsbx_user1051:x:990:\n".getBytes(StandardCharsets.UTF_8), 0644));
            entries.put("etc/os-release", Entry.file(("NAME=\"LocalAws provided (host programs)\"\nID=localaws\n")
                    .getBytes(StandardCharsets.UTF_8), 0644));
            entries.put("lambda-entrypoint.sh", Entry.file(ENTRYPOINT.getBytes(StandardCharsets.UTF_8), 0755));
            ByteArrayOutputStream tar = new ByteArrayOutputStream(32 << 20);
            try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                Set<String> dirs = new LinkedHashSet<>();
                for (Map.Entry<String, Entry> e : entries.entrySet()) {
                    String name = e.getKey();
                    for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
                        String d = name.substring(0, i);
                        if (!entries.containsKey(d) && dirs.add(d)) {
                            write(out, d, Entry.directory());
                        }
                    }
                    write(out, name, e.getValue());
                }
            }
            byte[] raw = tar.toByteArray();
            ByteArrayOutputStream gz = new ByteArrayOutputStream(raw.length / 2);
            try (GZIPOutputStream z = new GZIPOutputStream(gz, 1 << 16) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            }) {
                z.write(raw);
            }
            return new Built(gz.toByteArray(), "sha256:" + HexFormat.of().formatHex(sha256(raw)), platform());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the provided base image from this machine's programs", e);
        }
    }

    private record Entry(byte[] content, String link, int mode, boolean isDir) {
        static Entry file(byte[] content, int mode) {
            return new Entry(content, null, mode, false);
        }

        static Entry link(String target) {
            return new Entry(null, target, 0777, false);
        }

        static Entry directory() {
            return new Entry(null, null, 0755, true);
        }
    }

    private static void write(TarArchiveOutputStream out, String name, Entry e) throws IOException {
        TarArchiveEntry t;
        if (e.isDir()) {
            t = new TarArchiveEntry(name + "/");
        } else if (e.link() != null) {
            t = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            t.setLinkName(e.link());
        } else {
            t = new TarArchiveEntry(name);
            t.setSize(e.content().length);
        }
        t.setMode(e.mode());
        t.setModTime(0);
        out.putArchiveEntry(t);
        if (e.content() != null) {
            out.write(e.content());
        }
        out.closeArchiveEntry();
    }

    /** Adds a host path as it is: symlinks (of the path and its directories) as symlinks, files by content. */
    private static void add(Map<String, Entry> entries, Path path, int depth) throws IOException {
        if (depth > 20) {
            return;
        }
        Path abs = path.toAbsolutePath().normalize();
        Path resolvedDir = Path.of("/");
        for (Path part : abs.getParent() == null ? List.<Path>of() : abs.getParent()) {
            Path next = resolvedDir.resolve(part.toString());
            if (Files.isSymbolicLink(next)) {
                Path target = Files.readSymbolicLink(next);
                entries.put(rel(next), Entry.link(target.toString()));
                next = next.getParent().resolve(target).normalize();
            }
            resolvedDir = next.toRealPath();
        }
        Path here = resolvedDir.resolve(abs.getFileName().toString());
        if (Files.isSymbolicLink(here)) {
            Path target = Files.readSymbolicLink(here);
            entries.put(rel(here), Entry.link(target.toString()));
            add(entries, here.getParent().resolve(target), depth + 1);
        } else if (Files.isRegularFile(here, LinkOption.NOFOLLOW_LINKS)) {
            entries.put(rel(here), Entry.file(Files.readAllBytes(here), mode(here)));
        }
    }

    private static String rel(Path p) {
        return p.toString().substring(1);
    }

    private static int mode(Path p) throws IOException {
        int mode = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p)) {
            mode |= switch (perm) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }

    private static Path find(String program) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The shared libraries programs load, with the dynamic loader, as one {@code ldd} run lists them. */
    private static List<Path> libraries(List<Path> programs) throws IOException {
        List<Path> out = new ArrayList<>();
        List<String> cmd = new ArrayList<>(List.of("ldd"));
        programs.forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text;
        try (InputStream in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String line : text.split("\n")) {
            line = line.trim();
            if (line.endsWith(":")) {
                continue;
            }
            int arrow = line.indexOf("=> ");
            String path = arrow >= 0 ? line.substring(arrow + 3) : line;
            int paren = path.indexOf(" (");
            if (paren >= 0) {
                path = path.substring(0, paren);
            }
            if (path.startsWith("/")) {
                out.add(Path.of(path.trim()));
            }
        }
        return out;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] json(Object o) {
        try {
            return JSON.std.asBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
