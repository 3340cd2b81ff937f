package dev.opskit.ssm;

import dev.opskit.core.AwsContext;
import dev.opskit.core.OpsException;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.JsonLinesListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The JVM of {@link SecretScanIT}: runs the maintenance-window runbook with a known secret
 * access key and a secret in task parameters, and puts out everything a user could see: every
 * event (its record form, its message, on the console, through SLF4J and as JSON lines), every
 * {@code toString()}, plan and outcome, every exception with its causes and suppressed ones, and
 * SLF4J's log (on stderr) at DEBUG. Between phases it waits for a line on stdin, so that the test
 * can move LocalAws's clock or inject faults: {@code applied} then {@code fired}; {@code executed}
 * then {@code throttled}.
 *
 * <p>Arguments: {@code <json lines file>}. Environment: {@code SCAN_ENDPOINT}, {@code SCAN_REGION},
 * {@code SCAN_ACCESS_KEY_ID}, {@code SCAN_SECRET_ACCESS_KEY}, {@code SCAN_INSTANCE},
 * {@code SCAN_TASK_SECRET}.
 */
public final class SecretScanChild {
    private SecretScanChild() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String secret = env.get("SCAN_TASK_SECRET");
        String instance = env.get("SCAN_INSTANCE");
        try (AwsContext ctx = AwsContext.builder()
                .endpointOverride(URI.create(env.get("SCAN_ENDPOINT")))
                .region(env.get("SCAN_REGION"))
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("SCAN_ACCESS_KEY_ID"), env.get("SCAN_SECRET_ACCESS_KEY"))))
                .build();
                JsonLinesListener json = EventListener.jsonLines(Path.of(args[0]))) {
            out.println("context " + ctx + " credentials " + ctx.credentials() + " "
                    + ctx.credentials().resolveCredentials());
            Task command = Tasks.runCommand("AWS-RunShellScript").named("with-token")
                    .commands("TOKEN='" + secret + "'", "test -n \"$TOKEN\" && echo token set");
            Task automation = Tasks.automation("AWS-RestartEC2Instance").named("with-password")
                    .parameter("Password", secret);
            out.println("tasks " + command + " " + automation);

            MaintenanceWindow w = define(ctx, instance, command, automation, json, out).apply();
            out.println("applied " + w + " " + w.changes());
            out.println("plan " + define(ctx, instance, command, automation, json, out).plan());
            MaintenanceWindow changed = define(ctx, instance, command.commands("TOKEN='" + secret + "'", "echo token set"),
                    automation, json, out).apply();
            out.println("changed " + changed + " " + changed.changes());
            w.events().subscribe(e -> out.println("event " + e + " | " + e.message()));
            w.events().subscribe(EventListener.slf4j());
            out.println("applied");
            out.flush();
            expect(in, "fired");
            Execution e = w.awaitNextExecution(Duration.ofSeconds(30));
            out.println("execution " + e);
            show(out, () -> w.awaitNextExecution(Duration.ofMillis(300)));

            out.println("executed");
            out.flush();
            expect(in, "throttled");
            show(out, () -> define(ctx, instance, command, automation, json, out)
                    .task(Tasks.runCommand("AWS-RunShellScript").named("one-more").commands("echo " + secret))
                    .deadline(Duration.ofSeconds(3)).apply());
            show(out, () -> Tasks.lambda("arn:aws:lambda:us-east-1:111111111111:function:f").commands(secret));
            show(out, () -> MaintenanceWindows.create("missing-window").schedule(Schedule.rate(1, ChronoUnit.DAYS))
                    .task(command).apply());
        }
        out.println("done");
        out.flush();
        System.exit(0);
    }

    private static MaintenanceWindows.Definition define(AwsContext ctx, String instance, Task command, Task automation,
            JsonLinesListener json, PrintStream out) {
        return MaintenanceWindows.create("scan-window").schedule(Schedule.rate(1, ChronoUnit.DAYS))
                .target(Targets.instances(instance))
                .task(command).task(automation)
                .listener(e -> out.println("event " + e + " | " + e.message()))
                .listener(EventListener.slf4j())
                .listener(EventListener.console(out))
                .listener(json)
                .context(ctx);
    }

    /** Runs something that should fail and prints all of its exception. */
    private static void show(PrintStream out, Runnable failing) {
        try {
            failing.run();
            out.println("no failure");
        } catch (RuntimeException e) {
            out.println("exception " + e.getMessage());
            if (e instanceof OpsException ops) {
                out.println("outcome " + ops.outcome().orElse(null));
            }
            e.printStackTrace(out);
        }
    }

    private static void expect(BufferedReader in, String line) throws IOException {
        String got = in.readLine();
        if (!line.equals(got)) {
            throw new IllegalStateException("expected '" + line + "' on stdin, got '" + got + "'");
        }
    }
}
