package dev.opskit.multiaccount.bench;

import dev.opskit.core.AwsContext;
import dev.opskit.multiaccount.AccountAccess;
import dev.opskit.multiaccount.Fleet;
import dev.opskit.multiaccount.FleetResults;
import dev.opskit.multiaccount.Sso;
import dev.opskit.multiaccount.SsoAccount;
import dev.opskit.multiaccount.SsoSession;
import dev.opskit.testkit.LocalAws;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Fan-out against a sequential loop, measured in the same run: N accounts (default 200) x 2
 * regions on LocalAws with a latency injected into every call (default 50 ms), SSO role
 * credentials per account, and per target the reads a runbook's plan starts with
 * (STS GetCallerIdentity, RDS DescribeDBClusters). Each way starts from a fresh SSO session, so
 * both fetch every account's credentials; both must fetch them exactly once per account.
 * Arguments: [accounts] [latency ms] [parallelism].
 */
public final class FleetBenchmark {
    private FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 48;
        List<String> regions = List.of("us-east-1", "eu-west-1");
        Function<AwsContext, String> work = ctx -> {
            String account = ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().account();
            int clusters = ctx.client(RdsClient.class, RdsClient::builder).describeDBClusters().dbClusters().size();
            return account + " " + clusters;
        };
        try (LocalAws aws = LocalAws.start(); AwsContext base = aws.context()) {
            for (int i = 1; i <= accounts; i++) {
                String id = String.valueOf(700000000000L + i);
                aws.createAccount(id);
                aws.sso().assign(id, "ReadOnly");
            }
            Sso.Builder login = Sso.builder().startUrl(aws.sso().startUrl()).region("us-east-1")
                    .sessionName("opskit-fleet-benchmark").baseContext(base)
                    .onDeviceCode(c -> aws.sso().approve(c.userCode()));
            try (SsoSession warm = login.login()) {
                // Warm up the JVM and LocalAws on a few targets, without latency.
                Fleet.over(warm.access(warm.accounts().subList(0, 10), "ReadOnly")).regions("us-east-1")
                        .run(work);
            }
            System.out.printf("%d accounts x %d regions, %d ms injected per call, fleet parallelism %d%n", accounts,
                    regions.size(), latencyMs, parallelism);

            aws.faults().always().latency("*", "*", Duration.ofMillis(latencyMs));
            long seqNanos;
            long seqCpu;
            long fleetCpu;
            int seqFetches;
            try (SsoSession sso = login.login()) {
                List<SsoAccount> listed = sso.accounts();
                List<AccountAccess> access = sso.access(listed, "ReadOnly");
                int before = aws.faults().calls("awsssoportal", "GetRoleCredentials");
                long t0 = System.nanoTime();
                long c0 = cpu();
                int ok = 0;
                for (AccountAccess a : access) {
                    for (String region : regions) {
                        try (AwsContext ctx = a.context(region)) {
                            if (work.apply(ctx).startsWith(a.accountId())) {
                                ok++;
                            }
                        }
                    }
                }
                seqNanos = System.nanoTime() - t0;
                seqCpu = cpu() - c0;
                seqFetches = aws.faults().calls("awsssoportal", "GetRoleCredentials") - before;
                check(ok == accounts * regions.size(), "sequential loop: " + ok + " targets right");
            }

            long fleetNanos;
            int fleetFetches;
            FleetResults<String> results;
            try (SsoSession sso = login.login()) {
                List<AccountAccess> access = sso.access(sso.accounts(), "ReadOnly");
                int before = aws.faults().calls("awsssoportal", "GetRoleCredentials");
                long t0 = System.nanoTime();
                long c0 = cpu();
                results = Fleet.over(access).regions(regions.toArray(String[]::new)).parallelism(parallelism)
                        .run(work);
                fleetNanos = System.nanoTime() - t0;
                fleetCpu = cpu() - c0;
                fleetFetches = aws.faults().calls("awsssoportal", "GetRoleCredentials") - before;
                check(results.allSucceeded() && results.succeeded().stream()
                        .allMatch(r -> r.value().startsWith(r.accountId())), "fleet: " + results.failed().size()
                        + " failed");
                sso.logout();
            }
            double ratio = (double) seqNanos / fleetNanos;
            System.out.printf("sequential loop: %,d ms (JVM CPU %,d ms, LocalAws included), %d credential fetches "
                    + "(%d accounts)%n", seqNanos / 1_000_000, seqCpu / 1_000_000, seqFetches, accounts);
            System.out.printf("Fleet:           %,d ms (JVM CPU %,d ms, LocalAws included), %d credential fetches "
                    + "(%d accounts)%n", fleetNanos / 1_000_000, fleetCpu / 1_000_000, fleetFetches, accounts);
            System.out.printf("load average after: %s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim());
            System.out.printf("speed-up: %.1fx (goal >= 20x); one fetch per account: %s%n", ratio,
                    fleetFetches == accounts && seqFetches == accounts ? "yes" : "NO");
            if (ratio < 20 || fleetFetches != accounts) {
                System.out.println("VERDICT: goal not met");
                System.exit(1);
            }
            System.out.println("VERDICT: goal met");
        }
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("wrong results: " + what);
        }
    }
}
