// Multi-account on LocalAws: log in to IAM Identity Center with the device flow (this script
// approves its own code on LocalAws's verification page, as a person would in a browser), list the
// accounts and roles the login may use, then plan the in-place upgrade of the "orders" cluster to
// Aurora MySQL 8.0 in every account x 2 regions at once, and print one table.
//
// Run from the repository root:
//   bin/opskit-shell examples/multi-account.jsh
//
// For real AWS, drop LocalAws and the baseContext/onDeviceCode lines:
//   var sso = Sso.login("https://my-org.awsapps.com/start", "eu-west-1");
// which prints the URL and code (and opens a browser) and caches the token where the AWS CLI does.

import dev.opskit.core.*;
import dev.opskit.multiaccount.*;
import dev.opskit.rds.*;
import dev.opskit.testkit.*;
import java.net.URI;
import java.net.http.*;
import java.time.Duration;
import java.util.*;
import software.amazon.awssdk.services.rds.RdsClient;

var aws = LocalAws.builder().timings(Timings.instant()).start();
var regions = List.of("us-east-1", "eu-west-1");

// --- the organization: three accounts with an SSO permission set, an "orders" cluster in most ----
record Seed(String id, String name, String usEast, String euWest) {}
var seeds = List.of(
        new Seed("222222222222", "prod-payments", "5.7.mysql_aurora.2.11.2", "5.7.mysql_aurora.2.11.2"),
        new Seed("333333333333", "prod-search", "5.7.mysql_aurora.2.12.1", "8.0.mysql_aurora.3.04.0"),
        new Seed("444444444444", "staging", "5.7.mysql_aurora.2.07.2", null));
for (var s : seeds) {
    aws.createAccount(s.id());
    aws.organization().name(s.id(), s.name());
    aws.sso().assign(s.id(), "AdministratorAccess");
    for (var region : regions) {
        var version = region.equals("us-east-1") ? s.usEast() : s.euWest();
        if (version == null) {
            continue;   // staging has no cluster in eu-west-1: its plan fails, alone
        }
        try (var root = aws.context(aws.account(s.id()), region)) {
            var rds = root.client(RdsClient.class, RdsClient::builder);
            rds.createDBCluster(r -> r.dbClusterIdentifier("orders").engine("aurora-mysql").engineVersion(version).
                    masterUsername("admin").masterUserPassword(Secret.generate(20).reveal()));
            rds.createDBInstance(r -> r.dbInstanceIdentifier("orders-1").dbClusterIdentifier("orders").
                    engine("aurora-mysql").dbInstanceClass("db.r6g.large"));
        }
    }
}
aws.awaitIdle(Duration.ofMinutes(2));

// --- log in: the device flow; the page LocalAws serves gets the code and "Allow" -----------------
var http = HttpClient.newHttpClient();
var sso = Sso.builder().startUrl(aws.sso().startUrl()).region("us-east-1").
        sessionName("opskit-local-example").
        baseContext(aws.context()).
        onDeviceCode(code -> {
            System.out.println("open " + code.verificationUriComplete() + " and confirm " + code.userCode());
            try {
                var approved = http.send(HttpRequest.newBuilder(code.verificationUri()).
                        header("Content-Type", "application/x-www-form-urlencoded").
                        POST(HttpRequest.BodyPublishers.ofString("user_code=" + code.userCode() + "&action=allow")).
                        build(), HttpResponse.BodyHandlers.ofString());
                System.out.println("  the page says: " + approved.body().replaceAll(".*<p id=\"result\">([^<]*)<.*", "$1"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).
        login();
System.out.println("logged in as SSO session " + sso.sessionName() + ", token valid until " + sso.expiresAt());

// --- discovery ------------------------------------------------------------------------------------
var accounts = sso.accounts();
for (var a : accounts) {
    System.out.println("  " + a + ": " + sso.roles(a.id()).stream().map(SsoRole::roleName).toList());
}

// --- the in-place upgrade's plan() everywhere, 8 at a time ---------------------------------------
var plans = Fleet.over(sso.access(accounts, "AdministratorAccess")).
        regions(regions.toArray(String[]::new)).
        parallelism(8).
        progress(System.out).
        run(ctx -> AuroraUpgrades.inPlace("orders", ctx).to("8.0").plan());
System.out.println(plans.table());
System.out.println("GetRoleCredentials calls: " + aws.faults().calls("awsssoportal", "GetRoleCredentials")
        + " for " + accounts.size() + " accounts");

sso.logout();   // as `aws sso logout`: the cached token is deleted
aws.close();
/exit
