package dev.opskit.rds;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.core.event.StepSucceeded;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.Timings;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * Trials of the full replication runbook on LocalAws with a concurrent writer and randomized
 * timing: how many end identical, and the runbook's wall time against the sum of the emulated
 * durations it has to wait out (modify, reboot, clone, instance create). Run by
 * {@code benchmarks/replication/run}.
 */
public final class ReplicationBenchmark {
    private ReplicationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        Timings timings = Timings.defaults().scaled(scale);
        long emulated = timings.modify().toMillis() + timings.reboot().toMillis() + timings.cloneCreate().toMillis()
                + timings.instanceCreate().toMillis();
        int identical = 0;
        List<Long> walls = new ArrayList<>();
        try (LocalAws aws = LocalAws.builder().timings(timings).start(); AwsContext ctx = aws.context()) {
            RdsClient rds = ctx.client(RdsClient.class, RdsClient::builder);
            for (int t = 1; t <= trials; t++) {
                long seed = System.nanoTime();
                Random rnd = new Random(seed);
                String src = "bench-" + t;
                String version = rnd.nextBoolean() ? "8.0.mysql_aurora.3.04.0" : "5.7.mysql_aurora.2.11.2";
                Secret master = Secret.generate(16);
                DBCluster source = ReplicationFixture.createSource(rds, src, version, master);
                try (Connection c = ReplicationFixture.connect(source, master)) {
                    ReplicationFixture.seed(c, seed);
                }
                ReplicationHandle handle;
                long wall;
                List<StepSucceeded> steps = new ArrayList<>();
                try (var writer = new ReplicationFixture.Workload(source, master, seed, rnd.nextInt(20))) {
                    Thread.sleep(rnd.nextInt(300));
                    long t0 = System.nanoTime();
                    handle = Replication.from(src, ctx).cloneTo(src + "-clone").masterPassword(master)
                            .binlogFormat(rnd.nextBoolean() ? BinlogFormat.ROW : BinlogFormat.MIXED)
                            .listener(e -> {
                                if (e instanceof StepSucceeded s) {
                                    steps.add(s);
                                }
                            })
                            .start();
                    wall = (System.nanoTime() - t0) / 1_000_000;
                    Thread.sleep(rnd.nextInt(500));
                }
                boolean same;
                try (handle) {
                    handle.awaitCaughtUp(Duration.ofMinutes(2));
                    VerificationReport report = handle.verify();
                    same = report.identical();
                    if (!same) {
                        System.out.println("trial " + t + " (seed " + seed + ") differs: " + report.summary());
                    }
                    handle.teardown(true);
                }
                rds.deleteDBInstance(r -> r.dbInstanceIdentifier(src + "-1"));
                dev.opskit.core.Waiter.forResource("DB instance " + src + "-1").waitingFor("gone")
                        .poll(() -> rds.describeDBInstances().dbInstances().stream()
                                .filter(i -> i.dbInstanceIdentifier().equals(src + "-1")).findFirst())
                        .succeedWhen(i -> i.isEmpty())
                        .backoff(dev.opskit.core.Backoff.fixed(Duration.ofMillis(50)))
                        .deadline(Duration.ofMinutes(1)).await();
                rds.deleteDBCluster(r -> r.dbClusterIdentifier(src).skipFinalSnapshot(true));
                identical += same ? 1 : 0;
                walls.add(wall);
                StringBuilder b = new StringBuilder();
                steps.forEach(s -> b.append(s.step()).append('=').append(s.elapsed().toMillis()).append(' '));
                System.out.printf("trial %2d: %s, %s, start() %d ms (emulated %d ms) [%s]%n", t, version,
                        same ? "identical" : "DIFFERENT", wall, emulated, b.toString().trim());
            }
        }
        long median = walls.stream().sorted().toList().get(walls.size() / 2);
        System.out.printf("%d/%d identical%n", identical, trials);
        System.out.printf("start() wall time: median %d ms, min %d ms; emulated durations %d ms (timings x%.1f);"
                + " overhead %.0f%% (median)%n", median, walls.stream().min(Long::compare).orElse(0L), emulated, scale,
                100.0 * (median - emulated) / emulated);
    }
}
