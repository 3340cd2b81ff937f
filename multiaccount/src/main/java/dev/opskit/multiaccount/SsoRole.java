package dev.opskit.multiaccount;

import java.util.Objects;

/**
 * A role (an IAM Identity Center permission set) the signed-in user may use in an account.
 *
 * @param accountId the account
 * @param roleName the role name, e.g. {@code AdministratorAccess}
 */
public record SsoRole(String accountId, String roleName) {
    /** Checks the parts. */
    public SsoRole {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(roleName, "roleName");
    }

    @Override
    public String toString() {
        return roleName + "@" + accountId;
    }
}
