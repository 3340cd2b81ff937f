package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.core.Secret;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
        AwsCli.assumeInstalled();
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

            AwsCli.Result identity = AwsCli.of(endpoint, lines.get("aws_access_key_id"),
                    Secret.of(lines.get("aws_secret_access_key")), "us-east-1").run("sts", "get-caller-identity");
            assertThat(identity.exit()).as(identity.err()).isZero();
            assertThat(identity.out()).contains("\"Account\": \"" + LocalAws.DEFAULT_ACCOUNT_ID + "\"");

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
}
