package dev.opskit.lambda;

import dev.opskit.core.AwsContext;
import dev.opskit.testkit.LocalAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The seed's bootstrap and handler (examples/lambda-seed) as images on LocalAws's provided base. */
final class Seed {
    static final Path DIR = Path.of("..", "examples", "lambda-seed");
    static final String ROLE = "arn:aws:iam::" + LocalAws.DEFAULT_ACCOUNT_ID + ":role/fn-role";

    private Seed() {
    }

    /** The provided base from LocalAws's gallery, standing in for public.ecr.aws. */
    static ContainerImage provided(LocalAws aws) {
        return ContainerImage.from("public.ecr.aws/lambda/provided:al2023")
                .registryMirror("public.ecr.aws", aws.lambda().publicGallery());
    }

    /** The seed's bootstrap with the handler where it looks for it ($LAMBDA_TASK_ROOT). */
    static ContainerImage image(LocalAws aws) {
        return provided(aws).file(DIR.resolve("bootstrap"), "/var/runtime/bootstrap")
                .file(DIR.resolve("function.sh"), "/var/task/function.sh").cmd("function.handler");
    }

    /** The seed's bootstrap with another handler script. */
    static ContainerImage withHandler(LocalAws aws, Path work, String script) {
        try {
            Path f = Files.writeString(Files.createTempFile(work, "function", ".sh"), script);
            return provided(aws).file(DIR.resolve("bootstrap"), "/var/runtime/bootstrap")
                    .file(f, "/var/task/function.sh").cmd("function.handler");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bootstrap that reports every event as a function error through /error. */
    static ContainerImage failing(LocalAws aws, Path work) {
        try {
            Path f = Files.writeString(Files.createTempFile(work, "bootstrap", ""), """
                    #!/bin/sh
                    set -eu
                    while true; do
                      H="$(mktemp)"
                      curl -sS -D "$H" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next" >/dev/null
                      ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$H" | tr -d '[:space:]' | cut -d: -f2)
                      echo "order lookup failed" >&2
                      curl -sS "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$ID/error" \\
                        -d '{"errorMessage":"no such order","errorType":"OrderNotFound"}'
                    done
                    """);
            return provided(aws).file(f, "/var/runtime/bootstrap")
                    .file(DIR.resolve("function.sh"), "/var/task/function.sh").cmd("function.handler");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PushedImage push(ContainerImage image, String repository, String tag, AwsContext ctx, Path cache) {
        EcrRepository repo = EcrRepositories.ensure(repository, ctx).apply();
        return image.pushTo(repo, tag, ctx).cache(cache).run();
    }
}
