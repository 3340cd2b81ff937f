package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.AwsContext;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.testkit.LocalAccount;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Everything a user sees of a login, a fan-out with failures, an ended session and an AssumeRole
 * chain (printed output, logs, events, toString, results as table and JSON, exception messages and
 * stack traces) is captured and searched for every token and key involved: none may appear.
 */
class SecretScanIT {
    private static LocalIdentityCenter center;

    @BeforeAll
    static void start() {
        center = LocalIdentityCenter.start(4, 560000000001L);
        LocalAccount target = center.aws.account("560000000002");
        center.aws.roles().create(target, "deploy", r -> r.trust("*").externalId("scan-external-1"));
    }

    @AfterAll
    static void stop() {
        if (center != null) {
            center.close();
        }
    }

    @Test
    void noTokenOrSecretKeyAppearsInAnythingShown() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        List<OpsEvent> events = new CopyOnWriteArrayList<>();
        List<String> shown = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        System.setOut(both);
        System.setErr(both);
        try {
            Thread approver = approveWhenAsked();
            try (SsoSession sso = Sso.builder().startUrl(center.aws.sso().startUrl()).region("us-east-1")
                    .sessionName("scan").baseContext(center.base).listener(events::add).login()) {
                approver.join();
                Path file = LocalIdentityCenter.cacheDir().resolve(SsoSessionIT.sha1("scan") + ".json");
                Map<String, Object> token = JSON.std.mapFrom(Files.readString(file));
                secrets.add((String) token.get("accessToken"));
                secrets.add((String) token.get("refreshToken"));
                secrets.add((String) token.get("clientSecret"));

                List<AccountAccess> all = new ArrayList<>(sso.access(sso.accounts(), LocalIdentityCenter.ROLE));
                center.aws.sso().unassign("560000000004", LocalIdentityCenter.ROLE);
                AccountAccess chained = AssumeRole.from(all.get(0), "us-east-1")
                        .role("arn:aws:iam::560000000002:role/deploy").externalId("scan-external-1").access();
                all.add(chained);
                AccountAccess wrongId = AssumeRole.from(all.get(0), "us-east-1")
                        .role("arn:aws:iam::560000000002:role/deploy").externalId("scan-external-2")
                        .sessionName("wrong").access();
                all.add(wrongId);
                FleetResults<String> r = Fleet.over(all).regions("eu-west-1", "us-east-1").listener(events::add)
                        .progress(System.out)
                        .run(ctx -> ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().arn());
                assertThat(r.failed()).hasSize(4);
                shown.add(r.table());
                shown.add(r.toJson());
                shown.add(r.toString());
                r.results().forEach(x -> shown.add(x.toString()));
                r.failed().forEach(x -> shown.add(stackTrace(x.error())));
                for (AccountAccess a : all.subList(0, 3)) {
                    AwsCredentials c = a.credentials().resolveCredentials();
                    secrets.add(c.secretAccessKey());
                    if (c instanceof AwsSessionCredentials s) {
                        secrets.add(s.sessionToken());
                    }
                    shown.add(a.toString());
                    shown.add(a.credentials().toString());
                    try (AwsContext ctx = a.context("eu-west-1")) {
                        shown.add(ctx.toString());
                    }
                }
                AwsCredentials assumed = chained.credentials().resolveCredentials();
                secrets.add(assumed.secretAccessKey());
                secrets.add(((AwsSessionCredentials) assumed).sessionToken());
                shown.add(sso.toString());

                // The session ends; what the user gets then is shown too.
                center.aws.sso().endSessions();
                SsoSessionIT.writeExpired(file, token);
                try (SsoSession ended = Sso.builder().startUrl(center.aws.sso().startUrl()).region("us-east-1")
                        .sessionName("scan").baseContext(center.base).session()) {
                    ended.accounts();
                } catch (SsoLoginRequiredException e) {
                    shown.add(stackTrace(e));
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        events.forEach(e -> {
            shown.add(e.toString());
            shown.add(e.message());
            shown.add(String.valueOf(e.attributes()));
        });
        shown.add(captured.toString(StandardCharsets.UTF_8));

        assertThat(secrets).hasSizeGreaterThanOrEqualTo(11).allSatisfy(s -> assertThat(s).hasSizeGreaterThan(15));
        String all = String.join("\n", shown);
        assertThat(all).contains("To sign in, open").contains("fleet:").contains("Log in again")
                .contains("No access").contains("is not authorized to perform: sts:AssumeRole");
        for (String secret : secrets) {
            assertThat(all).as("a secret of %d characters shows", secret.length()).doesNotContain(secret);
        }
    }

    private static Thread approveWhenAsked() {
        Thread t = new Thread(() -> {
            for (int i = 0; i < 500 && center.aws.sso().pendingUserCodes().isEmpty(); i++) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
            center.aws.sso().pendingUserCodes().forEach(c -> center.aws.sso().approve(c));
        });
        t.start();
        return t;
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
