package dev.opskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code bin/opskit-shell} as a user runs it: it builds the tree into its own state directory,
 * derives the class path and imports from that build, keeps a class-data archive that it makes
 * again when the class path changes, and runs a script whatever state that archive is in.
 * The first test builds (a nested Maven build of the reactor, offline when it can be); the later
 * ones reuse that build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpskitShellIT {
    private static final Path ROOT = repositoryRoot();
    private static final Path STATE = Path.of(System.getProperty("opskit.it.dir", "target")).toAbsolutePath()
            .resolve("opskit-shell-it");
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile("^public\\s+(?:final\\s+|abstract\\s+|sealed\\s+|non-sealed\\s+)*(?:class|interface|record|enum)\\s+(\\w+)",
                    Pattern.MULTILINE);

    private static Path script;

    @BeforeAll
    static void cleanState() throws IOException {
        deleteTree(STATE);
        Files.createDirectories(STATE);
        script = STATE.resolve("hello.jsh");
        Files.writeString(script, "System.out.println(\"shell says \" + (6 * 7) + \" \" + Duration.ofSeconds(3));\n/exit\n");
    }

    @Test
    @Order(1)
    void firstRunBuildsTheTreeAndMakesAnArchive() throws Exception {
        Run run = shell(script);

        assertThat(run.exit).as(run.toString()).isZero();
        assertThat(run.out).contains("shell says 42 PT3S");
        assertThat(run.err).contains("building opskit").contains("preparing a class-data archive");
        assertThat(archive()).isNotEmptyFile();
        assertThat(STATE.resolve("cds/shell.key")).isNotEmptyFile();
        // Every module with classes is on the class path, from the shell's own build, not ~/.m2.
        List<String> classPath = List.of(Files.readString(STATE.resolve("classpath")).strip().split(":"));
        for (String module : modulesWithSources().keySet()) {
            assertThat(classPath).as("class path has opskit-%s", module)
                    .anySatisfy(e -> assertThat(e).startsWith(STATE.resolve("build").toString())
                            .endsWith(".jar").contains("/opskit-" + module + "-"));
        }
        assertThat(classPath).noneSatisfy(e -> assertThat(e).containsAnyOf("junit", "assertj", "jqwik"));
    }

    @Test
    @Order(2)
    void aSecondRunNeitherBuildsNorMakesAnArchive() throws Exception {
        FileTime made = Files.getLastModifiedTime(archive());

        Run run = shell(script);

        assertThat(run.exit).as(run.toString()).isZero();
        assertThat(run.out).contains("shell says 42 PT3S");
        assertThat(run.err).doesNotContain("building opskit").doesNotContain("preparing a class-data archive");
        assertThat(Files.getLastModifiedTime(archive())).isEqualTo(made);
    }

    @Test
    @Order(3)
    void importsEveryPublicPackageOfEveryModuleAndNoInternalOne() throws Exception {
        Map<String, String> packages = new TreeMap<>();   // package -> one public type in it
        modulesWithSources().values().forEach(packages::putAll);
        String imports = Files.readString(STATE.resolve("imports.jsh"));

        for (String pkg : packages.keySet()) {
            assertThat(imports).contains("import " + pkg + ".*;");
        }
        assertThat(imports).doesNotContain("internal");

        // Each package's types resolve by their simple names in a script.
        StringBuilder uses = new StringBuilder();
        packages.forEach((pkg, type) -> uses.append("System.out.println(\"resolved \" + ").append(type)
                .append(".class.getName());\n"));
        Path usesScript = STATE.resolve("imports.jsh-uses.jsh");
        Files.writeString(usesScript, uses + "/exit\n");
        Run run = shell(usesScript);

        assertThat(run.exit).as(run.toString()).isZero();
        packages.forEach((pkg, type) -> assertThat(run.out).contains("resolved " + pkg + "." + type));
        assertThat(run.out).doesNotContain("Error:").doesNotContain("cannot find symbol");
    }

    @Test
    @Order(4)
    void aChangedJarOnTheClassPathMakesANewArchive() throws Exception {
        String key = Files.readString(STATE.resolve("cds/shell.key"));
        Path jar = Path.of(Files.readString(STATE.resolve("classpath")).strip().split(":")[0]);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));

        Run run = shell(script);

        assertThat(run.exit).as(run.toString()).isZero();
        assertThat(run.out).contains("shell says 42 PT3S");
        assertThat(run.err).contains("preparing a class-data archive").doesNotContain("building opskit");
        assertThat(Files.readString(STATE.resolve("cds/shell.key"))).isNotEqualTo(key);
        assertThat(archive()).isNotEmptyFile();
    }

    @Test
    @Order(5)
    void aMissingArchiveIsMadeAgainAndTheScriptRuns() throws Exception {
        Files.delete(archive());

        Run run = shell(script);

        assertThat(run.exit).as(run.toString()).isZero();
        assertThat(run.out).contains("shell says 42 PT3S");
        assertThat(run.err).contains("preparing a class-data archive");
        assertThat(archive()).isNotEmptyFile();
    }

    @Test
    @Order(6)
    void anUnreadableArchiveOnlyCostsSpeed() throws Exception {
        // The key still matches, so the launcher uses the file; the JVM must ignore it quietly.
        Files.delete(archive());
        Files.write(archive(), "not a class-data archive".repeat(1000).getBytes(StandardCharsets.UTF_8));

        Run run = shell(script);

        assertThat(run.exit).as(run.toString()).isZero();
        assertThat(run.out).contains("shell says 42 PT3S").doesNotContain("[warning]").doesNotContain("archive");
        assertThat(run.err).doesNotContain("[warning]").doesNotContain("preparing a class-data archive");
    }

    @Test
    @Order(7)
    void anArchiveOfAnotherClassPathOnlyCostsSpeed() throws Exception {
        // A stale archive under a matching key: the JVM sees the class path differs and ignores it.
        Path other = STATE.resolve("other.jsa");
        Path jar = Path.of(Files.readString(STATE.resolve("classpath")).strip().split(":")[0]);
        Process dump = new ProcessBuilder(javaHome().resolve("bin/java").toString(), "-XX:ArchiveClassesAtExit=" + other,
                "-cp", jar.toString(), "-version").redirectErrorStream(true).redirectOutput(STATE.resolve("dump.log").toFile())
                .start();
        assertThat(dump.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(other).isNotEmptyFile();
        Files.delete(archive());
        Files.move(other, archive());

        Run run = shell(script);

        assertThat(run.exit).as(run.toString()).isZero();
        assertThat(run.out).contains("shell says 42 PT3S").doesNotContain("[warning]");
        assertThat(run.err).doesNotContain("[warning]");
    }

    @Test
    @Order(8)
    void aChangedSourceBuildsAgain() throws Exception {
        // As if a source file were newer than the last build.
        Files.setLastModifiedTime(STATE.resolve("built"), FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));

        Run run = shell(script);

        assertThat(run.exit).as(run.toString()).isZero();
        assertThat(run.out).contains("shell says 42 PT3S");
        assertThat(run.err).contains("building opskit");
        assertThat(Files.getLastModifiedTime(STATE.resolve("built")).toInstant()).isAfter(Instant.now().minusSeconds(600));
    }

    // --- helpers ------------------------------------------------------------------------------

    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static Run shell(Path jsh) throws Exception {
        Path out = Files.createTempFile(STATE, "out", ".txt");
        Path err = Files.createTempFile(STATE, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/opskit-shell").toString(), jsh.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("OPSKIT_SHELL_STATE", STATE.toString());
        pb.environment().remove("OPSKIT_SHELL_JAVA_OPTS");
        pb.environment().remove("OPSKIT_SHELL_CDS");
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/opskit-shell did not finish within 15 minutes:\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path archive() {
        return STATE.resolve("cds/shell.jsa");
    }

    /** Module folder (artifact opskit-NAME) to its public packages, each with one public type. */
    private static Map<String, Map<String, String>> modulesWithSources() throws IOException {
        Map<String, Map<String, String>> modules = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path dir : dirs.filter(d -> Files.isDirectory(d.resolve("src/main/java"))).collect(Collectors.toList())) {
                Map<String, String> packages = new TreeMap<>();
                Path src = dir.resolve("src/main/java");
                try (Stream<Path> files = Files.walk(src)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
                        String pkg = src.relativize(f.getParent()).toString().replace('/', '.');
                        if (pkg.matches("(.*\\.)?internal(\\..*)?")) {
                            continue;
                        }
                        publicType(f).ifPresent(t -> packages.putIfAbsent(pkg, t));
                    }
                }
                if (!packages.isEmpty()) {
                    modules.put(dir.getFileName().toString(), packages);
                }
            }
        }
        assertThat(modules).containsKeys("core", "rds", "ssm", "testkit");
        return modules;
    }

    private static Optional<String> publicType(Path file) throws IOException {
        String name = file.getFileName().toString().replace(".java", "");
        Matcher m = PUBLIC_TYPE.matcher(Files.readString(file));
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("bin/opskit-shell"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no bin/opskit-shell above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.delete(all.get(i));
        }
    }
}
