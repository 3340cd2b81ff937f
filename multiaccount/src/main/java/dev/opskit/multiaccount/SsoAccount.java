package dev.opskit.multiaccount;

import java.util.Objects;

/**
 * An account the signed-in user has at least one role in, as the SSO portal lists it.
 *
 * @param id the 12-digit account id
 * @param name the account's name
 * @param email the account's root email address
 */
public record SsoAccount(String id, String name, String email) {
    /** Checks the id. */
    public SsoAccount {
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() {
        return name + " (" + id + ")";
    }
}
