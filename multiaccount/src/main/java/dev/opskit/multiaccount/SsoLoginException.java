package dev.opskit.multiaccount;

import dev.opskit.core.OpsException;

/**
 * A device login did not complete: the request was denied on the verification page, the code
 * expired before anyone approved it, or the wait was given up. The message says which and what
 * to do (usually: log in again). Never carries a token.
 */
public class SsoLoginException extends OpsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do
     * @param startUrl the start URL of the login
     * @param lastState the last state seen, e.g. {@code authorization_pending}
     * @param cause the cause, or {@code null}
     */
    public SsoLoginException(String message, String startUrl, String lastState, Throwable cause) {
        super(message, startUrl, lastState, cause);
    }
}
