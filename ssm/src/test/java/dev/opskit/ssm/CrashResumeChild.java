package dev.opskit.ssm;

import dev.opskit.core.AwsContext;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The apply's own JVM for {@link CrashResumeIT}: applies {@link WindowVersions} {@code first} or
 * {@code second} against a LocalAws endpoint and prints one line per event,
 * {@code event <Type> <step>}, and one per SSM call answered, {@code answered <Operation>}, so
 * that the test can SIGKILL it at a chosen point.
 *
 * <p>Arguments: {@code <window name> <first|second> <pause at>}. {@code pause at} is an event,
 * {@code <EventType>:<step>} (e.g. {@code StepSucceeded:window}), or a call that LocalAws has
 * carried out and answered while the answer is not yet read, {@code Sent:<Operation>[:<n>]} (the
 * n-th such call, 1 by default), or {@code -}. There the child prints {@code paused <pause at>}
 * and blocks until it is killed.
 *
 * <p>Environment: {@code CRASH_ENDPOINT}, {@code CRASH_REGION}, {@code CRASH_ACCESS_KEY_ID},
 * {@code CRASH_SECRET_ACCESS_KEY}, {@code CRASH_INSTANCE}.
 */
public final class CrashResumeChild {
    private CrashResumeChild() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: CrashResumeChild <window name> <first|second> <EventType:step | Sent:Operation[:n] | ->");
            System.exit(2);
        }
        String name = args[0];
        String version = args[1];
        String pauseAt = args[2];
        Map<String, String> env = System.getenv();
        PrintStream out = System.out;
        CountDownLatch never = new CountDownLatch(1);
        Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
        ExecutionInterceptor pauser = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                // LocalAws has carried the call out and answered; the answer is not read yet.
                String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                int n = answered.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
                print(out, "answered " + op);
                if (pauseAt.equals("Sent:" + op + ":" + n) || (n == 1 && pauseAt.equals("Sent:" + op))) {
                    pause(out, pauseAt, never);
                }
            }
        };
        AwsContext ctx = AwsContext.builder()
                .endpointOverride(URI.create(env.get("CRASH_ENDPOINT")))
                .region(env.get("CRASH_REGION"))
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("CRASH_ACCESS_KEY_ID"), env.get("CRASH_SECRET_ACCESS_KEY"))))
                .overrides(o -> o.addExecutionInterceptor(pauser))
                .build();
        String instance = env.get("CRASH_INSTANCE");
        MaintenanceWindows.Definition definition = version.equals("first") ? WindowVersions.first(name, instance)
                : WindowVersions.second(name, instance);
        try (MaintenanceWindow w = definition.context(ctx).deadline(Duration.ofMinutes(1))
                .listener(e -> {
                    print(out, "event " + e.type() + " " + e.step());
                    if (pauseAt.equals(e.type() + ":" + e.step())) {
                        pause(out, pauseAt, never);
                    }
                })
                .apply()) {
            print(out, "done " + w.changes());
        } catch (RuntimeException e) {
            print(out, "failed " + e);
            System.exit(1);
        } finally {
            ctx.close();
        }
        System.exit(0);
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
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
}
