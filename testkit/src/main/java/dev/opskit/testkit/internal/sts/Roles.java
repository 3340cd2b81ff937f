package dev.opskit.testkit.internal.sts;

import dev.opskit.core.ConflictException;
import dev.opskit.core.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * IAM roles that LocalAws knows by name, with a trust policy reduced to what {@code AssumeRole}
 * checks: which principals may assume the role, the external id they must pass, and the longest
 * session. A role name no definition covers stays assumable by any caller in any account of the
 * LocalAws, as before roles existed. Thread-safe.
 */
public final class Roles {
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ARN = Pattern.compile("arn:aws:(iam|sts)::\\d{12}:(root|role/.+|assumed-role/.+|user/.+)");

    /**
     * One role.
     *
     * @param accountId the account the role lives in
     * @param name the role name
     * @param trusted who may assume it: 12-digit account ids (any principal of that account),
     *     principal ARNs (a role ARN also admits its sessions), or {@code *}
     * @param externalId the external id callers must pass, or {@code null} for none
     * @param maxSession the longest session {@code DurationSeconds} may ask for (1 to 12 hours)
     */
    public record Role(String accountId, String name, Set<String> trusted, String externalId, Duration maxSession) {
        public Role {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(name, "name");
            trusted = Set.copyOf(trusted);
            Objects.requireNonNull(maxSession, "maxSession");
        }

        public String arn() {
            return "arn:aws:iam::" + accountId + ":role/" + name;
        }

        /** Whether the trust policy lets this principal assume the role (the external id aside). */
        public boolean trusts(Principal caller) {
            for (String t : trusted) {
                if (t.equals("*") || t.equals(caller.accountId()) || t.equals(caller.arn())
                        || t.equals("arn:aws:iam::" + caller.accountId() + ":root")) {
                    return true;
                }
                if (caller instanceof Principal.RoleSession s && t.equals(s.roleArn())) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<String, Role> roles = new ConcurrentHashMap<>();

    /**
     * Defines a role.
     *
     * @throws InvalidInputException if a name, principal or duration is not valid
     * @throws ConflictException if the account already has a role of that name
     */
    public Role define(String accountId, String name, List<String> trusted, String externalId, Duration maxSession) {
        if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
            throw new InvalidInputException("accountId", accountId, "an AWS account id has 12 digits");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("role name", name,
                    "a role name has 1 to 64 letters, digits or +=,.@_- characters");
        }
        for (String t : trusted) {
            if (t == null || !(t.equals("*") || ACCOUNT.matcher(t).matches() || ARN.matcher(t).matches())) {
                throw new InvalidInputException("trusted principal", t,
                        "give a 12-digit account id, a principal ARN such as arn:aws:iam::123456789012:role/ops, or *");
            }
        }
        if (externalId != null && !externalId.matches("[\\w+=,.@:/-]{2,1224}")) {
            throw new InvalidInputException("externalId", "(" + externalId.length() + " characters)",
                    "an external id has 2 to 1224 of the characters [\\w+=,.@:/-]");
        }
        if (maxSession.compareTo(Duration.ofHours(1)) < 0 || maxSession.compareTo(Duration.ofHours(12)) > 0) {
            throw new InvalidInputException("maxSession", maxSession.toString(),
                    "IAM allows a maximum session duration from 1 to 12 hours");
        }
        Role role = new Role(accountId, name, trusted.isEmpty() ? Set.of(accountId) : Set.copyOf(trusted),
                externalId, maxSession);
        if (roles.putIfAbsent(key(accountId, name), role) != null) {
            throw new ConflictException(role.arn(), "role " + name + " already exists in account " + accountId);
        }
        return role;
    }

    /** The defined role of that name in the account (IAM role names are case-insensitive). */
    public Optional<Role> find(String accountId, String name) {
        return Optional.ofNullable(roles.get(key(accountId, name)));
    }

    /** Removes a definition; the name becomes freely assumable again. */
    public boolean remove(String accountId, String name) {
        return roles.remove(key(accountId, name)) != null;
    }

    private static String key(String accountId, String name) {
        return accountId + "/" + name.toLowerCase(java.util.Locale.ROOT);
    }
}
