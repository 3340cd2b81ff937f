package dev.opskit.multiaccount;

import dev.opskit.core.AwsContext;
import dev.opskit.testkit.LocalAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A LocalAws with accounts and SSO permission sets, and a clean token cache, for one test class. */
final class LocalIdentityCenter implements AutoCloseable {
    static final String ROLE = "OpsAdmin";

    final LocalAws aws;
    final AwsContext base;
    final List<String> accounts = new ArrayList<>();

    LocalIdentityCenter(LocalAws aws, int accountCount, long firstId) {
        this.aws = aws;
        clearTokenCache();
        for (int i = 0; i < accountCount; i++) {
            String id = String.valueOf(firstId + i);
            aws.createAccount(id);
            aws.organization().name(id, "team-" + (i + 1));
            aws.sso().assign(id, ROLE);
            accounts.add(id);
        }
        this.base = aws.context();
    }

    static LocalIdentityCenter start(int accounts, long firstId) {
        return new LocalIdentityCenter(LocalAws.start(), accounts, firstId);
    }

    /** A login that approves its own code, as a person on the verification page would. */
    Sso.Builder login(String sessionName) {
        return Sso.builder().startUrl(aws.sso().startUrl()).region("us-east-1").sessionName(sessionName)
                .baseContext(base).onDeviceCode(code -> aws.sso().approve(code.userCode()));
    }

    static Path home() {
        return Path.of(System.getProperty("user.home"));
    }

    static Path cacheDir() {
        return home().resolve(".aws/sso/cache");
    }

    static void clearTokenCache() {
        if (!home().toString().contains("test-home")) {
            throw new IllegalStateException("tests must run with HOME under the build directory, not " + home());
        }
        try (Stream<Path> files = Files.exists(cacheDir()) ? Files.list(cacheDir()) : Stream.empty()) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        base.close();
        aws.close();
    }
}
