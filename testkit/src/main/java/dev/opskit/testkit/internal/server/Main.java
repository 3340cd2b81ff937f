package dev.opskit.testkit.internal.server;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone launcher ({@code testkit/local-aws}): starts a LocalAws, prints its endpoint,
 * default credentials, region and local managed instance one per line ({@code endpoint=},
 * {@code aws_access_key_id=}, {@code aws_secret_access_key=}, {@code account=}, {@code region=},
 * {@code instance=}), and serves until SIGTERM or SIGINT, when a shutdown hook closes everything.
 * The region is {@code --region}, else {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION} (as the
 * AWS CLI reads them), else {@value LocalAws#DEFAULT_REGION}.
 */
public final class Main {
    static final String USAGE = "usage: local-aws [--port N (default 4566, 0 = any free)] [--region R"
            + " (default $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)] [--data-dir DIR]";

    private Main() {
    }

    /** What the command line and the environment ask for. */
    record Options(int port, String region, Path dataDir, boolean help) {
        /**
         * @param args the command line
         * @param env the environment, for {@code AWS_REGION} and {@code AWS_DEFAULT_REGION}
         * @throws IllegalArgumentException with what is wrong, for a bad command line
         */
        static Options parse(String[] args, Map<String, String> env) {
            int port = 4566;
            String region = null;
            Path dataDir = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = parsePort(value(args, ++i, "--port"));
                    case "--region" -> region = value(args, ++i, "--region");
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                    case "-h", "--help" -> {
                        return new Options(port, LocalAws.DEFAULT_REGION, dataDir, true);
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            for (String variable : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
                String v = env.get(variable);
                if (region == null && v != null && !v.isBlank()) {
                    region = v.trim();
                }
            }
            return new Options(port, region != null ? region : LocalAws.DEFAULT_REGION, dataDir, false);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
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
            throw new IllegalArgumentException("--port must be 0 to 65535, got '" + s + "'");
        }
    }

    public static void main(String[] args) {
        Options o;
        LocalAws.Builder builder;
        try {
            o = Options.parse(args, System.getenv());
            if (o.help()) {
                System.out.println(USAGE);
                return;
            }
            builder = LocalAws.builder().port(o.port()).region(o.region());
        } catch (IllegalArgumentException | InvalidInputException e) {
            System.err.println("local-aws: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (o.dataDir() != null) {
            builder.dataDir(o.dataDir());
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
        out.println("region=" + aws.region());
        // The local machine, a managed instance in every region, for SSM maintenance window targets.
        aws.instances().list().forEach(i -> out.println("instance=" + i.id()));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
