package dev.opskit.multiaccount.internal;

import dev.opskit.core.Secret;
import java.time.Instant;
import java.util.Objects;

/**
 * One SSO token as the AWS CLI caches it under {@code ~/.aws/sso/cache/<sha1 of session name>.json}:
 * the access token and its expiry, the refresh token and the OIDC client registration that
 * renews it, and the start URL and region it belongs to. The secrets are {@link Secret}s, so
 * {@link #toString()} shows none.
 */
public record CachedToken(String startUrl, String region, Secret accessToken, Instant expiresAt,
        String clientId, Secret clientSecret, Instant registrationExpiresAt, Secret refreshToken) {

    public CachedToken {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean validAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** Whether the client registration can still renew or start logins at {@code now}. */
    public boolean registrationValidAt(Instant now) {
        return clientId != null && clientSecret != null && registrationExpiresAt != null
                && now.isBefore(registrationExpiresAt);
    }

    public boolean refreshable(Instant now) {
        return refreshToken != null && registrationValidAt(now);
    }
}
