package dev.opskit.multiaccount.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An SSO access token was renewed with its refresh token before it expired, and the token cache
 * updated.
 *
 * @param time when
 * @param sessionName the {@code sso-session} name
 * @param expiresAt when the new access token expires
 */
public record SsoTokenRefreshed(Instant time, String sessionName, Instant expiresAt) implements MultiAccountEvent {
    /** Checks the time. */
    public SsoTokenRefreshed {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public String resource() {
        return sessionName;
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("expiresAt", expiresAt);
    }

    @Override
    public String message() {
        return "SSO session " + sessionName + " refreshed, token valid until " + expiresAt;
    }
}
