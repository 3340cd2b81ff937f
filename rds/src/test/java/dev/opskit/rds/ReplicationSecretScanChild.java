package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.core.event.OpsEvent;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The runbook's own JVM for {@link ReplicationSecretScanIT}, run with every logger at TRACE: it
 * prints everything a user could see of a replication, so the test can look for the secrets in it.
 * A start() with a wrong master password (its exception, with causes and stack), the context, the
 * setup and its plan, a start() with every event printed whole, the handle, statuses, a
 * verification, a cutover, then a replication into the same cluster as an existing target and
 * its teardown.
 *
 * <p>Arguments: {@code <source id> <clone id>}. Environment: {@code SCAN_ENDPOINT},
 * {@code SCAN_REGION}, {@code SCAN_ACCESS_KEY_ID}, {@code SCAN_SECRET_ACCESS_KEY},
 * {@code SCAN_MASTER_PASSWORD}, {@code SCAN_REPLICATION_PASSWORD}, {@code SCAN_WRONG_PASSWORD}.
 */
public final class ReplicationSecretScanChild {
    private ReplicationSecretScanChild() {
    }

    public static void main(String[] args) throws Exception {
        String source = args[0];
        String clone = args[1];
        Map<String, String> env = System.getenv();
        PrintStream out = System.out;
        Secret master = Secret.of(env.get("SCAN_MASTER_PASSWORD"));
        Secret replication = Secret.of(env.get("SCAN_REPLICATION_PASSWORD"));
        try (AwsContext ctx = AwsContext.builder()
                .endpointOverride(URI.create(env.get("SCAN_ENDPOINT")))
                .region(env.get("SCAN_REGION"))
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("SCAN_ACCESS_KEY_ID"), env.get("SCAN_SECRET_ACCESS_KEY"))))
                .build()) {
            out.println("context " + ctx);
            try {
                Replication.from(source, ctx).cloneTo(clone).masterPassword(Secret.of(env.get("SCAN_WRONG_PASSWORD")))
                        .replicationPassword(replication).listener(e -> print(out, e)).start();
                out.println("unexpected: start() with a wrong master password succeeded");
            } catch (RuntimeException e) {
                out.println("wrong password: " + e);
                e.printStackTrace(out);
            }

            ReplicationSetup setup = Replication.from(source, ctx).cloneTo(clone).masterPassword(master)
                    .replicationPassword(replication).deadline(Duration.ofMinutes(2)).listener(e -> print(out, e));
            out.println("setup " + setup);
            out.println("plan " + setup.plan());
            BinlogPosition at;
            try (ReplicationHandle h = setup.start()) {
                out.println("handle " + h);
                out.println("status " + h.status());
                out.println("caught up " + h.awaitCaughtUp(Duration.ofMinutes(1)));
                VerificationReport report = h.verify();
                out.println("report " + report);
                out.println("summary " + report.summary());
                ReplicationCutover cut = h.cutover();
                out.println("cutover " + cut);
                at = cut.sourcePosition();
                try {
                    h.status();
                } catch (RuntimeException e) {
                    out.println("after cutover: " + e);
                }
            }
            try (ReplicationHandle again = Replication.from(source, ctx).to(clone).startingAt(at).masterPassword(master)
                    .replicationPassword(replication).listener(e -> print(out, e)).start()) {
                out.println("existing target " + again + " " + again.awaitCaughtUp(Duration.ofMinutes(1)));
                again.teardown(false);
            }
        }
        out.println("done");
        out.flush();
        System.exit(0);
    }

    /** The event whole: its record form, its message and its attributes. */
    private static void print(PrintStream out, OpsEvent event) {
        synchronized (out) {
            out.println("event " + event + " | " + event.message() + " " + event.attributes());
        }
    }
}
