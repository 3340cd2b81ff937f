package dev.opskit.testkit;

import dev.opskit.testkit.internal.organizations.Organization;
import dev.opskit.testkit.internal.sts.Identities;
import java.util.List;

/**
 * The AWS Organization of a {@link LocalAws}: every account of the LocalAws is a member unless
 * {@linkplain #remove removed}, the default account is the management account unless changed,
 * and {@code ListAccounts} answers callers in the management account or a delegated
 * administrator, {@code AccessDeniedException} everyone else. Account names show in
 * Organizations and in the SSO portal.
 *
 * <pre>{@code
 * aws.organization().name("222222222222", "prod-payments");
 * aws.organization().delegateAdministration("333333333333");
 * }</pre>
 */
public final class LocalOrganization {
    private final Organization organization;
    private final Identities identities;

    LocalOrganization(Organization organization, Identities identities) {
        this.organization = organization;
        this.identities = identities;
    }

    /** @return the organization id, {@code o-} and 10 characters */
    public String id() {
        return organization.id();
    }

    /** @return the management account's id */
    public String managementAccount() {
        return organization.managementAccount();
    }

    /**
     * @param accountId an account of this LocalAws to make the management account
     * @return this
     */
    public LocalOrganization managementAccount(String accountId) {
        organization.managementAccount(accountId);
        return this;
    }

    /** @return the member account ids, sorted */
    public List<String> accounts() {
        return organization.members();
    }

    /**
     * Names an account (default {@code account-<id>}); its email becomes {@code <name>@example.com}.
     *
     * @param accountId the account
     * @param name 1 to 50 characters
     * @return this
     */
    public LocalOrganization name(String accountId, String name) {
        identities.nameAccount(accountId, name);
        return this;
    }

    /**
     * @param accountId the account
     * @return its name
     */
    public String name(String accountId) {
        return identities.accountName(accountId);
    }

    /**
     * Lets a member account list the organization's accounts, as a delegated administrator.
     *
     * @param accountId the account
     * @return this
     */
    public LocalOrganization delegateAdministration(String accountId) {
        organization.delegateAdministration(accountId);
        return this;
    }

    /**
     * Removes an account from the organization (it stays in LocalAws; its callers get
     * {@code AWSOrganizationsNotInUseException}).
     *
     * @param accountId a member other than the management account
     * @return this
     */
    public LocalOrganization remove(String accountId) {
        organization.remove(accountId);
        return this;
    }
}
