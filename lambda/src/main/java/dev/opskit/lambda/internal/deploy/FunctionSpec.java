package dev.opskit.lambda.internal.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a deploy wants, checked by the setup before any call.
 *
 * @param name the function name
 * @param image the image URI as given (tag or digest)
 * @param role the execution role ARN
 * @param memory MB
 * @param timeout seconds
 * @param env environment variables
 * @param architecture Lambda's name, {@code x86_64} or {@code arm64}
 * @param platform the image platform, {@code amd64} or {@code arm64}
 * @param entrypoint ImageConfig EntryPoint, or null
 * @param command ImageConfig Command, or null
 * @param workdir ImageConfig WorkingDirectory, or null
 * @param description the description, or null
 * @param alias the alias to move, or null for none
 * @param smokePayload the smoke test's event, or null for no smoke test
 * @param deadline how long each step may take
 */
public record FunctionSpec(String name, String image, String role, int memory, int timeout, Map<String, String> env,
        String architecture, String platform, List<String> entrypoint, List<String> command, String workdir,
        String description, String alias, String smokePayload, Duration deadline) {
    public FunctionSpec {
        env = Map.copyOf(env);
    }
}
