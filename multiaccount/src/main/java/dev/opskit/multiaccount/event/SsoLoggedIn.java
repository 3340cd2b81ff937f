package dev.opskit.multiaccount.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An SSO session is ready: logged in now, or taken from the token cache.
 *
 * @param time when
 * @param startUrl the IAM Identity Center start URL
 * @param sessionName the {@code sso-session} name the token is cached under
 * @param expiresAt when the access token expires (it is refreshed before)
 * @param fromCache true if no login was needed
 */
public record SsoLoggedIn(Instant time, String startUrl, String sessionName, Instant expiresAt, boolean fromCache)
        implements MultiAccountEvent {
    /** Checks the time. */
    public SsoLoggedIn {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public String resource() {
        return startUrl;
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("sessionName", sessionName, "expiresAt", expiresAt, "fromCache", fromCache);
    }

    @Override
    public String message() {
        return (fromCache ? "SSO session " + sessionName + " taken from the token cache" : "logged in to " + startUrl
                + " as SSO session " + sessionName) + ", token valid until " + expiresAt;
    }
}
