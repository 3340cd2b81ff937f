package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Options are checked when set, before any AWS call. */
class ReplicationSetupTest {
    // Nothing listens here: a test that reached AWS would fail on the connection, not on the input.
    static final AwsContext NOWHERE = AwsContext.builder().region("us-east-1")
            .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
            .endpointOverride(URI.create("http://127.0.0.1:9")).maxAttempts(1).build();

    @Test
    void retentionOutsideEveryEnginesRangeIsRejectedWithTheAllowedRange() {
        var setup = Replication.from("orders", NOWHERE).cloneTo("orders-next");
        assertThatThrownBy(() -> setup.binlogRetentionHours(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("1 to 2160");
        assertThatThrownBy(() -> setup.binlogRetentionHours(2161)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("2161");
        assertThat(setup.binlogRetentionHours(2160)).isSameAs(setup);
    }

    @Test
    void statementFormatIsRefused() {
        assertThatThrownBy(() -> Replication.from("orders", NOWHERE).cloneTo("orders-next")
                .binlogFormat(BinlogFormat.STATEMENT))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("MIXED");
    }

    @Test
    void malformedIdsUsersAndHostsAreRejected() {
        Replication r = Replication.from("orders", NOWHERE);
        assertThatThrownBy(() -> r.cloneTo("orders--next")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("orders--next");
        assertThatThrownBy(() -> r.cloneTo("1orders")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> r.cloneTo("orders")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("differ from the source");
        assertThatThrownBy(() -> r.cloneTo("next").replicationUser("repl'; DROP", "%"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> r.cloneTo("next").replicationUser("repl", "host name"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Replication.from(" ", NOWHERE)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> r.to("existing").startingAt(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void startWithoutMasterPasswordFailsBeforeAnyCall() {
        assertThatThrownBy(() -> Replication.from("orders", NOWHERE).cloneTo("orders-next").start())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("masterPassword");
    }

    @Test
    void setupDescriptionNeverShowsPasswords() {
        Secret master = Secret.of("master-pass-1234");
        Secret repl = Secret.of("repl-pass-5678");
        ReplicationSetup setup = Replication.from("orders", NOWHERE).cloneTo("orders-next")
                .masterPassword(master).replicationPassword(repl)
                .errorPolicy(ErrorPolicy.skip(1062)).deadline(Duration.ofMinutes(5));
        assertThat(setup.toString()).contains("orders", "orders-next", "MIXED", "1062")
                .doesNotContain("master-pass-1234").doesNotContain("repl-pass-5678");
    }

    @Test
    void writerClassAndDeadlineAreChecked() {
        var setup = Replication.from("orders", NOWHERE).cloneTo("orders-next");
        assertThatThrownBy(() -> setup.writerInstanceClass("large")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("db.r6g.large");
        assertThatThrownBy(() -> setup.deadline(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    }
}
