package dev.opskit.testkit.internal.sts;

import java.time.Instant;

/** Who an access key acts as: an account's root user or an assumed-role session. */
public sealed interface Principal permits Principal.AccountRoot, Principal.RoleSession {
    /** The account the principal belongs to; every resource it touches lives there. */
    String accountId();

    /** What {@code GetCallerIdentity} reports as {@code Arn}. */
    String arn();

    /** What {@code GetCallerIdentity} reports as {@code UserId}. */
    String userId();

    /** The long-term credentials of an account (LocalAws models them as the account root). */
    record AccountRoot(String accountId) implements Principal {
        @Override
        public String arn() {
            return "arn:aws:iam::" + accountId + ":root";
        }

        @Override
        public String userId() {
            return accountId;
        }
    }

    /** A session of an assumed role, with its temporary credentials' expiry. */
    record RoleSession(String accountId, String roleName, String roleId, String sessionName,
            Instant expiration, String sourceIdentity) implements Principal {
        /** A session without a source identity. */
        public RoleSession(String accountId, String roleName, String roleId, String sessionName, Instant expiration) {
            this(accountId, roleName, roleId, sessionName, expiration, null);
        }

        @Override
        public String arn() {
            return "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
        }

        @Override
        public String userId() {
            return roleId + ":" + sessionName;
        }

        /** The role's own ARN (IAM, not STS). */
        public String roleArn() {
            return "arn:aws:iam::" + accountId + ":role/" + roleName;
        }
    }
}
