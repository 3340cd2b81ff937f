package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.opskit.core.AwsContext;
import dev.opskit.core.VirtualTime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * {@link LocalAwsExtension} run by JUnit itself on sample test classes: what the tests see while
 * they run, and that everything is closed after them.
 */
class LocalAwsExtensionIT {
    /** What the sample tests saw, in the order they ran. */
    static final List<LocalAws> SEEN = new CopyOnWriteArrayList<>();
    static final List<AwsContext> CONTEXTS = new CopyOnWriteArrayList<>();
    static final List<String> ACCOUNTS = new CopyOnWriteArrayList<>();

    private static Events run(Class<?> sample) {
        SEEN.clear();
        CONTEXTS.clear();
        ACCOUNTS.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute().testEvents();
    }

    private static void record(LocalAwsExtension ext) {
        SEEN.add(ext.aws());
        CONTEXTS.add(ext.context());
        ACCOUNTS.add(ext.client(StsClient.class, StsClient::builder).getCallerIdentity().account());
    }

    private static void assertClosed(LocalAws aws, AwsContext ctx) throws IOException {
        assertThat(aws).hasToString("LocalAws[closed]");
        assertThatThrownBy(() -> ctx.client(StsClient.class, StsClient::builder))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        // Its port is free again: the HTTP server stopped.
        try (ServerSocket s = new ServerSocket(aws.endpoint().getPort(), 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(aws.endpoint().getPort());
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassSample {
        @RegisterExtension
        static final LocalAwsExtension AWS = LocalAwsExtension.perClass();

        @Test
        @Order(1)
        void first() {
            record(AWS);
        }

        @Test
        @Order(2)
        void second() {
            record(AWS);
        }

        @Nested
        class Inner {
            @Test
            void third() {
                record(AWS);
            }
        }
    }

    @Test
    void perClassSharesOneLocalAwsAcrossTheClassAndClosesItAfterTheLast() throws IOException {
        run(PerClassSample.class).assertStatistics(s -> s.started(3).succeeded(3));

        assertThat(SEEN).hasSize(3).containsOnly(SEEN.get(0));
        assertThat(CONTEXTS).containsOnly(CONTEXTS.get(0));
        assertThat(ACCOUNTS).containsOnly(LocalAws.DEFAULT_ACCOUNT_ID);
        assertClosed(SEEN.get(0), CONTEXTS.get(0));
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerTestSample {
        @RegisterExtension
        final LocalAwsExtension aws = LocalAwsExtension.perTest();

        @Test
        @Order(1)
        void first() {
            record(aws);
        }

        @Test
        @Order(2)
        void second() throws IOException {
            record(aws);
            // The first test's LocalAws went when that test ended.
            assertClosed(SEEN.get(0), CONTEXTS.get(0));
        }
    }

    @Test
    void perTestGivesEachTestItsOwnLocalAwsAndClosesItAfterTheTest() throws IOException {
        run(PerTestSample.class).assertStatistics(s -> s.started(2).succeeded(2));

        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        assertThat(ACCOUNTS).containsOnly(LocalAws.DEFAULT_ACCOUNT_ID);
        assertClosed(SEEN.get(1), CONTEXTS.get(1));
    }

    static class SettingsSample {
        static final VirtualTime TIME = VirtualTime.startingAt(Instant.parse("2026-01-07T12:00:00Z"));

        @TempDir
        static Path dataDir;

        @RegisterExtension
        static final LocalAwsExtension AWS = LocalAwsExtension.builder()
                .timings(Timings.instant())
                .clock(TIME.clock())
                .configure(b -> b.dataDir(dataDir.resolve("aws")))
                .perClass();

        @Test
        void seesItsSettings() {
            record(AWS);
            assertThat(AWS.aws().timings()).isEqualTo(Timings.instant());
            assertThat(AWS.aws().dataDir()).isEqualTo(dataDir.resolve("aws").toAbsolutePath().normalize());
        }
    }

    @Test
    void aBuilderPassesTimingsClockAndADataDirectoryReadWhenItStarts() throws IOException {
        run(SettingsSample.class).assertStatistics(s -> s.started(1).succeeded(1));

        assertClosed(SEEN.get(0), CONTEXTS.get(0));
    }

    static class PerClassOnAnInstanceFieldSample {
        @RegisterExtension
        final LocalAwsExtension aws = LocalAwsExtension.perClass();

        @Test
        void neverRuns() {
            record(aws);
        }
    }

    @Test
    void perClassOnAnInstanceFieldFailsTheTestSayingWhatToDo() {
        Events events = run(PerClassOnAnInstanceFieldSample.class);

        events.assertStatistics(s -> s.started(1).failed(1));
        assertThat(SEEN).isEmpty();
        Throwable failure = events.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("not on a static field").hasMessageContaining("perTest()");
    }

    @Test
    void outsideItsTestsItSaysNoLocalAwsRuns() {
        LocalAwsExtension ext = LocalAwsExtension.perTest();

        assertThatThrownBy(ext::aws).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no LocalAws is running");
        assertThat(ext).hasToString("LocalAwsExtension[per test, stopped]");
    }
}
