package dev.opskit.multiaccount;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * What a person needs to approve a device login: the page and the code to confirm there. The
 * device code that the polling client exchanges for a token is not part of it.
 *
 * <pre>{@code
 * Sso.builder().startUrl(url).region("eu-west-1")
 *         .onDeviceCode(d -> System.out.println("open " + d.verificationUriComplete()))
 *         .login();
 * }</pre>
 *
 * @param verificationUri the page to open
 * @param verificationUriComplete the page with the code filled in
 * @param userCode the code to confirm, e.g. {@code BCDF-GHJK}
 * @param expiresAt when the code stops working
 */
public record DeviceAuthorization(URI verificationUri, URI verificationUriComplete, String userCode,
        Instant expiresAt) {
    /** Checks the parts. */
    public DeviceAuthorization {
        Objects.requireNonNull(verificationUri, "verificationUri");
        Objects.requireNonNull(userCode, "userCode");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
