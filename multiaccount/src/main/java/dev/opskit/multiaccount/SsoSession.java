package dev.opskit.multiaccount;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import dev.opskit.core.event.EventBus;
import dev.opskit.multiaccount.event.SsoTokenRefreshed;
import dev.opskit.multiaccount.internal.Access;
import dev.opskit.multiaccount.internal.CachedToken;
import dev.opskit.multiaccount.internal.RoleCredentials;
import dev.opskit.multiaccount.internal.SsoConfig;
import dev.opskit.multiaccount.internal.TokenCache;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.token.credentials.SdkToken;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.sso.auth.SsoCredentialsProvider;
import software.amazon.awssdk.services.sso.model.GetRoleCredentialsRequest;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.SsoOidcTokenProvider;

/**
 * A signed-in IAM Identity Center session: its token comes from the AWS CLI's cache and is
 * refreshed by the SDK's {@code SsoOidcTokenProvider} before it expires (the cache is updated);
 * role credentials come from the SDK's {@code SsoCredentialsProvider}, cached per account and
 * role and fetched again before they expire. Thread-safe; {@link #toString()} shows no token.
 *
 * <pre>{@code
 * List<SsoAccount> accounts = sso.accounts();
 * List<SsoRole> roles = sso.roles(accounts.get(0).id());
 * List<AccountAccess> all = sso.access(accounts, "AdministratorAccess");
 * FleetResults<String> r = Fleet.over(all).regions("eu-west-1").run(ctx -> ...);
 * }</pre>
 */
public final class SsoSession implements AutoCloseable {
    private final String sessionName;
    private final String startUrl;
    private final String region;
    private final AwsContext ssoContext;
    private final AwsContext template;
    private final TokenCache cache;
    private final EventBus bus;
    private final Clock clock;
    private final SsoOidcTokenProvider tokens;
    private final Map<String, Access> accesses = new ConcurrentHashMap<>();
    private final Map<String, String> accountNames = new ConcurrentHashMap<>();
    private volatile Secret lastToken;
    private volatile boolean closed;

    SsoSession(String sessionName, String startUrl, String region, AwsContext ssoContext, AwsContext template,
            TokenCache cache, EventBus bus, Clock clock) {
        this.sessionName = sessionName;
        this.startUrl = startUrl;
        this.region = region;
        this.ssoContext = ssoContext;
        this.template = template;
        this.cache = cache;
        this.bus = bus;
        this.clock = clock;
        try {
            this.lastToken = cache.read(sessionName).map(CachedToken::accessToken).orElse(null);
        } catch (RuntimeException e) {
            // an unreadable cache shows up as a login-required error on first use
        }
        this.tokens = SsoOidcTokenProvider.builder().sessionName(sessionName)
                .ssoOidcClient(ssoContext.client(SsoOidcClient.class, SsoOidcClient::builder)).build();
    }

    /** @return the {@code sso-session} name the token is cached under */
    public String sessionName() {
        return sessionName;
    }

    /** @return the AWS access portal URL */
    public String startUrl() {
        return startUrl;
    }

    /** @return the Identity Center's region */
    public String region() {
        return region;
    }

    /** @return when the cached access token expires (it is refreshed before, while the session lasts) */
    public Instant expiresAt() {
        return cache.read(sessionName).map(CachedToken::expiresAt).orElse(Instant.EPOCH);
    }

    /**
     * The accounts the user has a role in (the portal's {@code ListAccounts}, every page).
     *
     * @return the accounts, in the portal's order
     * @throws SsoLoginRequiredException if the session ended
     */
    public List<SsoAccount> accounts() {
        return portal(() -> {
            List<SsoAccount> found = new ArrayList<>();
            sso().listAccountsPaginator(r -> r.accessToken(token()).maxResults(100)).accountList().forEach(a -> {
                found.add(new SsoAccount(a.accountId(), a.accountName(), a.emailAddress()));
                if (a.accountName() != null) {
                    accountNames.put(a.accountId(), a.accountName());
                }
            });
            return List.copyOf(found);
        });
    }

    /**
     * The roles the user may use in an account ({@code ListAccountRoles}, every page).
     *
     * @param accountId the 12-digit account id
     * @return the roles
     * @throws InvalidInputException if the id is not 12 digits
     * @throws SsoLoginRequiredException if the session ended
     */
    public List<SsoRole> roles(String accountId) {
        checkAccount(accountId);
        return portal(() -> {
            List<SsoRole> found = new ArrayList<>();
            sso().listAccountRolesPaginator(r -> r.accessToken(token()).accountId(accountId).maxResults(100))
                    .roleList().forEach(x -> found.add(new SsoRole(x.accountId(), x.roleName())));
            return List.copyOf(found);
        });
    }

    /**
     * Access to one account as one role: credentials from {@code GetRoleCredentials}, fetched on
     * first use, cached, and fetched again before they expire. The same account and role always
     * give the same access (and so the same credentials).
     *
     * @param accountId the 12-digit account id
     * @param roleName the role (permission set) name
     * @return the access
     * @throws InvalidInputException if a value is not valid
     */
    public AccountAccess access(String accountId, String roleName) {
        checkAccount(accountId);
        if (roleName == null || roleName.isBlank()) {
            throw new InvalidInputException("roleName", roleName, "give a role name that roles(\"" + accountId
                    + "\") lists, e.g. AdministratorAccess");
        }
        if (closed) {
            throw new IllegalStateException("the SSO session is closed; log in again");
        }
        return accesses.computeIfAbsent(accountId + "/" + roleName, k -> {
            SsoCredentialsProvider.Builder builder = SsoCredentialsProvider.builder();
            SsoCredentialsProvider provider = builder.ssoClient(sso())
                    .refreshRequest(() -> GetRoleCredentialsRequest.builder().accountId(accountId).roleName(roleName)
                            .accessToken(token()).build())
                    .build();
            return new Access(accountId, accountNames.get(accountId), roleName,
                    new RoleCredentials(accountId, roleName, "sso", provider, bus, clock), template);
        });
    }

    /**
     * Access to several accounts as the same role, e.g. every account {@link #accounts()} lists.
     *
     * @param accounts the accounts
     * @param roleName the role name in each
     * @return one access per account, in order
     */
    public List<AccountAccess> access(Collection<SsoAccount> accounts, String roleName) {
        Objects.requireNonNull(accounts, "accounts");
        accounts.forEach(a -> {
            if (a.name() != null) {
                accountNames.putIfAbsent(a.id(), a.name());
            }
        });
        return accounts.stream().map(a -> access(a.id(), roleName)).toList();
    }

    /**
     * Access through a profile of {@code ~/.aws/config} that names this session's
     * {@code sso_session}, its {@code sso_account_id} and {@code sso_role_name}.
     *
     * @param profileName the profile's name
     * @return the access
     * @throws InvalidInputException if the profile does not exist, belongs to another session or lacks a setting
     */
    public AccountAccess profile(String profileName) {
        SsoConfig.SsoProfile p = SsoConfig.standard().profile(profileName);
        if (!p.sessionName().equals(sessionName)) {
            throw new InvalidInputException("profile", profileName, "it signs in through sso-session "
                    + p.sessionName() + ", not " + sessionName + "; use Sso.session(\"" + p.sessionName() + "\")");
        }
        return access(p.accountId(), p.roleName());
    }

    /**
     * A context that signs as a role in an account, in a region.
     *
     * @param accountId the account
     * @param roleName the role name
     * @param region the region the calls go to
     * @return a new context; close it when done
     */
    public AwsContext context(String accountId, String roleName, String region) {
        return access(accountId, roleName).context(region);
    }

    /**
     * Ends the session: the portal's {@code Logout} and the cached token deleted, as
     * {@code aws sso logout} does. Contexts made from it stop working once their credentials expire.
     */
    public void logout() {
        try {
            sso().logout(r -> r.accessToken(token()));
        } catch (UnauthorizedException | SsoLoginRequiredException e) {
            // already ended
        } finally {
            cache.delete(sessionName);
            close();
        }
    }

    /**
     * Whether the cached token works: refreshed by the SDK's provider if due, then accepted by the
     * portal (one {@code ListAccounts} of one account); false if a login is needed.
     */
    boolean usable() {
        try {
            portal(() -> sso().listAccounts(r -> r.accessToken(token()).maxResults(1)));
            return true;
        } catch (SsoLoginRequiredException e) {
            return false;
        }
    }

    /** The current access token; refreshed by the SDK provider when close to expiry. */
    private String token() {
        SdkToken t;
        try {
            t = tokens.resolveToken();
        } catch (SdkClientException e) {
            throw loginRequired(e);
        }
        Secret now = Secret.of(t.token());
        Secret before = lastToken;
        lastToken = now;
        if (before != null && !before.equals(now) && bus != null) {
            bus.publish(new SsoTokenRefreshed(clock.instant(), sessionName, t.expirationTime().orElse(null)));
        }
        return t.token();
    }

    private SsoLoginRequiredException loginRequired(Exception e) {
        CachedToken cached = null;
        try {
            cached = cache.read(sessionName).orElse(null);
        } catch (RuntimeException ignored) {
            // the message below says the cache is unusable
        }
        Instant now = Instant.now();
        String why;
        if (cached == null) {
            why = "no token is cached (" + cache.file(sessionName) + ")";
        } else if (cached.refreshToken() == null) {
            why = "its access token expired at " + cached.expiresAt() + " and the cache holds no refresh token";
        } else if (!cached.registrationValidAt(now)) {
            why = "its access token expired at " + cached.expiresAt() + " and its client registration expired"
                    + (cached.registrationExpiresAt() == null ? "" : " at " + cached.registrationExpiresAt());
        } else {
            why = "its access token expired at " + cached.expiresAt() + " and IAM Identity Center refused the refresh "
                    + "token (the session's duration is over, or it was revoked)";
        }
        return new SsoLoginRequiredException("The SSO session '" + sessionName + "' for " + startUrl
                + " cannot be used: " + why + ". Log in again: Sso.login(\"" + startUrl + "\", \"" + region
                + "\"), or aws sso login --sso-session " + sessionName, sessionName, e);
    }

    private <T> T portal(Supplier<T> call) {
        try {
            return call.get();
        } catch (UnauthorizedException e) {
            throw new SsoLoginRequiredException("The SSO portal refused the token of session '" + sessionName
                    + "' for " + startUrl + " (" + e.awsErrorDetails().errorMessage()
                    + "): the session ended or was revoked. Log in again: Sso.login(\"" + startUrl + "\", \"" + region
                    + "\")", sessionName, e);
        }
    }

    private SsoClient sso() {
        return ssoContext.client(SsoClient.class, SsoClient::builder);
    }

    private static void checkAccount(String accountId) {
        if (accountId == null || !accountId.matches("\\d{12}")) {
            throw new InvalidInputException("accountId", accountId, "an AWS account id has 12 digits");
        }
    }

    /** Closes the SDK providers and clients of this session; the cached token stays. Closing twice is fine. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        accesses.values().forEach(a -> ((RoleCredentials) a.credentials()).close());
        tokens.close();
        ssoContext.close();
    }

    @Override
    public String toString() {
        return "SsoSession[" + sessionName + ", " + startUrl + ", " + region + "]";
    }
}
