package dev.opskit.testkit.internal.sts;

import dev.opskit.core.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * One access key known to LocalAws: its secret, the session token that must accompany it if it
 * is temporary, and the principal it acts as. {@link #toString()} hides both secrets.
 */
public record AccessKey(String accessKeyId, Secret secretAccessKey, Secret sessionToken, Principal principal) {

    public AccessKey {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(principal, "principal");
    }

    /** The session token of a temporary key; empty for long-term keys. */
    public Optional<Secret> token() {
        return Optional.ofNullable(sessionToken);
    }

    public boolean temporary() {
        return sessionToken != null;
    }
}
