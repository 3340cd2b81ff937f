package dev.opskit.multiaccount;

import dev.opskit.core.OpsException;

/**
 * The SSO session cannot be used any more without a person: its token is missing or expired and
 * could not be refreshed (the refresh token expired or was revoked, or the client registration
 * ran out). Log in again with {@link Sso#login(String, String)} (or {@code aws sso login
 * --sso-session NAME}). Never carries a token.
 */
public class SsoLoginRequiredException extends OpsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and how to log in again
     * @param sessionName the {@code sso-session} name
     * @param cause the cause, or {@code null}
     */
    public SsoLoginRequiredException(String message, String sessionName, Throwable cause) {
        super(message, sessionName, "login required", cause);
    }
}
