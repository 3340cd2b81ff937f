package dev.opskit.testkit.internal.organizations;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.internal.sts.Identities;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one organization of a LocalAws: its management account (the default account unless
 * changed) and its members, which are every account of the LocalAws except those that left.
 * Only callers in the management account, or in an account registered as a delegated
 * administrator, may list the accounts. Thread-safe.
 */
public final class Organization {
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Identities identities;
    private final String id;
    private final Map<String, Instant> joined = new ConcurrentHashMap<>();
    private final Set<String> left = ConcurrentHashMap.newKeySet();
    private final Set<String> delegatedAdmins = ConcurrentHashMap.newKeySet();
    private volatile String managementAccount;

    public Organization(Identities identities, String managementAccount) {
        this.identities = identities;
        this.managementAccount = managementAccount;
        SecureRandom random = new SecureRandom();
        StringBuilder b = new StringBuilder("o-");
        for (int i = 0; i < 10; i++) {
            b.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        this.id = b.toString();
    }

    public String id() {
        return id;
    }

    public String managementAccount() {
        return managementAccount;
    }

    public void managementAccount(String accountId) {
        requireAccount(accountId);
        left.remove(accountId);
        this.managementAccount = accountId;
    }

    /** Makes an account a delegated administrator: it may list the organization's accounts too. */
    public void delegateAdministration(String accountId) {
        requireAccount(accountId);
        delegatedAdmins.add(accountId);
    }

    /** Removes an account from the organization (it stays in the LocalAws). */
    public void remove(String accountId) {
        requireAccount(accountId);
        if (accountId.equals(managementAccount)) {
            throw new InvalidInputException("accountId", accountId,
                    "the management account cannot leave its organization; make another account the management account first");
        }
        left.add(accountId);
        delegatedAdmins.remove(accountId);
    }

    public boolean isMember(String accountId) {
        return identities.accountExists(accountId) && !left.contains(accountId);
    }

    public boolean mayList(String accountId) {
        return isMember(accountId) && (accountId.equals(managementAccount) || delegatedAdmins.contains(accountId));
    }

    /** The member accounts, sorted by id. */
    public List<String> members() {
        return identities.accountIds().stream().filter(a -> !left.contains(a)).toList();
    }

    /** When the account joined: the first time anyone asked, as accounts join when LocalAws creates them. */
    public Instant joined(String accountId) {
        return joined.computeIfAbsent(accountId, a -> identities.clock().instant());
    }

    public String arn(String accountId) {
        return "arn:aws:organizations::" + managementAccount + ":account/" + id + "/" + accountId;
    }

    private void requireAccount(String accountId) {
        if (!identities.accountExists(accountId)) {
            throw new InvalidInputException("accountId", accountId,
                    "no such account in this LocalAws; create it first with createAccount");
        }
    }
}
