package dev.opskit.multiaccount;

import dev.opskit.core.AwsContext;
import dev.opskit.core.OpsException;
import dev.opskit.core.WaitTimeoutException;
import dev.opskit.multiaccount.internal.OrganizationsCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The accounts of an AWS Organization ({@code ListAccounts}, every page), for callers that may
 * list them: the management account and delegated administrators.
 *
 * <pre>{@code
 * List<OrganizationAccount> all = Organizations.accounts(managementCtx);
 * Optional<List<OrganizationAccount>> maybe = Organizations.accountsIfAllowed(anyCtx);
 * }</pre>
 */
public final class Organizations {
    private Organizations() {
    }

    /**
     * @param ctx credentials in the management account or a delegated administrator
     * @return every account of the organization
     * @throws OpsException if the caller may not list accounts (the message says who may) or the
     *     account is in no organization
     */
    @SuppressWarnings("unchecked")
    public static List<OrganizationAccount> accounts(AwsContext ctx) {
        List<OrganizationAccount> all = new ArrayList<>();
        String next = null;
        do {
            Map<String, Object> body = new HashMap<>();
            if (next != null) {
                body.put("NextToken", next);
            }
            Map<String, Object> page;
            try {
                page = OrganizationsCall.call(ctx, "ListAccounts", body);
            } catch (AwsServiceException e) {
                String code = e.awsErrorDetails().errorCode();
                if ("AccessDeniedException".equals(code)) {
                    throw new OpsException("Organizations ListAccounts was refused for " + who(ctx)
                            + ": only the organization's management account or a delegated administrator may list its "
                            + "accounts (" + e.awsErrorDetails().errorMessage() + "); use SsoSession.accounts() instead",
                            null, "AccessDeniedException", e);
                }
                if ("AWSOrganizationsNotInUseException".equals(code)) {
                    throw new OpsException("Organizations ListAccounts: " + who(ctx)
                            + " is not a member of an organization", null, code, e);
                }
                throw e;
            } catch (WaitTimeoutException e) {
                throw new OpsException("Organizations ListAccounts stayed throttled or failing until its deadline ("
                        + e.getMessage() + ")", null, "throttled", e);
            }
            for (Object o : (List<Object>) page.getOrDefault("Accounts", List.of())) {
                Map<String, Object> a = (Map<String, Object>) o;
                Object joined = a.get("JoinedTimestamp");
                all.add(new OrganizationAccount((String) a.get("Id"), (String) a.get("Name"), (String) a.get("Email"),
                        (String) a.get("Arn"), (String) a.get("Status"),
                        joined instanceof Number n ? Instant.ofEpochMilli((long) (n.doubleValue() * 1000)) : null));
            }
            next = (String) page.get("NextToken");
        } while (next != null);
        return List.copyOf(all);
    }

    /**
     * Like {@link #accounts(AwsContext)}, but empty where the caller may not list accounts.
     *
     * @param ctx any credentials
     * @return the accounts, or empty if the caller is not allowed or in no organization
     */
    public static Optional<List<OrganizationAccount>> accountsIfAllowed(AwsContext ctx) {
        try {
            return Optional.of(accounts(ctx));
        } catch (OpsException e) {
            String state = e.lastState().orElse("");
            if (state.equals("AccessDeniedException") || state.equals("AWSOrganizationsNotInUseException")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String who(AwsContext ctx) {
        return ctx.account().map(a -> "account " + a).orElse("these credentials");
    }
}
