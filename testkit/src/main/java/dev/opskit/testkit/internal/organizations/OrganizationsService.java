package dev.opskit.testkit.internal.organizations;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.protocol.JsonService;
import dev.opskit.testkit.internal.sts.Identities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS Organizations over awsJson1_1: {@code ListAccounts} (paged with {@code MaxResults} 1 to 20
 * and {@code NextToken}) and {@code DescribeOrganization}, with the error codes of the model
 * (botocore {@code organizations/2016-11-28/service-2.json}): {@code AccessDeniedException} for a
 * caller outside the management account and its delegated administrators,
 * {@code AWSOrganizationsNotInUseException} for an account that left.
 */
public final class OrganizationsService implements JsonService {
    private final Identities identities;
    private final Organization organization;

    public OrganizationsService(Identities identities, Organization organization) {
        this.identities = identities;
        this.organization = organization;
    }

    @Override
    public String signingName() {
        return "organizations";
    }

    @Override
    public String targetPrefix() {
        return "AWSOrganizationsV20161128";
    }

    @Override
    public Object handle(JsonRequest request) {
        return switch (request.operation()) {
            case "ListAccounts" -> listAccounts(request);
            case "DescribeOrganization" -> describeOrganization(request);
            default -> throw AwsError.badRequest("UnknownOperationException", "LocalAws emulates ListAccounts and "
                    + "DescribeOrganization of AWS Organizations, not " + request.operation());
        };
    }

    private Object describeOrganization(JsonRequest request) {
        requireMember(request.accountId());
        Map<String, Object> org = new LinkedHashMap<>();
        org.put("Id", organization.id());
        org.put("Arn", "arn:aws:organizations::" + organization.managementAccount() + ":organization/" + organization.id());
        org.put("FeatureSet", "ALL");
        org.put("MasterAccountId", organization.managementAccount());
        org.put("MasterAccountArn", "arn:aws:organizations::" + organization.managementAccount() + ":account/"
                + organization.id() + "/" + organization.managementAccount());
        org.put("MasterAccountEmail", identities.accountEmail(organization.managementAccount()));
        return Map.of("Organization", org);
    }

    private Object listAccounts(JsonRequest request) {
        String caller = request.accountId();
        requireMember(caller);
        if (!organization.mayList(caller)) {
            throw AwsError.badRequest("AccessDeniedException", "You don't have permissions to access this resource. "
                    + "Only the management account " + organization.managementAccount()
                    + " or a delegated administrator may list the organization's accounts.");
        }
        Long max = request.number("MaxResults");
        if (max != null && (max < 1 || max > 20)) {
            throw AwsError.badRequest("InvalidInputException", "You provided a value that does not match the "
                    + "required pattern: MaxResults must be from 1 to 20.").withField("Reason", "INVALID_INPUT");
        }
        int pageSize = max == null ? 20 : max.intValue();
        List<String> members = organization.members();
        int from = 0;
        String next = request.string("NextToken");
        if (next != null) {
            try {
                from = Integer.parseInt(next.substring(next.indexOf(':') + 1));
            } catch (RuntimeException e) {
                throw AwsError.badRequest("InvalidInputException", "The NextToken is not valid.")
                        .withField("Reason", "INVALID_NEXT_TOKEN");
            }
        }
        List<Map<String, Object>> accounts = new ArrayList<>();
        for (int i = from; i < Math.min(members.size(), from + pageSize); i++) {
            String id = members.get(i);
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("Id", id);
            a.put("Arn", organization.arn(id));
            a.put("Email", identities.accountEmail(id));
            a.put("Name", identities.accountName(id));
            a.put("Status", "ACTIVE");
            a.put("JoinedMethod", id.equals(organization.managementAccount()) ? "CREATED" : "INVITED");
            a.put("JoinedTimestamp", organization.joined(id).getEpochSecond());
            accounts.add(a);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Accounts", accounts);
        if (from + pageSize < members.size()) {
            out.put("NextToken", organization.id() + ":" + (from + pageSize));
        }
        return out;
    }

    private void requireMember(String accountId) {
        if (!organization.isMember(accountId)) {
            throw AwsError.badRequest("AWSOrganizationsNotInUseException",
                    "Your account is not a member of an organization.");
        }
    }
}
