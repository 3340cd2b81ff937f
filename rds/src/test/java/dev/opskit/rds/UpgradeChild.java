package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.OpsException;
import dev.opskit.core.Secret;
import dev.opskit.core.event.OpsEvent;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An in-place upgrade in a JVM of its own, for {@link UpgradeCrashResumeIT} (which SIGKILLs it at
 * chosen points) and {@link UpgradeSecretScanIT} (which reads everything it prints). It runs
 * {@code AuroraUpgrades.inPlace(cluster, ctx).to(target)} against a LocalAws endpoint and prints,
 * one line each:
 * <ul>
 *   <li>{@code event <Type>:<step>} per event (the pause points), then the event's
 *       {@code toString()}, {@code message()} and attributes;</li>
 *   <li>the setup's and the context's {@code toString()}, the plan if asked for;</li>
 *   <li>{@code done <version>} and the result, or {@code failed <exception>} and its stack trace
 *       (messages, suppressed exceptions and causes).</li>
 * </ul>
 *
 * <p>Arguments: {@code <cluster id> <target> <pause at | -> [option...]}. {@code pause at} is
 * {@code <EventType>:<step>} (e.g. {@code Waiting:follow upgrade}): at that event the child prints
 * {@code paused <pause at>} and blocks the runbook's thread until it is killed. Options:
 * {@code snapshot} (snapshotFirst), {@code password} (the master password, for the reconnect
 * check), {@code plan} (plan first), {@code deadline=<ISO duration>}.
 *
 * <p>Environment: {@code UPGRADE_ENDPOINT}, {@code UPGRADE_REGION}, {@code UPGRADE_ACCESS_KEY_ID},
 * {@code UPGRADE_SECRET_ACCESS_KEY}, {@code UPGRADE_MASTER_PASSWORD}: secrets come through the
 * environment, not the command line that {@code ps} shows.
 */
public final class UpgradeChild {
    private UpgradeChild() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: UpgradeChild <cluster id> <target> <EventType:step | -> [option...]");
            System.exit(2);
        }
        String pauseAt = args[2];
        List<String> options = List.of(args).subList(3, args.length);
        Map<String, String> env = System.getenv();
        PrintStream out = System.out;
        CountDownLatch never = new CountDownLatch(1);
        AwsContext ctx = AwsContext.builder()
                .endpointOverride(URI.create(env.get("UPGRADE_ENDPOINT")))
                .region(env.get("UPGRADE_REGION"))
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("UPGRADE_ACCESS_KEY_ID"), env.get("UPGRADE_SECRET_ACCESS_KEY"))))
                .build();
        UpgradeSetup setup = AuroraUpgrades.inPlace(args[0], ctx).to(args[1]).listener(e -> {
            synchronized (out) {
                out.println("event " + point(e));
                out.println("detail " + e);
                out.println("message " + e.message());
                out.println("attributes " + e.attributes());
                out.flush();
            }
            if (point(e).equals(pauseAt)) {
                pause(out, pauseAt, never);
            }
        });
        for (String option : options) {
            if (option.equals("snapshot")) {
                setup.snapshotFirst();
            } else if (option.equals("password")) {
                setup.masterPassword(Secret.of(env.get("UPGRADE_MASTER_PASSWORD")));
            } else if (option.startsWith("deadline=")) {
                setup.deadline(Duration.parse(option.substring("deadline=".length())));
            }
        }
        int status = 0;
        try {
            print(out, "setup " + setup);
            print(out, "context " + ctx);
            if (options.contains("plan")) {
                print(out, "plan " + setup.plan());
            }
            UpgradeResult result = setup.run();
            print(out, "result " + result);
            print(out, "outcome " + result.outcome());
            print(out, "done " + result.toVersion());
        } catch (RuntimeException e) {
            synchronized (out) {
                out.println("failed " + e);
                if (e instanceof OpsException ops) {
                    out.println("outcome " + ops.outcome().map(Object::toString).orElse("-"));
                }
                e.printStackTrace(out);
                out.flush();
            }
            status = 1;
        } finally {
            ctx.close();
        }
        out.flush();
        System.exit(status);
    }

    private static void print(PrintStream out, String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    private static void pause(PrintStream out, String pauseAt, CountDownLatch never) {
        print(out, "paused " + pauseAt);
        try {
            never.await();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** How a pause point names an event: its type and step, e.g. {@code StepStarted:start upgrade}. */
    static String point(OpsEvent e) {
        return e.type() + ":" + e.step();
    }
}
