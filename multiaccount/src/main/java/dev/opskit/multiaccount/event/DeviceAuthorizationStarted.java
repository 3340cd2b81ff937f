package dev.opskit.multiaccount.event;

import dev.opskit.core.event.OpsEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A device login waits for a person to confirm its code at the verification URL. The user code is
 * what the person types; it grants nothing by itself.
 *
 * @param time when the code was issued
 * @param startUrl the IAM Identity Center start URL
 * @param verificationUri where to confirm the code
 * @param userCode the code to confirm, e.g. {@code BCDF-GHJK}
 * @param expiresAt when the code stops working
 */
public record DeviceAuthorizationStarted(Instant time, String startUrl, String verificationUri, String userCode,
        Instant expiresAt) implements MultiAccountEvent {
    /** Checks the time. */
    public DeviceAuthorizationStarted {
        Objects.requireNonNull(time, "time");
    }

    @Override
    public String resource() {
        return startUrl;
    }

    @Override
    public Map<String, Object> attributes() {
        return OpsEvent.attributes("verificationUri", verificationUri, "userCode", userCode, "expiresAt", expiresAt);
    }

    @Override
    public String message() {
        return "confirm code " + userCode + " at " + verificationUri + " (until " + expiresAt + ")";
    }
}
