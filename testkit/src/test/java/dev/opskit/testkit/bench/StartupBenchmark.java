package dev.opskit.testkit.bench;

import dev.opskit.core.AwsContext;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.Timings;
import java.time.Duration;
import java.util.Arrays;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

/**
 * How fast LocalAws starts, and how fast a cluster with its writer becomes available with the
 * default {@link Timings}, through the real SDK client and its waiters. Anchors measured in the
 * same run: the emulated durations themselves (clusterCreate + instanceCreate), so the ratio says
 * how much real work (starting a MariaDB server, HTTP, polling) adds on top of the emulation.
 *
 * <p>Run with {@code benchmarks/localaws-startup/run [trials]}.
 */
public final class StartupBenchmark {
    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long[] startMs = new long[trials];
        long[] clusterMs = new long[trials];
        Timings timings = Timings.defaults();
        long emulatedMs = timings.clusterCreate().plus(timings.instanceCreate()).toMillis();

        for (int t = 0; t < trials; t++) {
            long t0 = System.nanoTime();
            try (LocalAws aws = LocalAws.start()) {
                startMs[t] = (System.nanoTime() - t0) / 1_000_000;
                try (AwsContext ctx = aws.context()) {
                    RdsClient rds = ctx.client(RdsClient.class, RdsClient::builder);
                    String id = "bench-" + t;
                    long c0 = System.nanoTime();
                    rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-mysql")
                            .engineVersion("5.7.mysql_aurora.2.11.2")
                            .masterUsername("admin").masterUserPassword("bench-password-1"));
                    rds.createDBInstance(r -> r.dbInstanceIdentifier(id + "-writer").dbClusterIdentifier(id)
                            .engine("aurora-mysql").dbInstanceClass("db.r6g.large"));
                    try (RdsWaiter waiter = RdsWaiter.builder().client(rds)
                            .overrideConfiguration(WaiterOverrideConfiguration.builder()
                                    .backoffStrategy(a -> Duration.ofMillis(50))
                                    .maxAttempts(2000).build())
                            .build()) {
                        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier(id + "-writer"));
                        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier(id));
                    }
                    clusterMs[t] = (System.nanoTime() - c0) / 1_000_000;
                }
            }
            System.out.printf("trial %d: LocalAws.start() %d ms, cluster+writer available %d ms%n",
                    t + 1, startMs[t], clusterMs[t]);
        }
        long startMedian = median(startMs);
        long clusterMedian = median(clusterMs);
        // The first start in a JVM is what a user sees (classes load, the HTTP server warms up).
        System.out.printf("LocalAws.start(): first %d ms (goal < 1000 ms: %.2fx of goal), then median %d ms%n",
                startMs[0], startMs[0] / 1000.0, startMedian);
        System.out.printf("cluster+writer available: median %d ms (goal < 5000 ms: %.2fx of goal)%n",
                clusterMedian, clusterMedian / 5000.0);
        System.out.printf("anchor: emulated durations %d ms; ratio available/emulated = %.2f%n",
                emulatedMs, clusterMedian / (double) emulatedMs);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
