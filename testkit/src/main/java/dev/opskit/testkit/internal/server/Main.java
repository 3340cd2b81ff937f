package dev.opskit.testkit.internal.server;

import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone launcher: starts a LocalAws, prints its endpoint and default credentials one
 * per line ({@code endpoint=}, {@code aws_access_key_id=}, {@code aws_secret_access_key=},
 * {@code account=}), and serves until SIGTERM or SIGINT, when a shutdown hook closes everything.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int port = 4566;
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = parsePort(value(args, ++i, "--port"));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                case "-h", "--help" -> {
                    System.out.println("usage: local-aws [--port N (default 4566, 0 = any free)] [--data-dir DIR]");
                    return;
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        LocalAws.Builder builder = LocalAws.builder().port(port);
        if (dataDir != null) {
            builder.dataDir(dataDir);
        }
        LocalAws aws = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                aws.close();
            } finally {
                stopped.countDown();
            }
        }, "local-aws-shutdown"));
        LocalAccount account = aws.defaultAccount();
        PrintStream out = System.out;
        // The launcher's job is to hand these credentials to the user, so it prints the secret.
        out.println("endpoint=" + aws.endpoint());
        out.println("aws_access_key_id=" + account.accessKeyId());
        out.println("aws_secret_access_key=" + account.secretAccessKey().reveal());
        out.println("account=" + account.id());
        out.println("region=" + LocalAws.DEFAULT_REGION);
        // The managed instance every LocalAws starts with, for SSM maintenance window targets.
        aws.instances().list().forEach(i -> out.println("instance=" + i.id()));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        usage("--port must be 0 to 65535, got '" + s + "'");
        return -1;
    }

    private static void usage(String problem) {
        System.err.println("local-aws: " + problem);
        System.err.println("usage: local-aws [--port N (default 4566, 0 = any free)] [--data-dir DIR]");
        System.exit(2);
    }
}
