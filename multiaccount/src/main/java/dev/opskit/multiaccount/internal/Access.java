package dev.opskit.multiaccount.internal;

import dev.opskit.core.AwsContext;
import dev.opskit.multiaccount.AccountAccess;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** An {@link AccountAccess}: one role's cached credentials and the context settings to copy. */
public final class Access implements AccountAccess {
    private final String accountId;
    private final String accountName;
    private final String role;
    private final AwsCredentialsProvider credentials;
    private final AwsContext template;

    public Access(String accountId, String accountName, String role, AwsCredentialsProvider credentials,
            AwsContext template) {
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.accountName = accountName == null ? accountId : accountName;
        this.role = Objects.requireNonNull(role, "role");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.template = Objects.requireNonNull(template, "template");
    }

    @Override
    public String accountId() {
        return accountId;
    }

    @Override
    public String accountName() {
        return accountName;
    }

    @Override
    public String role() {
        return role;
    }

    @Override
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    @Override
    public AwsContext context(String region) {
        return contextWith(credentials, region);
    }

    /** A context like {@link #context(String)} but signing with other credentials (the fleet's per-run wrapper). */
    public AwsContext contextWith(AwsCredentialsProvider provider, String region) {
        return template.toBuilder().credentials(provider).region(region).account(accountId).build();
    }

    @Override
    public String toString() {
        return accountName + " (" + accountId + ") as " + role;
    }
}
