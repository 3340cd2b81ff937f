package dev.opskit.multiaccount.internal;

import dev.opskit.core.Backoff;
import dev.opskit.core.Secret;
import dev.opskit.core.Sleeper;
import dev.opskit.core.WaitFailedException;
import dev.opskit.core.WaitInterruptedException;
import dev.opskit.core.WaitTimeoutException;
import dev.opskit.core.Waiter;
import dev.opskit.core.event.EventBus;
import dev.opskit.multiaccount.DeviceAuthorization;
import dev.opskit.multiaccount.SsoLoginException;
import dev.opskit.multiaccount.event.DeviceAuthorizationStarted;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.model.AccessDeniedException;
import software.amazon.awssdk.services.ssooidc.model.AuthorizationPendingException;
import software.amazon.awssdk.services.ssooidc.model.CreateTokenResponse;
import software.amazon.awssdk.services.ssooidc.model.ExpiredTokenException;
import software.amazon.awssdk.services.ssooidc.model.InvalidClientException;
import software.amazon.awssdk.services.ssooidc.model.RegisterClientResponse;
import software.amazon.awssdk.services.ssooidc.model.SlowDownException;
import software.amazon.awssdk.services.ssooidc.model.StartDeviceAuthorizationResponse;

/**
 * The OAuth device authorization grant (RFC 8628) against SSO-OIDC, which no SDK provider
 * performs: register a public client (or reuse the cached registration), start a device
 * authorization, hand the code to a person, and poll {@code CreateToken} with core's
 * {@link Waiter} at the announced interval, five seconds slower after each {@code slow_down},
 * until the code is approved, denied or expired.
 */
public final class DeviceLogin {
    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final String SCOPE = "sso:account:access";

    private final SsoOidcClient oidc;
    private final Clock clock;
    private final Sleeper sleeper;
    private final EventBus bus;

    public DeviceLogin(SsoOidcClient oidc, Clock clock, Sleeper sleeper, EventBus bus) {
        this.oidc = oidc;
        this.clock = clock;
        this.sleeper = sleeper;
        this.bus = bus;
    }

    /**
     * Logs in and returns the token to cache.
     *
     * @param previous the cached token of the session, whose client registration is reused if valid
     * @param timeout how long to wait for approval at most (the code's own expiry may end it sooner)
     * @throws SsoLoginException if the login is denied, the code expires or the wait is given up
     */
    public CachedToken login(String sessionName, String startUrl, String region, CachedToken previous,
            Consumer<DeviceAuthorization> onCode, Duration timeout) {
        Instant now = clock.instant();
        String clientId;
        Secret clientSecret;
        Instant registrationExpires;
        StartDeviceAuthorizationResponse device = null;
        if (previous != null && previous.registrationValidAt(now.plus(Duration.ofHours(1)))) {
            clientId = previous.clientId();
            clientSecret = previous.clientSecret();
            registrationExpires = previous.registrationExpiresAt();
            try {
                device = start(clientId, clientSecret, startUrl);
            } catch (InvalidClientException e) {
                device = null; // the registration was revoked: register again below
            }
        } else {
            clientId = null;
            clientSecret = null;
            registrationExpires = null;
        }
        if (device == null) {
            RegisterClientResponse reg = oidc.registerClient(r -> r.clientName("opskit-" + sessionName)
                    .clientType("public").scopes(SCOPE));
            clientId = reg.clientId();
            clientSecret = Secret.of(reg.clientSecret());
            registrationExpires = Instant.ofEpochSecond(reg.clientSecretExpiresAt());
            device = start(clientId, clientSecret, startUrl);
        }
        Instant issued = clock.instant();
        Instant codeExpires = issued.plusSeconds(device.expiresIn() == null ? 600 : device.expiresIn());
        DeviceAuthorization auth = new DeviceAuthorization(URI.create(device.verificationUri()),
                device.verificationUriComplete() == null ? null : URI.create(device.verificationUriComplete()),
                device.userCode(), codeExpires);
        if (bus != null) {
            bus.publish(new DeviceAuthorizationStarted(issued, startUrl, device.verificationUri(), device.userCode(),
                    codeExpires));
        }
        onCode.accept(auth);

        Duration interval = Duration.ofSeconds(device.interval() == null || device.interval() < 1 ? 5 : device.interval());
        Instant giveUp = min(codeExpires, issued.plus(timeout));
        String deviceCode = device.deviceCode();
        String id = clientId;
        Secret secret = clientSecret;
        String resource = "SSO login at " + startUrl;
        String awaited = "approval of code " + device.userCode() + " at " + device.verificationUri();
        while (true) {
            Duration left = Duration.between(clock.instant(), giveUp);
            if (left.isNegative() || left.isZero()) {
                throw new SsoLoginException("Nobody approved the code " + device.userCode() + " at "
                        + device.verificationUri() + " in time (it " + (giveUp.equals(codeExpires) ? "expired" : "was given up")
                        + " at " + giveUp + "); log in again and confirm the new code", startUrl, "authorization_pending",
                        null);
            }
            try {
                CreateTokenResponse token = Waiter.forResource(resource).waitingFor(awaited)
                        .poll(() -> oidc.createToken(r -> r.grantType(DEVICE_GRANT).deviceCode(deviceCode)
                                .clientId(id).clientSecret(secret.reveal())))
                        .state(t -> "approved")
                        .succeedWhen(t -> true)
                        .retryOn(AuthorizationPendingException.class)
                        .failOn(AccessDeniedException.class, e -> "the request was denied on the verification page")
                        .failOn(ExpiredTokenException.class, e -> "the code " + auth.userCode() + " expired")
                        .backoff(Backoff.fixed(interval))
                        .deadline(left)
                        .clock(clock)
                        .sleeper(sleeper)
                        .events(bus == null ? new EventBus() : bus, null, "sso login")
                        .await();
                Instant at = clock.instant();
                return new CachedToken(startUrl, region, Secret.of(token.accessToken()),
                        at.plusSeconds(token.expiresIn() == null ? 3600 : token.expiresIn()), id, secret,
                        registrationExpires, token.refreshToken() == null ? null : Secret.of(token.refreshToken()));
            } catch (SlowDownException e) {
                // RFC 8628: every later poll waits five seconds longer.
                interval = interval.plusSeconds(5);
                Duration remaining = Duration.between(clock.instant(), giveUp);
                try {
                    sleeper.sleep(remaining.compareTo(interval) < 0 ? remaining : interval);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SsoLoginException("Interrupted while waiting for the approval of code "
                            + auth.userCode() + "; nothing was changed, log in again", startUrl, "slow_down", ie);
                }
            } catch (WaitFailedException e) {
                throw new SsoLoginException("The login at " + startUrl + " failed: " + e.getMessage()
                        + "; log in again", startUrl, e.lastState().orElse(null), e);
            } catch (WaitTimeoutException e) {
                throw new SsoLoginException("Nobody approved the code " + auth.userCode() + " at "
                        + auth.verificationUri() + " before " + giveUp + "; log in again and confirm the new code",
                        startUrl, "authorization_pending", e);
            } catch (WaitInterruptedException e) {
                throw new SsoLoginException("Interrupted while waiting for the approval of code " + auth.userCode()
                        + "; nothing was changed, log in again", startUrl, "authorization_pending", e);
            }
        }
    }

    private StartDeviceAuthorizationResponse start(String clientId, Secret clientSecret, String startUrl) {
        return oidc.startDeviceAuthorization(r -> r.clientId(clientId).clientSecret(clientSecret.reveal())
                .startUrl(startUrl));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
