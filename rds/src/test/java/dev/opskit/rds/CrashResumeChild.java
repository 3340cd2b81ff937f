package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.core.event.OpsEvent;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The runbook's own JVM for {@link CrashResumeIT}: runs {@code Replication.from(src).cloneTo(clone).start()}
 * against a LocalAws endpoint and prints one line per event, {@code event <Type> <step>}, so the
 * test can SIGKILL it at a chosen point.
 *
 * <p>Arguments: {@code <source id> <clone id> <pause at>}, where {@code pause at} is
 * {@code <EventType>:<step>} (e.g. {@code Waiting:clone}) or {@code -}. At that event the child
 * prints {@code paused <pause at>} and blocks the runbook's thread until it is killed, so the kill
 * lands exactly there while the cloud goes on with whatever the runbook started.
 *
 * <p>Environment: {@code CRASH_ENDPOINT}, {@code CRASH_REGION}, {@code CRASH_ACCESS_KEY_ID},
 * {@code CRASH_SECRET_ACCESS_KEY}, {@code CRASH_MASTER_PASSWORD} and, optionally,
 * {@code CRASH_REPLICATION_PASSWORD} (without it the runbook generates one, lost with this JVM).
 * Secrets come through the environment, not the command line that {@code ps} shows, and are never
 * printed.
 */
public final class CrashResumeChild {
    private CrashResumeChild() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: CrashResumeChild <source id> <clone id> <EventType:step | ->");
            System.exit(2);
        }
        String source = args[0];
        String clone = args[1];
        String pauseAt = args[2];
        Map<String, String> env = System.getenv();
        PrintStream out = System.out;
        CountDownLatch never = new CountDownLatch(1);
        AwsContext ctx = AwsContext.builder()
                .endpointOverride(URI.create(env.get("CRASH_ENDPOINT")))
                .region(env.get("CRASH_REGION"))
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("CRASH_ACCESS_KEY_ID"), env.get("CRASH_SECRET_ACCESS_KEY"))))
                .maxAttempts(2)
                .build();
        ReplicationSetup setup = Replication.from(source, ctx).cloneTo(clone)
                .masterPassword(Secret.of(env.get("CRASH_MASTER_PASSWORD")))
                .deadline(Duration.ofMinutes(1))
                .listener(e -> {
                    String point = point(e);
                    synchronized (out) {
                        out.println("event " + e.type() + " " + e.step());
                        out.flush();
                    }
                    if (point.equals(pauseAt)) {
                        pause(out, pauseAt, never);
                    }
                });
        String replicationPassword = env.get("CRASH_REPLICATION_PASSWORD");
        if (replicationPassword != null) {
            setup.replicationPassword(Secret.of(replicationPassword));
        }
        try (ReplicationHandle h = setup.start()) {
            out.println("done " + h.status().isRunning());
        } catch (RuntimeException e) {
            // Messages never hold secrets (the runbook scrubs them); the test checks that too.
            out.println("failed " + e);
            out.flush();
            System.exit(1);
        } finally {
            ctx.close();
        }
        out.flush();
        System.exit(0);
    }

    private static void pause(PrintStream out, String pauseAt, CountDownLatch never) {
        synchronized (out) {
            out.println("paused " + pauseAt);
            out.flush();
        }
        try {
            never.await();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** How a pause point names an event: its type and step, e.g. {@code StepSucceeded:clone}. */
    static String point(OpsEvent e) {
        return e.type() + ":" + e.step();
    }
}
