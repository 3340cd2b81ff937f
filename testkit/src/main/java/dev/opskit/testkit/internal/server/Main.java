package dev.opskit.testkit.internal.server;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.LocalAccount;
import dev.opskit.testkit.LocalAws;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone launcher ({@code testkit/local-aws}): starts a LocalAws, prints its endpoint,
 * default credentials, region and local managed instance one per line ({@code endpoint=},
 * {@code aws_access_key_id=}, {@code aws_secret_access_key=}, {@code account=}, {@code region=},
 * {@code instance=}), and serves until SIGTERM or SIGINT, when a shutdown hook closes everything.
 * The region is {@code --region}, else {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION} (as the
 * AWS CLI reads them), else {@value LocalAws#DEFAULT_REGION}. {@code --accounts N} adds N accounts
 * ({@code 100000000001}, ...), {@code --permission-set NAME} (repeatable) assigns an SSO permission
 * set in every account, {@code --role NAME} (repeatable) creates a role in every account that every
 * account may assume, with {@code --external-id ID} if given; then the SSO start URL and region and
 * each added account are printed too ({@code sso_start_url=}, {@code sso_region=},
 * {@code member_account=<id> <name>}).
 */
public final class Main {
    static final String USAGE = "usage: local-aws [--port N (default 4566, 0 = any free)] [--region R"
            + " (default $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)] [--data-dir DIR] [--accounts N]"
            + " [--permission-set NAME]... [--role NAME]... [--external-id ID]";

    private Main() {
    }

    /** What the command line and the environment ask for. */
    record Options(int port, String region, Path dataDir, boolean help, int accounts, List<String> permissionSets,
            List<String> roles, String externalId) {
        Options {
            permissionSets = List.copyOf(permissionSets);
            roles = List.copyOf(roles);
        }

        /**
         * @param args the command line
         * @param env the environment, for {@code AWS_REGION} and {@code AWS_DEFAULT_REGION}
         * @throws IllegalArgumentException with what is wrong, for a bad command line
         */
        static Options parse(String[] args, Map<String, String> env) {
            int port = 4566;
            String region = null;
            Path dataDir = null;
            int accounts = 0;
            List<String> permissionSets = new ArrayList<>();
            List<String> roles = new ArrayList<>();
            String externalId = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = parsePort(value(args, ++i, "--port"));
                    case "--region" -> region = value(args, ++i, "--region");
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                    case "--accounts" -> accounts = parseCount(value(args, ++i, "--accounts"));
                    case "--permission-set" -> permissionSets.add(value(args, ++i, "--permission-set"));
                    case "--role" -> roles.add(value(args, ++i, "--role"));
                    case "--external-id" -> externalId = value(args, ++i, "--external-id");
                    case "-h", "--help" -> {
                        return new Options(port, LocalAws.DEFAULT_REGION, dataDir, true, 0, List.of(), List.of(), null);
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
            return new Options(port, region != null ? region : LocalAws.DEFAULT_REGION, dataDir, false, accounts,
                    permissionSets, roles, externalId);
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

        private static int parseCount(String s) {
            try {
                int n = Integer.parseInt(s);
                if (n >= 0 && n <= 1000) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--accounts must be 0 to 1000, got '" + s + "'");
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
        List<LocalAccount> added = new ArrayList<>();
        try {
            for (int n = 1; n <= o.accounts(); n++) {
                added.add(aws.createAccount(String.valueOf(100000000000L + n)));
            }
            List<LocalAccount> all = new ArrayList<>(List.of(aws.defaultAccount()));
            all.addAll(added);
            for (LocalAccount a : all) {
                o.permissionSets().forEach(ps -> aws.sso().assign(a.id(), ps));
                for (String role : o.roles()) {
                    aws.roles().create(a, role, r -> {
                        r.trust("*");
                        if (o.externalId() != null) {
                            r.externalId(o.externalId());
                        }
                    });
                }
            }
        } catch (InvalidInputException e) {
            aws.close();
            System.err.println("local-aws: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
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
        out.println("sso_start_url=" + aws.sso().startUrl());
        out.println("sso_region=" + aws.region());
        added.forEach(a -> out.println("member_account=" + a.id() + " " + aws.organization().name(a.id())));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
