package dev.opskit.multiaccount;

import java.time.Instant;
import java.util.Objects;

/**
 * An account of an AWS Organization, as {@code ListAccounts} answers.
 *
 * @param id the 12-digit account id
 * @param name the account's name
 * @param email its root email address
 * @param arn its ARN in the organization
 * @param status {@code ACTIVE}, {@code SUSPENDED} or {@code PENDING_CLOSURE}
 * @param joined when it joined the organization, or {@code null}
 */
public record OrganizationAccount(String id, String name, String email, String arn, String status, Instant joined) {
    /** Checks the id. */
    public OrganizationAccount {
        Objects.requireNonNull(id, "id");
    }

    /** @return true if the account is active */
    public boolean active() {
        return "ACTIVE".equals(status);
    }
}
