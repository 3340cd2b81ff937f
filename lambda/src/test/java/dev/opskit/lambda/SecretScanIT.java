package dev.opskit.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.testkit.LocalAws;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * The registry password, the auth token it comes in and the account's secret key appear in no
 * event, log line, printed output, exception message or toString of a repository setup, push
 * and deploy, a failing one included.
 */
class SecretScanIT {
    @TempDir
    Path dataDir;
    @TempDir
    Path cache;
    @TempDir
    Path work;

    @Test
    void noSecretLeaksFromEnsurePushDeployOrAFailure() throws Exception {
        List<String> seen = new ArrayList<>();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        List<Secret> secrets = new ArrayList<>();
        try (LocalAws aws = LocalAws.builder().dataDir(dataDir).start(); AwsContext ctx = aws.context()) {
            assumeTrue(aws.lambda().sandboxAvailable(), "bubblewrap cannot isolate functions here");
            aws.lambda().transitionTime(Duration.ofMillis(50));
            secrets.add(aws.defaultAccount().secretAccessKey());
            System.setOut(capture);
            System.setErr(capture);
            try {
                EcrRepository repo = EcrRepositories.ensure("secret-fn", ctx).lifecyclePolicy(LifecyclePolicy.keepLast(5))
                        .listener(e -> seen.add(describe(e))).apply();
                RegistryLogin login = repo.login(ctx);
                secrets.add(login.password());
                String token = ctx.client(EcrClient.class, EcrClient::builder).getAuthorizationToken()
                        .authorizationData().get(0).authorizationToken();
                secrets.add(Secret.of(token));
                secrets.add(Secret.of(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8)
                        .substring("AWS:".length())));
                seen.add(login.toString());
                seen.add(repo.toString());

                ImagePush push = Seed.image(aws).pushTo(repo, "v1", ctx).cache(cache).listener(e -> seen.add(describe(e)));
                seen.add(push.toString());
                PushedImage img = push.run();
                seen.add(img.toString());

                FunctionDeploy deploy = ContainerFunctions.deploy("secret-fn", ctx).image(img).role(Seed.ROLE)
                        .env("TABLE", "t").listener(e -> seen.add(describe(e)));
                seen.add(deploy.toString());
                seen.add(deploy.plan().toString());
                Deployment d = deploy.run();
                seen.add(d.toString());

                PushedImage failing = Seed.failing(aws, work).pushTo(repo, "bad", ctx).cache(cache).run();
                assertThatThrownBy(() -> ContainerFunctions.deploy("secret-bad", ctx).image(failing).role(Seed.ROLE)
                        .listener(e -> seen.add(describe(e))).run())
                        .satisfies(e -> seen.add(trace(e)));
                assertThatThrownBy(() -> ContainerFunctions.deploy("secret-x", ctx)
                        .image("222222222222.dkr.ecr.us-east-1.amazonaws.com/x:v1").role(Seed.ROLE).run())
                        .satisfies(e -> seen.add(trace(e)));
                seen.add(ctx.toString());
                seen.add(aws.toString());
                seen.add(aws.lambda().logs(aws.defaultAccount(), LocalAws.DEFAULT_REGION, "secret-fn"));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
        }
        seen.add(printed.toString(StandardCharsets.UTF_8));
        Path log = Path.of("target", "opskit-lambda-tests.log");
        if (Files.exists(log)) {
            seen.add(Files.readString(log));
        }
        assertThat(seen).hasSizeGreaterThan(20);
        assertThat(String.join("\n", seen)).contains("secret-fn", "published version 1");
        for (Secret s : secrets) {
            for (String text : seen) {
                assertThat(s.appearsIn(text)).as("a secret in: %s", text.length() > 300 ? text.substring(0, 300) : text)
                        .isFalse();
            }
        }
    }

    private static String describe(OpsEvent e) {
        return e + " " + e.message() + " " + e.attributes();
    }

    private static String trace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return e + "\n" + w;
    }
}
