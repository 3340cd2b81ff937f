package dev.opskit.lambda.internal.image;

import dev.opskit.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Lambda would stumble on in an image, found before deploying: a platform that is not the
 * function's architecture, an entrypoint that is not in the image, and for the provided base
 * images ({@code /lambda-entrypoint.sh}) a missing {@code /var/runtime/bootstrap}, no handler, a
 * handler no file provides, and the layout where the bootstrap sources the handler from
 * {@code $LAMBDA_TASK_ROOT} ({@code /var/task}) while the file sits in
 * {@code $LAMBDA_RUNTIME_DIR} ({@code /var/runtime}): the runtime exits before asking for an
 * event and Lambda reports {@code Runtime.ExitError}.
 */
public final class ImageChecks {
    static final String PROVIDED_ENTRYPOINT = "/lambda-entrypoint.sh";

    private ImageChecks() {
    }

    /**
     * Checks an image for a function.
     *
     * @param image what the image holds
     * @param uri the image, for messages
     * @param platform the function's platform, {@code amd64} or {@code arm64}
     * @param entrypointOverride the function's ImageConfig EntryPoint, or null
     * @param commandOverride the function's ImageConfig Command, or null
     * @return a one-line summary of what was checked
     * @throws InvalidInputException naming the first problem and its fix
     */
    public static String check(ImageContents image, String uri, String platform, List<String> entrypointOverride,
            List<String> commandOverride) {
        if (!image.architecture().equals(platform)) {
            throw new InvalidInputException("image", uri, "it is built for linux/" + image.architecture()
                    + " but the function runs on " + lambdaName(platform) + "; Lambda would fail with \"exec format "
                    + "error\": build the image for linux/" + platform + " or deploy with architecture "
                    + lambdaName(image.architecture()));
        }
        List<String> entrypoint = entrypointOverride != null ? entrypointOverride : image.entrypoint();
        List<String> cmd = commandOverride != null ? commandOverride : image.cmd();
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);
        if (argv.isEmpty()) {
            throw new InvalidInputException("image", uri, "it has no ENTRYPOINT or CMD: set one in the image or the "
                    + "function's entrypoint");
        }
        String exe = argv.get(0);
        Optional<String> exeFile = exe.startsWith("/") ? image.resolve(exe) : onPath(image, exe);
        if (exeFile.isEmpty()) {
            throw new InvalidInputException("image", uri, "its entrypoint " + exe + " is not a file in the image");
        }
        if ((image.files().get(exeFile.get()).mode() & 0111) == 0) {
            throw new InvalidInputException("image", uri, "its entrypoint " + exe + " is not executable (mode "
                    + Integer.toOctalString(image.files().get(exeFile.get()).mode() & 0777) + "): give it mode 755");
        }
        if (!entrypoint.equals(List.of(PROVIDED_ENTRYPOINT))) {
            return "entrypoint " + String.join(" ", argv) + " (" + exeFile.get() + ")";
        }
        return checkProvided(image, uri, cmd);
    }

    private static String checkProvided(ImageContents image, String uri, List<String> cmd) {
        String taskRoot = orDefault(image.envValue("LAMBDA_TASK_ROOT"), "/var/task");
        String runtimeDir = orDefault(image.envValue("LAMBDA_RUNTIME_DIR"), "/var/runtime");
        Optional<String> bootstrap = image.resolve(runtimeDir + "/bootstrap");
        if (bootstrap.isEmpty()) {
            throw new InvalidInputException("image", uri, "the provided base's entrypoint runs " + runtimeDir
                    + "/bootstrap, which is not in the image: add your bootstrap there with mode 755");
        }
        if (cmd.size() != 1) {
            throw new InvalidInputException("image", uri, "the provided base's entrypoint takes exactly one argument, the "
                    + "handler (CMD [\"function.handler\"]), and exits with 142 otherwise; it has " + cmd);
        }
        String handler = cmd.get(0);
        String file = handler.contains(".") ? handler.substring(0, handler.indexOf('.')) : handler;
        String script = image.texts().getOrDefault(bootstrap.get(), "");
        List<String> inTask = providers(image, taskRoot, file);
        List<String> inRuntime = providers(image, runtimeDir, file);
        boolean sourcesTaskRoot = script.contains("$LAMBDA_TASK_ROOT") || script.contains("${LAMBDA_TASK_ROOT}");
        boolean sourcesRuntimeDir = script.contains("$LAMBDA_RUNTIME_DIR") || script.contains("${LAMBDA_RUNTIME_DIR}");
        if (sourcesTaskRoot && !sourcesRuntimeDir && inTask.isEmpty() && !inRuntime.isEmpty()) {
            throw new InvalidInputException("image", uri, "its bootstrap loads the handler from $LAMBDA_TASK_ROOT ("
                    + taskRoot + "/" + file + ".*), but the image has " + inRuntime.get(0)
                    + " in $LAMBDA_RUNTIME_DIR (" + runtimeDir + "): on Lambda the runtime exits before asking for an "
                    + "event (Runtime.ExitError). Put the handler file under " + taskRoot
                    + " (LAMBDA_TASK_ROOT, which cannot be changed), or source it from $LAMBDA_RUNTIME_DIR");
        }
        if (inTask.isEmpty() && inRuntime.isEmpty()) {
            throw new InvalidInputException("image", uri, "no file in the image provides the handler " + handler
                    + ": there is no " + file + " or " + file + ".* in " + taskRoot + " or " + runtimeDir);
        }
        String where = !inTask.isEmpty() ? inTask.get(0) : inRuntime.get(0);
        return "provided runtime: /" + bootstrap.get() + ", handler " + handler + " in /" + where;
    }

    private static List<String> providers(ImageContents image, String dir, String file) {
        String prefix = dir.replaceFirst("^/", "") + "/";
        List<String> out = new ArrayList<>();
        for (String p : image.files().keySet()) {
            if (p.startsWith(prefix) && !p.substring(prefix.length()).contains("/")) {
                String leaf = p.substring(prefix.length());
                if ((leaf.equals(file) || leaf.startsWith(file + ".")) && image.resolve("/" + p).isPresent()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static Optional<String> onPath(ImageContents image, String exe) {
        String path = orDefault(image.envValue("PATH"), "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Optional<String> f = image.resolve(dir + "/" + exe);
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isEmpty() ? d : v;
    }

    private static String lambdaName(String platform) {
        return platform.equals("amd64") ? "x86_64" : platform;
    }
}
