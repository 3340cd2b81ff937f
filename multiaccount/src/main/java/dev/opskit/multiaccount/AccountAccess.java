package dev.opskit.multiaccount;

import dev.opskit.core.AwsContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * A way into one account: whose credentials (an SSO role, or an {@code AssumeRole} chain) and the
 * contexts that sign with them, one per region. The credentials are fetched once and reused by
 * every context, then fetched again shortly before they expire. {@link Fleet} fans work out over
 * a list of these.
 *
 * <pre>{@code
 * AccountAccess prod = sso.access("222222222222", "ops-admin");
 * try (AwsContext ctx = prod.context("eu-west-1")) {
 *     System.out.println(AuroraUpgrades.inPlace("orders", ctx).to("8.0").plan());
 * }
 * }</pre>
 */
public interface AccountAccess {
    /** @return the 12-digit account id */
    String accountId();

    /** @return the account's name, or its id when the name is not known */
    String accountName();

    /** @return the role: an SSO role name or a role ARN */
    String role();

    /** @return the cached, self-refreshing credentials of this role in this account */
    AwsCredentialsProvider credentials();

    /**
     * A context that signs as this role in a region, with the settings (endpoint override,
     * retries, HTTP client, events) of the context the access was made from.
     *
     * @param region a region id such as {@code eu-west-1}
     * @return a new context; close it when done (the credentials stay cached)
     */
    AwsContext context(String region);
}
