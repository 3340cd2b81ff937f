package dev.opskit.multiaccount;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.event.EventBus;
import dev.opskit.core.event.EventListener;
import dev.opskit.core.event.OpsEvent;
import dev.opskit.multiaccount.event.FleetFinished;
import dev.opskit.multiaccount.event.FleetStarted;
import dev.opskit.multiaccount.event.FleetTargetFinished;
import dev.opskit.multiaccount.internal.Access;
import dev.opskit.multiaccount.internal.OncePerRun;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * Runs the same work in many accounts and regions at once: any runbook, as each target gets its
 * own {@link AwsContext}.
 *
 * <ul>
 *   <li>At most {@link #parallelism(int)} targets run at a time.</li>
 *   <li>Each account's credentials are fetched once (by its first region) and reused by its other
 *       regions; throttled or failing credential calls are retried like every call
 *       ({@link dev.opskit.core.CallRetries}).</li>
 *   <li>A target's failure, its account's credentials included, is recorded in its result and
 *       does not stop the others.</li>
 *   <li>Progress: typed events ({@link FleetStarted}, {@link FleetTargetFinished},
 *       {@link FleetFinished}) and, with {@link #progress(PrintStream)}, one line rewritten in place.</li>
 *   <li>Interrupting the calling thread (Ctrl-C in JShell, or in a program: the JVM's shutdown)
 *       cancels the targets not finished; they are reported {@code CANCELLED}.</li>
 * </ul>
 *
 * <pre>{@code
 * FleetResults<UpgradePlan> plans = Fleet.over(sso.access(sso.accounts(), "AdministratorAccess"))
 *         .regions("eu-west-1", "us-east-1")
 *         .parallelism(16)
 *         .progress(System.out)
 *         .run(ctx -> AuroraUpgrades.inPlace("orders", ctx).to("8.0").plan());
 * System.out.println(plans.table());
 * }</pre>
 */
public final class Fleet {
    private static final SecureRandom IDS = new SecureRandom();

    private final List<AccountAccess> accounts;
    private final List<String> regions = new ArrayList<>();
    private int parallelism = 8;
    private PrintStream progress;
    private EventBus bus;
    private Clock clock = Clock.systemUTC();

    private Fleet(List<AccountAccess> accounts) {
        this.accounts = accounts;
    }

    /**
     * @param accounts where to run, e.g. {@link SsoSession#access(java.util.Collection, String)}
     * @return the fan-out; give the regions next
     * @throws InvalidInputException if empty or the same access appears twice
     */
    public static Fleet over(List<? extends AccountAccess> accounts) {
        Objects.requireNonNull(accounts, "accounts");
        if (accounts.isEmpty()) {
            throw new InvalidInputException("accounts", "[]", "give at least one account, e.g. sso.access(sso.accounts(), role)");
        }
        java.util.Set<AccountAccess> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (AccountAccess a : accounts) {
            if (!seen.add(Objects.requireNonNull(a, "an account access"))) {
                throw new InvalidInputException("accounts", a.accountId(), "the same access (" + a.role()
                        + ") appears twice; give each once");
            }
        }
        return new Fleet(List.copyOf(accounts));
    }

    /**
     * @param regions region ids, e.g. {@code "eu-west-1", "us-east-1"}; each account runs in each
     * @return this fan-out
     * @throws InvalidInputException if none, blank or repeated
     */
    public Fleet regions(String... regions) {
        Objects.requireNonNull(regions, "regions");
        if (regions.length == 0) {
            throw new InvalidInputException("regions", "[]", "give at least one region, e.g. regions(\"eu-west-1\")");
        }
        List<String> list = new ArrayList<>();
        for (String r : regions) {
            if (r == null || !r.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
                throw new InvalidInputException("region", r, "give a region id such as eu-west-1");
            }
            if (list.contains(r)) {
                throw new InvalidInputException("regions", r, "the region is given twice");
            }
            list.add(r);
        }
        this.regions.clear();
        this.regions.addAll(list);
        return this;
    }

    /**
     * @param n how many targets run at once, 1 to 256 (default 8)
     * @return this fan-out
     * @throws InvalidInputException if out of range
     */
    public Fleet parallelism(int n) {
        if (n < 1 || n > 256) {
            throw new InvalidInputException("parallelism", Integer.toString(n), "give 1 to 256 targets at once");
        }
        this.parallelism = n;
        return this;
    }

    /**
     * @param out where to keep one progress line up to date ("37/400 done, 2 failed, 16 running")
     * @return this fan-out
     */
    public Fleet progress(PrintStream out) {
        this.progress = Objects.requireNonNull(out, "out");
        return this;
    }

    /**
     * @param bus where the fan-out's events go
     * @return this fan-out
     */
    public Fleet events(EventBus bus) {
        this.bus = Objects.requireNonNull(bus, "bus");
        return this;
    }

    /**
     * @param listener receives every event of the fan-out
     * @return this fan-out
     */
    public Fleet listener(EventListener listener) {
        bus().subscribe(listener);
        return this;
    }

    /**
     * @param type the event type
     * @param listener receives the fan-out's events of that type
     * @param <E> the event type
     * @return this fan-out
     */
    public <E extends OpsEvent> Fleet listener(Class<E> type, Consumer<? super E> listener) {
        bus().subscribe(type, listener);
        return this;
    }

    /**
     * @param clock the clock of the events' times
     * @return this fan-out
     */
    public Fleet clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    private EventBus bus() {
        if (bus == null) {
            bus = new EventBus();
        }
        return bus;
    }

    /**
     * Runs the work in every account and region and waits for all of them.
     *
     * @param work what to do with a target's context (which it must not close); its return value
     *     is the target's result, what it throws the target's error
     * @param <T> the value type
     * @return every target's result, in account-then-region order; cancelled ones included if the
     *     calling thread was interrupted (its interrupt flag is then set again)
     * @throws InvalidInputException if no region was given
     */
    public <T> FleetResults<T> run(Function<AwsContext, ? extends T> work) {
        Objects.requireNonNull(work, "work");
        if (regions.isEmpty()) {
            throw new InvalidInputException("regions", "[]", "give the regions with regions(\"eu-west-1\", ...)");
        }
        String id = "fl-" + HexFormat.of().toHexDigits(IDS.nextInt());
        EventBus events = bus == null ? new EventBus() : bus;
        int total = accounts.size() * regions.size();
        long start = System.nanoTime();
        events.publish(new FleetStarted(clock.instant(), id, accounts.size(), regions.size(), parallelism));

        List<Target<T>> targets = new ArrayList<>(total);
        for (AccountAccess a : accounts) {
            AwsCredentialsProvider once = new OncePerRun(a.credentials());
            for (String region : regions) {
                targets.add(new Target<>(a, once, region));
            }
        }
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, total),
                new ThreadFactoryBuilder().threadNamePrefix("opskit-fleet-" + id).daemonThreads(true).build());
        Thread caller = Thread.currentThread();
        Thread hook = new Thread(() -> {
            caller.interrupt();
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "opskit-fleet-" + id + "-shutdown");
        boolean hooked = addHook(hook);
        boolean interrupted = false;
        List<Future<?>> futures = new ArrayList<>(total);
        // Each target's result is kept as soon as it is known, so that cancelling keeps every finished one.
        AtomicReferenceArray<FleetResult<T>> finished = new AtomicReferenceArray<>(total);
        // Set before targets are interrupted: work that fails from then on failed because it was cancelled,
        // whether or not it kept the interrupt flag.
        AtomicBoolean cancelling = new AtomicBoolean();
        try {
            for (int i = 0; i < total; i++) {
                Target<T> t = targets.get(i);
                int index = i;
                futures.add(pool.submit(() -> {
                    running.incrementAndGet();
                    FleetResult<T> r = runOne(t, work);
                    running.decrementAndGet();
                    if (r.status() == FleetResult.Status.CANCELLED
                            || (r.status() == FleetResult.Status.FAILED && cancelling.get())) {
                        return;
                    }
                    finished.set(index, r);
                    int n = done.incrementAndGet();
                    if (!r.succeeded()) {
                        failed.incrementAndGet();
                    }
                    events.publish(new FleetTargetFinished(clock.instant(), id, t.access.accountId(), t.region,
                            r.status().name(), r.took(), r.errorMessage(), n, total));
                    showProgress(n, failed.get(), running.get(), total, start, false);
                }));
            }
            pool.shutdown();
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                    cancelling.set(true);
                    futures.forEach(x -> x.cancel(true));
                    break;
                } catch (java.util.concurrent.CancellationException e) {
                    // reported as cancelled below
                } catch (ExecutionException e) {
                    // runOne catches what the work throws; anything else is the pool's
                    throw new IllegalStateException("the fleet's worker failed", e.getCause());
                }
            }
            List<FleetResult<T>> results = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                FleetResult<T> r = finished.get(i);
                results.add(r != null ? r : cancelled(targets.get(i)));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            int ok = (int) results.stream().filter(FleetResult::succeeded).count();
            int bad = (int) results.stream().filter(r -> r.status() == FleetResult.Status.FAILED).count();
            int cancelledCount = total - ok - bad;
            showProgress(done.get(), bad, 0, total, start, true);
            events.publish(new FleetFinished(clock.instant(), id, ok, bad, cancelledCount, took));
            return new FleetResults<>(id, results, took, interrupted);
        } finally {
            pool.shutdownNow();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook is running
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> FleetResult<T> runOne(Target<T> t, Function<AwsContext, ? extends T> work) {
        long t0 = System.nanoTime();
        AccountAccess a = t.access;
        try {
            // The account's credentials first, outside the work's calls: one fetch, its own error.
            t.credentials.resolveCredentials();
        } catch (RuntimeException e) {
            return new FleetResult<>(a.accountId(), a.accountName(), a.role(), t.region,
                    Thread.currentThread().isInterrupted() ? FleetResult.Status.CANCELLED : FleetResult.Status.FAILED,
                    null, e, Duration.ofNanos(System.nanoTime() - t0));
        }
        try (AwsContext ctx = a instanceof Access own ? own.contextWith(t.credentials, t.region)
                : a.context(t.region).toBuilder().credentials(t.credentials).build()) {
            T value = work.apply(ctx);
            return new FleetResult<>(a.accountId(), a.accountName(), a.role(), t.region, FleetResult.Status.SUCCEEDED,
                    value, null, Duration.ofNanos(System.nanoTime() - t0));
        } catch (RuntimeException | Error e) {
            if (Thread.currentThread().isInterrupted() && !(e instanceof Error)) {
                return new FleetResult<>(a.accountId(), a.accountName(), a.role(), t.region,
                        FleetResult.Status.CANCELLED, null, e, Duration.ofNanos(System.nanoTime() - t0));
            }
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            return new FleetResult<>(a.accountId(), a.accountName(), a.role(), t.region, FleetResult.Status.FAILED,
                    null, e, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private static <T> FleetResult<T> cancelled(Target<T> t) {
        return new FleetResult<>(t.access.accountId(), t.access.accountName(), t.access.role(), t.region,
                FleetResult.Status.CANCELLED, null, null, Duration.ZERO);
    }

    private void showProgress(int done, int failed, int running, int total, long start, boolean last) {
        if (progress == null) {
            return;
        }
        String line = "fleet: " + done + "/" + total + " done, " + failed + " failed, " + running + " running, "
                + (System.nanoTime() - start) / 1_000_000 + " ms";
        synchronized (progress) {
            progress.print("\r" + line + (last ? "\n" : ""));
            progress.flush();
        }
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }

    private record Target<T>(AccountAccess access, AwsCredentialsProvider credentials, String region) {
    }
}
