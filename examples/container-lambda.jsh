// The Lambda-from-a-container-image runbook, replayed on LocalAws: an ECR repository, the seed's
// bootstrap + handler pushed as an image on the provided base (no Docker daemon: Jib), a function
// created from it, a version published, the alias "live" moved, one invocation. LocalAws runs the
// image for real (in bubblewrap); on AWS, drop the registry mirror and use AwsContext.defaults().
//
// Run from the repository root:
//   bin/opskit-shell examples/container-lambda.jsh

import dev.opskit.core.*;
import dev.opskit.core.event.*;
import dev.opskit.lambda.*;
import dev.opskit.lambda.event.*;
import dev.opskit.testkit.*;
import java.nio.file.Path;
import java.time.Duration;

var aws = LocalAws.start();
var ctx = aws.context();
var seed = Path.of("examples/lambda-seed");

var repo = EcrRepositories.ensure("hello-fn", ctx).scanOnPush(true).immutableTags(false).
        lifecyclePolicy(LifecyclePolicy.expireUntaggedAfterDays(7).and(LifecyclePolicy.keepLast(20))).
        apply();
System.out.println("repository " + repo.uri());

// The seed's Dockerfile copies function.sh to /var/runtime, but its bootstrap sources
// $LAMBDA_TASK_ROOT/function.sh (/var/task): the deploy's image check refuses that layout, so the
// handler goes to /var/task here.
var image = ContainerImage.from("public.ecr.aws/lambda/provided:al2023").
        registryMirror("public.ecr.aws", aws.lambda().publicGallery()).
        file(seed.resolve("bootstrap"), "/var/runtime/bootstrap").
        file(seed.resolve("function.sh"), "/var/task/function.sh").
        cmd("function.handler");
var pushed = image.pushTo(repo, "v1", ctx).
        listener(ImagePushProgress.class, p -> System.out.printf("  push %3.0f%% %s%n", p.fraction() * 100, p.doing())).
        run();
System.out.println("pushed " + pushed.uri());

var deploy = ContainerFunctions.deploy("hello-fn", ctx).
        image(pushed).
        role("arn:aws:iam::" + LocalAws.DEFAULT_ACCOUNT_ID + ":role/hello-fn").
        memory(256).timeout(Duration.ofSeconds(10)).
        env("GREETING", "hello").
        alias("live").
        smokeTest("{\"name\":\"opskit\"}");
System.out.println(deploy.plan());
var d = deploy.listener(LambdaEvent.class, e -> System.out.println("  " + e.message())).run();
System.out.println("version " + d.version() + " behind alias " + d.alias());
System.out.println("response: " + d.smokeTest().response());
System.out.println("log tail:\n" + d.smokeTest().logTail());

// Running it again converges: same digest, no new version; only the smoke test acts.
System.out.println("again: version " + ContainerFunctions.deploy("hello-fn", ctx).image(pushed).
        role("arn:aws:iam::" + LocalAws.DEFAULT_ACCOUNT_ID + ":role/hello-fn").memory(256).
        timeout(Duration.ofSeconds(10)).env("GREETING", "hello").smokeTest("{\"name\":\"opskit\"}").run().version());

ctx.close();
aws.close();
/exit
