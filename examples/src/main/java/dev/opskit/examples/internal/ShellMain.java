package dev.opskit.examples.internal;

import jdk.jshell.tool.JavaShellToolBuilder;

/**
 * The entry point of {@code bin/opskit-shell}: JShell's own tool, started from the class path
 * rather than as the {@code jdk.jshell} module's main class. That way the JVM keeps its default
 * module graph, which the JDK's class-data archive holds ready; {@code -m} or
 * {@code --add-modules} make it resolve the graph anew, about 80 ms of every start.
 */
public final class ShellMain {
    private ShellMain() {
    }

    /**
     * Runs JShell with these arguments and exits with its status.
     *
     * @param args JShell's command-line arguments
     * @throws Exception if JShell cannot start
     */
    public static void main(String[] args) throws Exception {
        System.exit(JavaShellToolBuilder.builder().start(args));
    }
}
