package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The standalone launcher in its own JVM, as {@code testkit/local-aws} runs it: its lines on
 * stdout (endpoint, credentials, account, region, the local instance), a working endpoint (checked with the AWS CLI), and a clean stop on SIGTERM.
 */
class LauncherIT {

    @Test
    void printsEndpointAndCredentialsServesTheCliAndStopsOnSigterm() throws Exception {
        assumeTrue(Files.isExecutable(StsCliIT.AWS_CLI), "the AWS CLI is not installed at /usr/bin/aws");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", classpath,
                "dev.opskit.testkit.internal.server.Main", "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Map<String, String> lines = new LinkedHashMap<>();
            for (int i = 0; i < 6; i++) {
                String line = out.readLine();
                assertThat(line).as("line %d of the launcher's output", i + 1).isNotNull().contains("=");
                lines.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
            assertThat(lines.keySet()).containsExactly("endpoint", "aws_access_key_id", "aws_secret_access_key", "account",
                    "region", "instance");
            assertThat(lines.get("instance")).matches("i-[0-9a-f]{17}");
            assertThat(lines.get("account")).isEqualTo(LocalAws.DEFAULT_ACCOUNT_ID);
            URI endpoint = URI.create(lines.get("endpoint"));
            assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");

            Process cli = cli(endpoint, lines.get("aws_access_key_id"), lines.get("aws_secret_access_key"));
            String identity = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).isZero();
            assertThat(identity).contains("\"Account\": \"" + LocalAws.DEFAULT_ACCOUNT_ID + "\"");

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("launcher exits after SIGTERM").isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
            try (ServerSocket s = new ServerSocket(endpoint.getPort(), 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(endpoint.getPort());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static Process cli(URI endpoint, String akid, String secret) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(StsCliIT.AWS_CLI.toString(), "--endpoint-url", endpoint.toString(),
                "--output", "json", "sts", "get-caller-identity"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", akid);
        env.put("AWS_SECRET_ACCESS_KEY", secret);
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_PAGER", "");
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        return pb.start();
    }
}
