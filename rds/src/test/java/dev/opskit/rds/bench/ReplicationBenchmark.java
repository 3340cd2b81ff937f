package dev.opskit.rds.bench;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.core.event.StepSucceeded;
import dev.opskit.rds.BinlogFormat;
import dev.opskit.rds.Replication;
import dev.opskit.rds.ReplicationFixture;
import dev.opskit.rds.ReplicationHandle;
import dev.opskit.rds.VerificationReport;
import dev.opskit.testkit.LocalAws;
import dev.opskit.testkit.LocalRds;
import dev.opskit.testkit.Timings;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;

/**
 * Trials of the full replication runbook on LocalAws with a concurrent writer and randomized
 * timing: how many end identical, and {@code start()}'s wall time against (a) the sum of the
 * emulated durations ({@link Timings}) of the transitions it waits for (modify, reboot, clone,
 * instance create) and (b) the sum of the time LocalAws actually took for those transitions
 * ({@link dev.opskit.testkit.LocalRds#transitions()}): (b) is the runbook's own cost. Run by
 * {@code benchmarks/replication/run}.
 */
public final class ReplicationBenchmark {
    private ReplicationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        Timings timings = Timings.defaults().scaled(scale);
        int identical = 0;
        List<Long> walls = new ArrayList<>();
        List<Long> emulatedSums = new ArrayList<>();
        List<Long> actualSums = new ArrayList<>();
        List<Double> overEmulated = new ArrayList<>();
        List<Double> overActual = new ArrayList<>();
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
                Instant began;
                List<StepSucceeded> steps = new ArrayList<>();
                try (var writer = new ReplicationFixture.Workload(source, master, seed, rnd.nextInt(20))) {
                    Thread.sleep(rnd.nextInt(300));
                    began = Instant.now();
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
                // The transitions start() waited for, in order: source modify, writer reboot, clone, clone writer.
                List<String> waited = List.of("db-cluster " + src + " modifying", "db-instance " + src + "-1 rebooting",
                        "db-cluster " + src + "-clone creating", "db-instance " + src + "-clone-writer creating");
                List<LocalRds.Transition> ts = aws.rds().transitions().stream()
                        .filter(x -> !x.acceptedAt().isBefore(began)
                                && waited.contains(x.resourceType() + " " + x.resourceId() + " " + x.from()))
                        .toList();
                if (ts.size() != waited.size()) {
                    throw new IllegalStateException("trial " + t + ": expected the transitions " + waited
                            + ", LocalAws recorded " + ts);
                }
                long emulated = ts.stream().mapToLong(x -> x.emulated().toMillis()).sum();
                long actual = ts.stream().mapToLong(x -> x.actual().toMillis()).sum();
                identical += same ? 1 : 0;
                walls.add(wall);
                emulatedSums.add(emulated);
                actualSums.add(actual);
                overEmulated.add(100.0 * (wall - emulated) / emulated);
                overActual.add(100.0 * (wall - actual) / actual);
                StringBuilder b = new StringBuilder();
                steps.forEach(s -> b.append(s.step()).append('=').append(s.elapsed().toMillis()).append(' '));
                StringBuilder tb = new StringBuilder();
                ts.forEach(x -> tb.append(x.from()).append(' ').append(x.resourceId()).append('=')
                        .append(x.actual().toMillis()).append('/').append(x.emulated().toMillis()).append(' '));
                System.out.printf("trial %2d: %s, %s, start() %d ms, emulated %d ms, LocalAws actual %d ms, "
                        + "runbook overhead %+.1f%% [%s] [actual/emulated: %s]%n", t, version,
                        same ? "identical" : "DIFFERENT", wall, emulated, actual, overActual.get(overActual.size() - 1),
                        b.toString().trim(), tb.toString().trim());
            }
        }
        System.out.printf("%d/%d identical%n", identical, trials);
        System.out.printf("start() wall time: median %d ms, min %d ms (timings x%.1f)%n", median(walls),
                walls.stream().min(Long::compare).orElse(0L), scale);
        System.out.printf("(a) vs the emulated durations it waits for: median %d ms, overhead median %.1f%%%n",
                median(emulatedSums), median(overEmulated));
        System.out.printf("(b) vs LocalAws's actual time for those transitions: median %d ms, overhead median %.1f%%"
                + " (max %.1f%%)%n", median(actualSums), median(overActual),
                overActual.stream().max(Double::compare).orElse(0.0));
    }

    private static <T extends Comparable<T>> T median(List<T> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}
