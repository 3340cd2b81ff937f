package dev.opskit.testkit.internal.sts;

import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts and access keys of one LocalAws: which key belongs to which account, long-term
 * keys for each account and temporary keys issued by {@code AssumeRole}. Thread-safe.
 */
public final class Identities {
    private static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, AccessKey> rootKeys = new ConcurrentHashMap<>();
    private final Map<String, AccessKey> keys = new ConcurrentHashMap<>();
    private final Map<String, String> roleIds = new ConcurrentHashMap<>();
    private final Map<String, String> accountNames = new ConcurrentHashMap<>();
    private final Roles roles = new Roles();

    public Identities(Clock clock) {
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    /** The roles defined with a trust policy; other role names are assumable by anyone. */
    public Roles roles() {
        return roles;
    }

    /** The account's display name (SSO and Organizations show it); {@code account-<id>} unless set. */
    public String accountName(String accountId) {
        return accountNames.getOrDefault(accountId, "account-" + accountId);
    }

    /** The account's root email address, derived from its name. */
    public String accountEmail(String accountId) {
        return accountName(accountId).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.+-]", "-")
                + "@example.com";
    }

    /**
     * Names an account.
     *
     * @throws InvalidInputException if the name is blank or longer than 50 characters (the
     *     Organizations limit)
     */
    public void nameAccount(String accountId, String name) {
        if (name == null || name.isBlank() || name.length() > 50) {
            throw new InvalidInputException("account name", name, "give 1 to 50 characters, e.g. prod-payments");
        }
        accountNames.put(accountId, name);
    }

    /**
     * Creates an account with a new long-term key.
     *
     * @param accountId 12 digits, or null for a new random id
     */
    public synchronized AccessKey createAccount(String accountId) {
        String id = accountId;
        if (id == null) {
            do {
                id = (1 + random.nextInt(9)) + digits(11);
            } while (rootKeys.containsKey(id));
        } else if (!id.matches("\\d{12}")) {
            throw new InvalidInputException("accountId", id, "an AWS account id has 12 digits, e.g. 222222222222");
        } else if (rootKeys.containsKey(id)) {
            throw new ConflictException(id, "LocalAws account " + id + " already exists; use account(\"" + id
                    + "\") to get its credentials");
        }
        AccessKey key = new AccessKey(newKeyId("AKIA"), Secret.of(randomSecret(40)), null,
                new Principal.AccountRoot(id));
        rootKeys.put(id, key);
        keys.put(key.accessKeyId(), key);
        return key;
    }

    /** The long-term key of an account, if the account exists. */
    public Optional<AccessKey> rootKey(String accountId) {
        return Optional.ofNullable(rootKeys.get(accountId));
    }

    public boolean accountExists(String accountId) {
        return rootKeys.containsKey(accountId);
    }

    public Set<String> accountIds() {
        return new TreeSet<>(rootKeys.keySet());
    }

    /** The key with this id, if LocalAws issued it (expired temporary keys included). */
    public Optional<AccessKey> find(String accessKeyId) {
        return Optional.ofNullable(keys.get(accessKeyId));
    }

    /** Issues temporary credentials for a role session; the caller has checked the account exists. */
    public AccessKey issueSession(String accountId, String roleName, String sessionName, Duration duration) {
        return issueSession(accountId, roleName, sessionName, duration, null);
    }

    /** Issues temporary credentials for a role session that carries a source identity (or null). */
    public AccessKey issueSession(String accountId, String roleName, String sessionName, Duration duration,
            String sourceIdentity) {
        String roleId = roleIds.computeIfAbsent(accountId + "/" + roleName, k -> "AROA" + randomUpper(17));
        Principal.RoleSession session = new Principal.RoleSession(accountId, roleName, roleId, sessionName,
                clock.instant().plus(duration), sourceIdentity);
        // Real session tokens are long opaque blobs; length matters to clients that store them.
        AccessKey key = new AccessKey(newKeyId("ASIA"), Secret.of(randomSecret(40)),
                Secret.of("FwoGZXIvYXdzE" + randomSecret(300)), session);
        keys.put(key.accessKeyId(), key);
        return key;
    }

    private String newKeyId(String prefix) {
        String id;
        do {
            id = prefix + randomUpper(16);
        } while (keys.containsKey(id));
        return id;
    }

    private String randomUpper(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(UPPER_DIGITS.charAt(random.nextInt(UPPER_DIGITS.length())));
        }
        return sb.toString();
    }

    private String randomSecret(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(SECRET_CHARS.charAt(random.nextInt(SECRET_CHARS.length())));
        }
        return sb.toString();
    }

    private String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(10));
        }
        return sb.toString();
    }
}
