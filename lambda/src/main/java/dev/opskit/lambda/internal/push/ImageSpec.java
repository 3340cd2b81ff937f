package dev.opskit.lambda.internal.push;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to build, as {@code ContainerImage} collected it.
 *
 * @param base the base image reference, or null for scratch
 * @param files source file to absolute target, in order
 * @param entrypoint ENTRYPOINT or null for the base's
 * @param cmd CMD or null for the base's
 * @param env environment variables
 * @param workdir working directory or null
 * @param platform {@code amd64} or {@code arm64}
 * @param mirrors registry to mirror host
 */
public record ImageSpec(String base, List<Map.Entry<Path, String>> files, List<String> entrypoint, List<String> cmd,
        Map<String, String> env, String workdir, String platform, Map<String, String> mirrors) {
    public ImageSpec {
        files = List.copyOf(files);
        env = Map.copyOf(env);
        mirrors = Map.copyOf(mirrors);
    }
}
