package dev.opskit.multiaccount.internal;

import dev.opskit.core.CallRetries;
import dev.opskit.core.OpsException;
import dev.opskit.core.event.EventBus;
import dev.opskit.multiaccount.event.CredentialsIssued;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The credentials of one role in one account, held by an SDK provider that caches them and fetches
 * new ones before they expire ({@code SsoCredentialsProvider}, {@code StsAssumeRoleCredentialsProvider}).
 * Publishes a {@link CredentialsIssued} event whenever the provider hands out a new key. Being a
 * role's session, these credentials make any {@code AssumeRole} made with them role chaining.
 */
public final class RoleCredentials implements AwsCredentialsProvider, SdkAutoCloseable {
    private final String accountId;
    private final String role;
    private final String source;
    private final AwsCredentialsProvider delegate;
    private final EventBus bus;
    private final Clock clock;
    private final AtomicReference<String> lastKey = new AtomicReference<>();

    public RoleCredentials(String accountId, String role, String source, AwsCredentialsProvider delegate, EventBus bus,
            Clock clock) {
        this.accountId = accountId;
        this.role = role;
        this.source = source;
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.bus = bus;
        this.clock = clock;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        AwsCredentials c;
        try {
            c = delegate.resolveCredentials();
        } catch (SdkException e) {
            String operation = source.equals("sso") ? "SSO GetRoleCredentials" : "STS AssumeRole";
            throw new OpsException(operation + " for " + role + " in account " + accountId + " failed"
                    + (CallRetries.isThrottling(e) ? " while throttled, after retrying until its deadline" : "")
                    + ": " + e.getMessage(), accountId, CallRetries.isThrottling(e) ? "throttled" : null, e);
        }
        String previous = lastKey.getAndSet(c.accessKeyId());
        if (bus != null && !c.accessKeyId().equals(previous)) {
            bus.publish(new CredentialsIssued(clock.instant(), accountId, role, source, c.accessKeyId(),
                    c.expirationTime().orElse(null)));
        }
        return c;
    }

    public String accountId() {
        return accountId;
    }

    public String role() {
        return role;
    }

    @Override
    public void close() {
        if (delegate instanceof AutoCloseable a) {
            try {
                a.close();
            } catch (Exception e) {
                // nothing to do: the provider only stops refreshing
            }
        }
    }

    @Override
    public String toString() {
        return "RoleCredentials[" + role + " in " + accountId + " from " + source + "]";
    }
}
