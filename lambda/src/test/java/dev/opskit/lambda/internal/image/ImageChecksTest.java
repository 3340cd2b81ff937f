package dev.opskit.lambda.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageChecksTest {
    private static final String SEED_BOOTSTRAP = "#!/bin/sh\nset -euo pipefail\n"
            + "source $LAMBDA_TASK_ROOT/\"$(echo $_HANDLER | cut -d. -f1).sh\"\nwhile true\ndo\n  :\ndone\n";
    private static final List<String> ENV = List.of("PATH=/usr/local/bin:/usr/bin/:/bin",
            "LAMBDA_TASK_ROOT=/var/task", "LAMBDA_RUNTIME_DIR=/var/runtime");

    /** The provided base (merged /usr, sh -> bash) plus the given files. */
    private static ImageContents image(String arch, List<String> cmd, String... files) {
        Map<String, ImageContents.Entry> f = new LinkedHashMap<>();
        f.put("usr", new ImageContents.Entry(true, null, 0755));
        f.put("usr/bin", new ImageContents.Entry(true, null, 0755));
        f.put("usr/bin/bash", new ImageContents.Entry(false, null, 0755));
        f.put("usr/bin/sh", new ImageContents.Entry(false, "bash", 0777));
        f.put("bin", new ImageContents.Entry(false, "usr/bin", 0777));
        f.put("lambda-entrypoint.sh", new ImageContents.Entry(false, null, 0755));
        f.put("var", new ImageContents.Entry(true, null, 0755));
        f.put("var/task", new ImageContents.Entry(true, null, 0755));
        f.put("var/runtime", new ImageContents.Entry(true, null, 0755));
        Map<String, String> texts = new LinkedHashMap<>();
        for (String file : files) {
            f.put(file, new ImageContents.Entry(false, null, 0755));
            if (file.endsWith("/bootstrap")) {
                texts.put(file, SEED_BOOTSTRAP);
            }
        }
        return new ImageContents("sha256:" + "a".repeat(64), "application/vnd.docker.distribution.manifest.v2+json",
                arch, List.of("/lambda-entrypoint.sh"), cmd, "/var/task", ENV, f, texts);
    }

    @Test
    void theSeedWithTheHandlerUnderTheTaskRootPasses() {
        String summary = ImageChecks.check(image("amd64", List.of("function.handler"), "var/runtime/bootstrap",
                "var/task/function.sh"), "img", "amd64", null, null);
        assertThat(summary).contains("var/runtime/bootstrap", "function.handler", "var/task/function.sh");
    }

    @Test
    void theSeedsLayoutWithTheHandlerInTheRuntimeDirIsRefusedWithTheFix() {
        assertThatThrownBy(() -> ImageChecks.check(image("amd64", List.of("function.handler"), "var/runtime/bootstrap",
                "var/runtime/function.sh"), "img", "amd64", null, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("$LAMBDA_TASK_ROOT (/var/task/function.*)")
                .hasMessageContaining("var/runtime/function.sh")
                .hasMessageContaining("Runtime.ExitError")
                .hasMessageContaining("Put the handler file under /var/task");
    }

    @Test
    void aHandlerNoFileProvidesIsRefused() {
        assertThatThrownBy(() -> ImageChecks.check(image("amd64", List.of("orders.handler"), "var/runtime/bootstrap",
                "var/task/function.sh"), "img", "amd64", null, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no file in the image provides the handler orders.handler");
    }

    @Test
    void theCommandOverrideIsTheHandlerChecked() {
        assertThat(ImageChecks.check(image("amd64", List.of("function.handler"), "var/runtime/bootstrap",
                "var/task/function.sh", "var/task/other.sh"), "img", "amd64", null, List.of("other.handler")))
                .contains("other.handler in /var/task/other.sh");
    }

    @Test
    void noBootstrapNoHandlerAndTheWrongPlatformAreRefused() {
        assertThatThrownBy(() -> ImageChecks.check(image("amd64", List.of("function.handler"), "var/task/function.sh"),
                "img", "amd64", null, null)).hasMessageContaining("/var/runtime/bootstrap, which is not in the image");
        assertThatThrownBy(() -> ImageChecks.check(image("amd64", List.of(), "var/runtime/bootstrap"),
                "img", "amd64", null, null)).hasMessageContaining("exactly one argument");
        assertThatThrownBy(() -> ImageChecks.check(image("arm64", List.of("function.handler"), "var/runtime/bootstrap",
                "var/task/function.sh"), "img", "amd64", null, null))
                .hasMessageContaining("linux/arm64").hasMessageContaining("exec format error");
    }

    @Test
    void anEntrypointIsFoundThroughSymlinksAndPath() {
        assertThat(ImageChecks.check(image("amd64", List.of(), "var/task/run.sh"), "img", "amd64",
                List.of("/bin/sh", "/var/task/run.sh"), List.of())).contains("usr/bin/bash");
        assertThat(ImageChecks.check(image("amd64", List.of(), "var/task/run.sh"), "img", "amd64",
                List.of("sh"), List.of("-c", "echo"))).contains("usr/bin/bash");
        assertThatThrownBy(() -> ImageChecks.check(image("amd64", List.of()), "img", "amd64",
                List.of("/opt/missing"), null)).hasMessageContaining("/opt/missing is not a file in the image");
    }

    @Test
    void imageReferencesNeedATagOrDigestAndKnowEcrHosts() {
        assertThatThrownBy(() -> ImageReferences.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn"))
                .hasMessageContaining("name a tag");
        ImageReferences r = ImageReferences.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/fn:v1");
        assertThat(r.repository()).isEqualTo("team/fn");
        assertThat(r.ecrAccountAndRegion().orElseThrow()).containsExactly("123456789012", "eu-west-1");
        ImageReferences local = ImageReferences.parse("127.0.0.1:4567/fn@sha256:" + "b".repeat(64));
        assertThat(local.ecrAccountAndRegion()).isEmpty();
        assertThat(local.reference()).isEqualTo("sha256:" + "b".repeat(64));
    }
}
