package dev.opskit.multiaccount.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Temporary credentials for an account's role were fetched (SSO {@code GetRoleCredentials} or
 * STS {@code AssumeRole}); they are cached and fetched again shortly before they expire.
 *
 * @param time when
 * @param accountId the account
 * @param role the role name (SSO) or ARN (AssumeRole)
 * @param source {@code sso} or {@code assume-role}
 * @param accessKeyId the temporary access key id (not a secret: it names the key in CloudTrail)
 * @param expiresAt when the credentials expire, or {@code null} if not told
 */
public record CredentialsIssued(Instant time, String accountId, String role, String source, String accessKeyId,
        Instant expiresAt) implements MultiAccountEvent {
    /** Checks the time. */
    public CredentialsIssued {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public String resource() {
        return accountId;
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("role", role, "source", source, "accessKeyId", accessKeyId, "expiresAt", expiresAt);
    }

    @Override
    public String message() {
        return "credentials for " + role + " in " + accountId + " from " + source + ", valid until " + expiresAt;
    }
}
