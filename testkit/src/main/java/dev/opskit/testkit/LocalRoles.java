package dev.opskit.testkit;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.internal.sts.Roles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * IAM roles with a trust policy in a {@link LocalAws}, for {@code AssumeRole} across accounts:
 * who may assume the role, the external id they must pass, and the longest session. A role name
 * not defined here stays assumable by anyone in any account of the LocalAws.
 *
 * <pre>{@code
 * String arn = aws.roles().create(prod, "deploy", r -> r
 *         .trust(ops.id())                  // principals of the ops account may assume it
 *         .externalId("ticket-4711")
 *         .maxSession(Duration.ofHours(4)));
 * }</pre>
 */
public final class LocalRoles {
    private final Roles roles;

    LocalRoles(Roles roles) {
        this.roles = roles;
    }

    /**
     * Creates a role.
     *
     * @param account the account the role lives in
     * @param name the role name
     * @param trust the trust policy; without {@link Trust#trust} only the role's own account is trusted
     * @return the role's ARN
     * @throws InvalidInputException if a value is not valid
     * @throws dev.opskit.core.ConflictException if the account has a role of that name
     */
    public String create(LocalAccount account, String name, Consumer<Trust> trust) {
        Objects.requireNonNull(account, "account");
        Trust t = new Trust();
        Objects.requireNonNull(trust, "trust").accept(t);
        return roles.define(account.id(), name, t.principals, t.externalId, t.maxSession).arn();
    }

    /**
     * Deletes a role definition.
     *
     * @param account the account
     * @param name the role name
     * @return true if it existed
     */
    public boolean delete(LocalAccount account, String name) {
        return roles.remove(Objects.requireNonNull(account, "account").id(), name);
    }

    /** A role's trust policy, reduced to what {@code AssumeRole} checks. */
    public static final class Trust {
        private final List<String> principals = new ArrayList<>();
        private String externalId;
        private Duration maxSession = Duration.ofHours(1);

        private Trust() {
        }

        /**
         * @param principals 12-digit account ids (any principal in that account), principal ARNs
         *     (a role's ARN admits its sessions), or {@code *}
         * @return this
         */
        public Trust trust(String... principals) {
            principals = Objects.requireNonNull(principals, "principals");
            this.principals.addAll(List.of(principals));
            return this;
        }

        /**
         * @param externalId the {@code sts:ExternalId} callers must pass
         * @return this
         */
        public Trust externalId(String externalId) {
            this.externalId = Objects.requireNonNull(externalId, "externalId");
            return this;
        }

        /**
         * @param maxSession the role's maximum session duration, 1 to 12 hours (default 1 hour)
         * @return this
         */
        public Trust maxSession(Duration maxSession) {
            this.maxSession = Objects.requireNonNull(maxSession, "maxSession");
            return this;
        }
    }
}
