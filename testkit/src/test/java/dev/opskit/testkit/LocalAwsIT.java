package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.ConflictException;
import dev.opskit.core.ResourceNotFoundException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

class LocalAwsIT {

    @Test
    void startsFastAnswersAndFreesItsPortAndDataDirOnClose() throws IOException {
        long t0 = System.nanoTime();
        LocalAws aws = LocalAws.start();
        long startMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("LocalAws started in " + startMillis + " ms at " + aws.endpoint());
        int port = aws.endpoint().getPort();
        Path dataDir = aws.dataDir();
        assertThat(dataDir).isEqualTo(LocalAws.DEFAULT_DATA_DIR);
        // Only this JVM's runs: other processes may share the default data dir at the same time.
        String ours = "run-" + ProcessHandle.current().pid() + "-";
        Set<Path> runsWhileOpen = runDirs(dataDir, ours);
        assertThat(runsWhileOpen).isNotEmpty();
        try (AwsContext ctx = aws.context()) {
            assertThat(ctx.client(StsClient.class, StsClient::builder).getCallerIdentity().account())
                    .isEqualTo(LocalAws.DEFAULT_ACCOUNT_ID);
            assertThat(ctx.region().id()).isEqualTo(LocalAws.DEFAULT_REGION);
            assertThat(ctx.account()).hasValue(LocalAws.DEFAULT_ACCOUNT_ID);
        }

        try (LocalAws other = LocalAws.start()) {
            Set<Path> othersRun = new HashSet<>(runDirs(dataDir, ours));
            othersRun.removeAll(runsWhileOpen);
            assertThat(othersRun).hasSize(1);

            aws.close();
            aws.close();

            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
            // This LocalAws's run directory is gone; the other instance's run is untouched.
            Set<Path> runsAfter = runDirs(dataDir, ours);
            assertThat(runsAfter).containsAll(othersRun);
            Set<Path> gone = new HashSet<>(runsWhileOpen);
            gone.removeAll(runsAfter);
            assertThat(gone).hasSize(1);
            assertThat(runsAfter).hasSize(runsWhileOpen.size());
            assertThat(other.toString()).doesNotContain("closed");
        }
        assertThat(aws.toString()).contains("closed");
    }

    @Test
    void givenDataDirAndPortAreUsedAndTheDirIsKept(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = tmp.resolve("data");
        try (LocalAws aws = LocalAws.builder().port(port).dataDir(dir).timings(Timings.instant()).start()) {
            assertThat(aws.endpoint().toString()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(aws.timings()).isEqualTo(Timings.instant());
            assertThat(aws.dataDir()).isEqualTo(dir);

            assertThatThrownBy(() -> LocalAws.builder().port(port).start())
                    .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("choose another port");
        }
        assertThat(dir).isDirectory();
        assertThat(runDirs(dir)).isEmpty();
    }

    private static Set<Path> runDirs(Path dir) throws IOException {
        return runDirs(dir, "run-");
    }

    private static Set<Path> runDirs(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).collect(Collectors.toSet());
        }
    }

    @Test
    void accountsAreLookedUpByIdAndSecretsStayHidden() {
        try (LocalAws aws = LocalAws.start()) {
            LocalAccount created = aws.createAccount("123456789012");

            assertThat(aws.account("123456789012")).isEqualTo(created);
            assertThat(created.toString()).contains("123456789012", created.accessKeyId())
                    .doesNotContain(created.secretAccessKey().reveal());
            assertThatThrownBy(() -> aws.createAccount("123456789012")).isInstanceOf(ConflictException.class)
                    .hasMessageContaining("already exists");
            assertThatThrownBy(() -> aws.account("000000000042")).isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining("createAccount");
            assertThat(created.roleArn("ops")).isEqualTo("arn:aws:iam::123456789012:role/ops");
        }
    }

    @Test
    void aRegionOfItsOwnIsTheContextsAndTheLocalMachineIsAManagedInstanceInEveryRegion() {
        assertThatThrownBy(() -> LocalAws.builder().region("Tokyo"))
                .isInstanceOf(dev.opskit.core.InvalidInputException.class).hasMessageContaining("ap-northeast-1");
        try (LocalAws aws = LocalAws.builder().region("ap-northeast-1").timings(Timings.instant()).start();
                AwsContext ctx = aws.context()) {
            assertThat(aws.region()).isEqualTo("ap-northeast-1");
            assertThat(ctx.region().id()).isEqualTo("ap-northeast-1");
            LocalInstances.Instance machine = aws.instances().list().get(0);
            assertThat(machine.region()).isEqualTo("ap-northeast-1");
            for (String region : List.of("us-east-1", "eu-west-1")) {
                assertThat(aws.instances().list(aws.defaultAccount(), region)).as(region)
                        .extracting(LocalInstances.Instance::id).containsExactly(machine.id());
            }
            // An instance registered in one region stays there, as on AWS.
            LocalInstances.Instance web = aws.instances().register(Map.of("Role", "web"));
            assertThat(web.region()).isEqualTo("ap-northeast-1");
            assertThat(aws.instances().list(aws.defaultAccount(), "eu-west-1")).extracting(LocalInstances.Instance::id)
                    .containsExactly(machine.id());
            // Another account manages no local machine.
            assertThat(aws.instances().list(aws.createAccount(), "ap-northeast-1")).isEmpty();
        }
    }
}
