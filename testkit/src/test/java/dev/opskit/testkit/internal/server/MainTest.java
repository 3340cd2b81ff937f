package dev.opskit.testkit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.testkit.internal.server.Main.Options;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher's command line: the region from --region, else the AWS CLI's variables, else us-east-1. */
class MainTest {
    private static final String[] NONE = {};

    @Test
    void regionComesFromTheOptionFirstThenAwsRegionThenAwsDefaultRegion() {
        Map<String, String> both = Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-west-2");

        assertThat(Options.parse(new String[] {"--region", "ap-northeast-1"}, both).region()).isEqualTo("ap-northeast-1");
        assertThat(Options.parse(NONE, both).region()).isEqualTo("eu-west-1");
        assertThat(Options.parse(NONE, Map.of("AWS_DEFAULT_REGION", "ap-northeast-1")).region())
                .isEqualTo("ap-northeast-1");
        assertThat(Options.parse(NONE, Map.of("AWS_REGION", " ", "AWS_DEFAULT_REGION", "sa-east-1")).region())
                .as("a blank AWS_REGION is not set").isEqualTo("sa-east-1");
        assertThat(Options.parse(NONE, Map.of()).region()).isEqualTo("us-east-1");
    }

    @Test
    void portAndDataDirectoryAreRead() {
        Options o = Options.parse(new String[] {"--port", "0", "--data-dir", "/tmp/x"}, Map.of());

        assertThat(o.port()).isZero();
        assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.help()).isFalse();
        assertThat(Options.parse(NONE, Map.of()).port()).isEqualTo(4566);
        assertThat(Options.parse(new String[] {"--help"}, Map.of()).help()).isTrue();
    }

    @Test
    void aBadCommandLineSaysWhatIsWrong() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--region"}, Map.of()))
                .hasMessage("--region needs a value");
        assertThatThrownBy(() -> Options.parse(new String[] {"--port", "70000"}, Map.of()))
                .hasMessage("--port must be 0 to 65535, got '70000'");
        assertThatThrownBy(() -> Options.parse(new String[] {"--regoin", "x"}, Map.of()))
                .hasMessage("unknown argument '--regoin'");
    }
}
