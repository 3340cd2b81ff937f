package dev.opskit.testkit.internal.sso;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.sts.AccessKey;
import dev.opskit.testkit.internal.sts.Identities;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The IAM Identity Center of one LocalAws: one user, permission sets assigned to that user in
 * accounts, OIDC clients, device authorizations waiting for approval, and the access and refresh
 * tokens issued for them. The OIDC service ({@link SsoOidcService}), the portal
 * ({@link SsoPortalService}) and the verification page share it. Times come from LocalAws's
 * clock. Thread-safe.
 */
public final class IdentityCenter {
    /** RFC 8628 user codes: no vowels or look-alikes, as AWS shows them ({@code ABCD-EFGH}). */
    private static final String USER_CODE_CHARS = "BCDFGHJKLMNPQRSTVWXZ";
    private static final String TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** A permission set: the role name the portal lists and how long its credentials last. */
    public record PermissionSet(String name, Duration sessionDuration) {
    }

    /** A registered OIDC client. */
    public record Client(String clientId, String clientSecret, String name, Instant issuedAt, Instant expiresAt) {
    }

    /** The state of one device authorization. */
    public enum DeviceState { PENDING, APPROVED, DENIED, USED }

    /** One device authorization (RFC 8628). */
    public static final class Device {
        final String deviceCode;
        final String userCode;
        final String clientId;
        final Instant expiresAt;
        final Duration interval;
        volatile DeviceState state = DeviceState.PENDING;
        volatile Instant lastPoll;

        Device(String deviceCode, String userCode, String clientId, Instant expiresAt, Duration interval) {
            this.deviceCode = deviceCode;
            this.userCode = userCode;
            this.clientId = clientId;
            this.expiresAt = expiresAt;
            this.interval = interval;
        }

        public String userCode() {
            return userCode;
        }

        public DeviceState state() {
            return state;
        }

        public Instant expiresAt() {
            return expiresAt;
        }
    }

    /** An issued access token and the refresh token that renews it. */
    record Session(String clientId, Instant refreshExpiresAt) {
    }

    private final Identities identities;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, PermissionSet> permissionSets = new ConcurrentHashMap<>();
    private final Map<String, List<String>> assignments = new ConcurrentHashMap<>();
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Device> devicesByCode = new ConcurrentHashMap<>();
    private final Map<String, Device> devicesByUserCode = new ConcurrentHashMap<>();
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Session> refreshTokens = new ConcurrentHashMap<>();
    private final AtomicInteger slowDowns = new AtomicInteger();
    private volatile String startUrl = "http://127.0.0.1/start";
    private volatile String userName = "local-user";
    private volatile Duration accessTokenLifetime = Duration.ofHours(1);
    private volatile Duration sessionLifetime = Duration.ofHours(8);
    private volatile Duration deviceCodeLifetime = Duration.ofMinutes(10);
    private volatile Duration pollInterval = Duration.ofSeconds(1);

    public IdentityCenter(Identities identities, Clock clock) {
        this.identities = identities;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public Identities identities() {
        return identities;
    }

    // ------------------------------------------------------------------ configuration

    public String startUrl() {
        return startUrl;
    }

    public void startUrl(String url) {
        this.startUrl = url;
    }

    public String userName() {
        return userName;
    }

    public void userName(String name) {
        if (name == null || !name.matches("[\\w+=,.@-]{2,64}")) {
            throw new InvalidInputException("user name", name, "give 2 to 64 letters, digits or +=,.@_- characters");
        }
        this.userName = name;
    }

    public void accessTokenLifetime(Duration d) {
        this.accessTokenLifetime = positive("accessTokenLifetime", d);
    }

    public void sessionLifetime(Duration d) {
        this.sessionLifetime = positive("sessionLifetime", d);
    }

    public void deviceCodeLifetime(Duration d) {
        this.deviceCodeLifetime = positive("deviceCodeLifetime", d);
    }

    public void pollInterval(Duration d) {
        this.pollInterval = positive("pollInterval", d);
    }

    /** The next {@code n} token polls of pending device codes answer {@code slow_down}. */
    public void slowDownNext(int n) {
        slowDowns.set(n);
    }

    /**
     * Defines (or redefines) a permission set.
     *
     * @throws InvalidInputException if the name or duration is out of range
     */
    public PermissionSet permissionSet(String name, Duration sessionDuration) {
        if (name == null || !name.matches("[\\w+=,.@-]{1,32}")) {
            throw new InvalidInputException("permission set name", name,
                    "a permission set name has 1 to 32 letters, digits or +=,.@_- characters");
        }
        if (sessionDuration.compareTo(Duration.ofHours(1)) < 0 || sessionDuration.compareTo(Duration.ofHours(12)) > 0) {
            throw new InvalidInputException("sessionDuration", sessionDuration.toString(),
                    "a permission set's session lasts from 1 to 12 hours");
        }
        PermissionSet ps = new PermissionSet(name, sessionDuration);
        permissionSets.put(name, ps);
        return ps;
    }

    /** Assigns a permission set (defined with a 1-hour session if new) to the user in an account. */
    public void assign(String accountId, String permissionSet) {
        if (!identities.accountExists(accountId)) {
            throw new InvalidInputException("accountId", accountId,
                    "no such account in this LocalAws; create it first with createAccount");
        }
        if (!permissionSets.containsKey(permissionSet)) {
            permissionSet(permissionSet, Duration.ofHours(1));
        }
        List<String> list = assignments.computeIfAbsent(accountId, a -> new java.util.concurrent.CopyOnWriteArrayList<>());
        synchronized (list) {
            if (!list.contains(permissionSet)) {
                list.add(permissionSet);
            }
        }
    }

    public void unassign(String accountId, String permissionSet) {
        List<String> list = assignments.get(accountId);
        if (list != null) {
            list.remove(permissionSet);
        }
    }

    /** The accounts the user has at least one permission set in, sorted by id. */
    public List<String> assignedAccounts() {
        List<String> ids = new ArrayList<>();
        new TreeMap<>(assignments).forEach((a, sets) -> {
            if (!sets.isEmpty()) {
                ids.add(a);
            }
        });
        return ids;
    }

    public List<String> assignedRoles(String accountId) {
        return List.copyOf(assignments.getOrDefault(accountId, List.of()));
    }

    /**
     * The IAM role behind a permission set in an account, named as Identity Center names it:
     * {@code AWSReservedSSO_<set>_<16 hex digits>}.
     */
    public String reservedRoleName(String accountId, String permissionSet) {
        int h = (accountId + "/" + permissionSet).hashCode();
        String hex = HexFormat.of().toHexDigits(h) + HexFormat.of().toHexDigits(permissionSet.hashCode());
        return "AWSReservedSSO_" + permissionSet + "_" + hex;
    }

    // ------------------------------------------------------------------ OIDC

    public Client register(String name) {
        Instant now = clock.instant();
        Client c = new Client(token(22), token(64), name, now, now.plus(Duration.ofDays(90)));
        clients.put(c.clientId(), c);
        return c;
    }

    /** The client, if its id and secret match and it has not expired. */
    public Client authenticate(String clientId, String clientSecret) {
        Client c = clientId == null ? null : clients.get(clientId);
        if (c == null || clientSecret == null || !java.security.MessageDigest.isEqual(
                c.clientSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                clientSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw oidcError("InvalidClientException", 401, "invalid_client", "Invalid client credentials");
        }
        if (!clock.instant().isBefore(c.expiresAt())) {
            throw oidcError("InvalidClientException", 401, "invalid_client",
                    "The client registration has expired; register the client again");
        }
        return c;
    }

    public Device startDeviceAuthorization(Client client) {
        String user;
        do {
            user = userCode();
        } while (devicesByUserCode.containsKey(user));
        Device d = new Device(token(40), user, client.clientId(), clock.instant().plus(deviceCodeLifetime), pollInterval);
        devicesByCode.put(d.deviceCode, d);
        devicesByUserCode.put(d.userCode, d);
        return d;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    /** The device authorization a user code names, if it is still waiting. */
    public Optional<Device> pendingDevice(String userCode) {
        Device d = userCode == null ? null : devicesByUserCode.get(userCode.trim().toUpperCase(Locale.ROOT));
        if (d == null || d.state != DeviceState.PENDING || !clock.instant().isBefore(d.expiresAt)) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** Every device authorization still waiting for a person, oldest first. */
    public List<Device> pendingDevices() {
        Instant now = clock.instant();
        return devicesByUserCode.values().stream()
                .filter(d -> d.state == DeviceState.PENDING && now.isBefore(d.expiresAt))
                .sorted(java.util.Comparator.comparing(d -> d.expiresAt)).toList();
    }

    /** Approves (or denies) a pending device authorization; false if there is none for that code. */
    public boolean decide(String userCode, boolean approve) {
        Optional<Device> d = pendingDevice(userCode);
        d.ifPresent(x -> x.state = approve ? DeviceState.APPROVED : DeviceState.DENIED);
        return d.isPresent();
    }

    /** The result of {@code CreateToken}. */
    public record Tokens(String accessToken, Duration expiresIn, String refreshToken) {
    }

    /** {@code CreateToken} with the device code grant: the RFC 8628 answers in AWS's error codes. */
    public Tokens exchangeDeviceCode(Client client, String deviceCode) {
        Device d = deviceCode == null ? null : devicesByCode.get(deviceCode);
        if (d == null || !d.clientId.equals(client.clientId())) {
            throw oidcError("InvalidGrantException", 400, "invalid_grant", "Invalid device code provided");
        }
        Instant now = clock.instant();
        if (!now.isBefore(d.expiresAt)) {
            throw oidcError("ExpiredTokenException", 400, "expired_token", "The device code has expired");
        }
        synchronized (d) {
            Instant last = d.lastPoll;
            d.lastPoll = now;
            if (d.state == DeviceState.PENDING || d.state == DeviceState.APPROVED) {
                if (slowDowns.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                        || (last != null && Duration.between(last, now).compareTo(d.interval.dividedBy(2)) < 0)) {
                    throw oidcError("SlowDownException", 400, "slow_down",
                            "Client is polling too fast; wait the interval plus 5 seconds");
                }
            }
            switch (d.state) {
                case DENIED -> throw oidcError("AccessDeniedException", 400, "access_denied",
                        "The user denied the authorization request");
                case USED -> throw oidcError("InvalidGrantException", 400, "invalid_grant",
                        "The device code was already exchanged for a token");
                case PENDING -> {
                    throw oidcError("AuthorizationPendingException", 400, "authorization_pending",
                            "Authorization is still pending");
                }
                default -> d.state = DeviceState.USED;
            }
        }
        return issue(client.clientId());
    }

    /** {@code CreateToken} with the refresh token grant. */
    public Tokens refresh(Client client, String refreshToken) {
        Session s = refreshToken == null ? null : refreshTokens.get(refreshToken);
        if (s == null || !s.clientId().equals(client.clientId())) {
            throw oidcError("InvalidGrantException", 400, "invalid_grant", "Invalid refresh token provided");
        }
        if (!clock.instant().isBefore(s.refreshExpiresAt())) {
            refreshTokens.remove(refreshToken);
            throw oidcError("InvalidGrantException", 400, "invalid_grant",
                    "The refresh token has expired: the session ended; sign in again");
        }
        String access = token(120);
        Instant expires = earliest(clock.instant().plus(accessTokenLifetime), s.refreshExpiresAt());
        accessTokens.put(access, expires);
        return new Tokens(access, Duration.between(clock.instant(), expires), refreshToken);
    }

    private Tokens issue(String clientId) {
        Instant now = clock.instant();
        String access = token(120);
        String refresh = token(120);
        Instant sessionEnd = now.plus(sessionLifetime);
        Instant accessEnd = earliest(now.plus(accessTokenLifetime), sessionEnd);
        accessTokens.put(access, accessEnd);
        refreshTokens.put(refresh, new Session(clientId, sessionEnd));
        return new Tokens(access, Duration.between(now, accessEnd), refresh);
    }

    /** Ends every session now: access tokens stop working and refresh tokens are refused. */
    public void endSessions() {
        accessTokens.clear();
        refreshTokens.clear();
    }

    /** Makes every access token expired, so that clients must use their refresh tokens. */
    public void expireAccessTokens() {
        Instant now = clock.instant();
        accessTokens.replaceAll((k, v) -> now);
    }

    // ------------------------------------------------------------------ portal

    /**
     * Checks a portal call's bearer token.
     *
     * @throws AwsError {@code UnauthorizedException} (401) if missing, unknown or expired
     */
    public void requireAccessToken(String accessToken) {
        Instant expires = accessToken == null ? null : accessTokens.get(accessToken);
        if (expires == null) {
            throw new AwsError("UnauthorizedException", 401, true, "Session token not found or invalid");
        }
        if (!clock.instant().isBefore(expires)) {
            throw new AwsError("UnauthorizedException", 401, true, "Session token expired");
        }
    }

    public void logout(String accessToken) {
        requireAccessToken(accessToken);
        accessTokens.remove(accessToken);
    }

    /** Temporary credentials of a permission set's role for the user, as GetRoleCredentials gives. */
    public AccessKey roleCredentials(String accountId, String permissionSet) {
        if (!assignedRoles(accountId).contains(permissionSet)) {
            throw new AwsError("ForbiddenException", 403, true, "No access");
        }
        PermissionSet ps = permissionSets.get(permissionSet);
        return identities.issueSession(accountId, reservedRoleName(accountId, permissionSet), userName,
                ps.sessionDuration());
    }

    // ------------------------------------------------------------------ helpers

    public static AwsError oidcError(String code, int status, String error, String description) {
        return new AwsError(code, status, true, description).withField("error", error)
                .withField("error_description", description);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Duration positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new InvalidInputException(what, String.valueOf(d), "give a positive duration");
        }
        return d;
    }

    private String userCode() {
        StringBuilder b = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                b.append('-');
            }
            b.append(USER_CODE_CHARS.charAt(random.nextInt(USER_CODE_CHARS.length())));
        }
        return b.toString();
    }

    private String token(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(TOKEN_CHARS.charAt(random.nextInt(TOKEN_CHARS.length())));
        }
        return b.toString();
    }

    /** Everything a launcher prints about the directory: assignments per account. */
    public Map<String, List<String>> assignments() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        new TreeMap<>(assignments).forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }
}
