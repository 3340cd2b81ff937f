package dev.opskit.testkit;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.internal.sso.IdentityCenter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The IAM Identity Center of a {@link LocalAws}: one user, the permission sets assigned to that
 * user per account, and the device logins waiting for approval. SSO-OIDC and the SSO portal are
 * served unsigned on LocalAws's endpoint, as on AWS; a person approves a login on the
 * {@linkplain #verificationPage() verification page} (or a test calls {@link #approve}).
 *
 * <pre>{@code
 * LocalAccount prod = aws.createAccount("222222222222");
 * aws.organization().name(prod.id(), "prod");
 * aws.sso().assign(prod.id(), "ops-admin");                      // the role the portal lists
 * // aws sso login / Sso.login(aws.sso().startUrl(), "us-east-1") prints a code; then:
 * aws.sso().approve(userCode);
 * }</pre>
 *
 * Thread-safe.
 */
public final class LocalSso {
    private final IdentityCenter center;
    private final URI endpoint;

    LocalSso(IdentityCenter center, URI endpoint) {
        this.center = center;
        this.endpoint = endpoint;
    }

    /** @return the start URL to log in with, {@code http://127.0.0.1:<port>/start} */
    public String startUrl() {
        return center.startUrl();
    }

    /** @return where a person approves a code: {@code http://127.0.0.1:<port>/device} */
    public URI verificationPage() {
        return endpoint.resolve("/device");
    }

    /** @return the user name that role sessions are named after ({@code local-user} unless set) */
    public String userName() {
        return center.userName();
    }

    /**
     * @param name 2 to 64 letters, digits or {@code +=,.@_-}
     * @return this
     */
    public LocalSso userName(String name) {
        center.userName(name);
        return this;
    }

    /**
     * Defines a permission set, or changes how long its role credentials last.
     *
     * @param name the role name the portal lists, e.g. {@code AdministratorAccess}
     * @param sessionDuration 1 to 12 hours (default 1 hour)
     * @return this
     * @throws InvalidInputException if out of range
     */
    public LocalSso permissionSet(String name, Duration sessionDuration) {
        center.permissionSet(name, Objects.requireNonNull(sessionDuration, "sessionDuration"));
        return this;
    }

    /**
     * Assigns a permission set to the user in an account, defining it (1-hour sessions) if new.
     *
     * @param accountId an account of this LocalAws
     * @param permissionSet the permission set's name
     * @return this
     * @throws InvalidInputException if the account does not exist or the name is not valid
     */
    public LocalSso assign(String accountId, String permissionSet) {
        center.assign(accountId, permissionSet);
        return this;
    }

    /**
     * @param accountId the account
     * @param permissionSet the permission set to take away
     * @return this
     */
    public LocalSso unassign(String accountId, String permissionSet) {
        center.unassign(accountId, permissionSet);
        return this;
    }

    /** @return the permission sets assigned per account id, sorted by account */
    public Map<String, List<String>> assignments() {
        return center.assignments();
    }

    /**
     * The IAM role an assigned permission set stands for in an account, as
     * {@code GetCallerIdentity} shows it ({@code assumed-role/AWSReservedSSO_<set>_<hex>/<user>}).
     *
     * @param accountId the account
     * @param permissionSet the permission set
     * @return the role name
     */
    public String roleName(String accountId, String permissionSet) {
        return center.reservedRoleName(accountId, permissionSet);
    }

    /**
     * Approves a pending device login, as a person does on the verification page.
     *
     * @param userCode the code the login shows, e.g. {@code BCDF-GHJK} (any case)
     * @return this
     * @throws InvalidInputException if no login with that code is waiting
     */
    public LocalSso approve(String userCode) {
        return decide(userCode, true);
    }

    /**
     * Denies a pending device login; its client's next poll gets {@code access_denied}.
     *
     * @param userCode the code the login shows
     * @return this
     * @throws InvalidInputException if no login with that code is waiting
     */
    public LocalSso deny(String userCode) {
        return decide(userCode, false);
    }

    /** @return the user codes of device logins waiting for approval, oldest first */
    public List<String> pendingUserCodes() {
        return center.pendingDevices().stream().map(IdentityCenter.Device::userCode).toList();
    }

    /**
     * @param lifetime how long an access token lasts (default 1 hour; never past its session)
     * @return this
     */
    public LocalSso accessTokenLifetime(Duration lifetime) {
        center.accessTokenLifetime(lifetime);
        return this;
    }

    /**
     * @param lifetime how long a login's refresh token works (default 8 hours)
     * @return this
     */
    public LocalSso sessionLifetime(Duration lifetime) {
        center.sessionLifetime(lifetime);
        return this;
    }

    /**
     * @param lifetime how long a device code waits for approval (default 10 minutes)
     * @return this
     */
    public LocalSso deviceCodeLifetime(Duration lifetime) {
        center.deviceCodeLifetime(lifetime);
        return this;
    }

    /**
     * @param interval the polling interval StartDeviceAuthorization announces (default 1 s); a
     *     client polling faster than half of it gets {@code slow_down}
     * @return this
     */
    public LocalSso pollInterval(Duration interval) {
        center.pollInterval(interval);
        return this;
    }

    /**
     * Answers the next token polls of pending logins with {@code slow_down}.
     *
     * @param polls how many
     * @return this
     */
    public LocalSso slowDownNext(int polls) {
        if (polls < 0) {
            throw new InvalidInputException("polls", Integer.toString(polls), "give 0 or more");
        }
        center.slowDownNext(polls);
        return this;
    }

    /**
     * Makes every access token expired now, so clients must refresh them with their refresh
     * tokens.
     *
     * @return this
     */
    public LocalSso expireAccessTokens() {
        center.expireAccessTokens();
        return this;
    }

    /**
     * Ends every login: access tokens stop working and refresh tokens are refused
     * ({@code InvalidGrantException}), as when a session's duration is over; users must log in
     * again.
     *
     * @return this
     */
    public LocalSso endSessions() {
        center.endSessions();
        return this;
    }

    private LocalSso decide(String userCode, boolean approve) {
        if (!center.decide(userCode, approve)) {
            throw new InvalidInputException("userCode", userCode, "no device login with that code is waiting; "
                    + "waiting codes: " + pendingUserCodes());
        }
        return this;
    }

    @Override
    public String toString() {
        return "LocalSso[" + startUrl() + "]";
    }
}
