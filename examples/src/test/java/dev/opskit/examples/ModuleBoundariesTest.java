package dev.opskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every opskit module keeps its {@code internal} packages to itself: no class of one module
 * depends on another module's {@code dev.opskit.<module>.internal} packages, as jdeps reads the
 * compiled classes; and each jar names itself after its root package.
 */
class ModuleBoundariesTest {
    private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.opskit\\.[\\w.]+)\\s+->\\s+(dev\\.opskit\\.[\\w.]+)");
    private static final Pattern INTERNAL = Pattern.compile("^dev\\.opskit\\.(\\w+)\\.internal(\\..*)?$");

    /** The opskit modules on the test class path, by root package name ({@code core}, {@code rds}, ...). */
    private static Map<String, Path> modules() {
        Map<String, Path> found = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            String module = rootPackage(p);
            if (module != null && !module.equals("examples")) {
                found.put(module, p);
            }
        }
        return found;
    }

    private static String rootPackage(Path entry) {
        try {
            if (Files.isDirectory(entry)) {
                Path base = entry.resolve("dev/opskit");
                if (!Files.isDirectory(base)) {
                    return null;
                }
                try (Stream<Path> children = Files.list(base)) {
                    return children.filter(Files::isDirectory).map(c -> c.getFileName().toString()).findFirst()
                            .orElse(null);
                }
            }
            if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
                try (JarFile jar = new JarFile(entry.toFile())) {
                    return jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("dev/opskit/") && n.endsWith(".class"))
                            .map(n -> n.split("/")[2]).findFirst().orElse(null);
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void noModuleUsesAnotherModulesInternalPackages() {
        Map<String, Path> modules = modules();
        assertThat(modules).as("opskit modules on the class path").containsKeys("core", "testkit", "rds", "ssm");
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        String classPath = String.join(java.io.File.pathSeparator,
                System.getProperty("java.class.path").split(java.io.File.pathSeparator));
        List<String> violations = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        for (Map.Entry<String, Path> m : modules.entrySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                    "-verbose:package", "--multi-release", "17", "-cp", classPath, m.getValue().toString());
            assertThat(rc).as("jdeps on %s", m.getValue()).isZero();
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                Matcher edge = EDGE.matcher(line);
                if (!edge.find()) {
                    continue;
                }
                seen.add(edge.group(1) + " -> " + edge.group(2));
                Matcher internal = INTERNAL.matcher(edge.group(2));
                if (internal.matches() && !internal.group(1).equals(m.getKey())) {
                    violations.add(m.getKey() + ": " + edge.group(1) + " -> " + edge.group(2));
                }
            }
        }
        // The check saw real edges (so an empty violation list means something).
        assertThat(seen).anyMatch(e -> e.startsWith("dev.opskit.rds") && e.endsWith("-> dev.opskit.core"));
        assertThat(seen).anyMatch(e -> e.matches("dev\\.opskit\\.rds(\\..*)? -> dev\\.opskit\\.rds\\.internal.*"));
        assertThat(violations).as("uses of another module's internal packages").isEmpty();
    }

    @Test
    void everyJarNamesItsModuleAfterItsRootPackage() throws IOException {
        for (Map.Entry<String, Path> m : modules().entrySet()) {
            if (!m.getValue().toString().endsWith(".jar")) {
                continue; // classes directories (a build that stopped before package) carry no manifest
            }
            try (JarFile jar = new JarFile(m.getValue().toFile())) {
                assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                        .as("Automatic-Module-Name of %s", m.getValue()).isEqualTo("dev.opskit." + m.getKey());
            }
        }
    }
}
