package dev.opskit.testkit.internal.sso;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.RestJsonService;
import dev.opskit.testkit.internal.protocol.RestRequest;
import dev.opskit.testkit.internal.protocol.RestResponse;
import dev.opskit.testkit.internal.sts.AccessKey;
import dev.opskit.testkit.internal.sts.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The SSO portal over restJson1, unsigned as on AWS, every call authorized by the access token in
 * the {@code x-amz-sso_bearer_token} header: {@code ListAccounts} and {@code ListAccountRoles}
 * (paged by {@code max_result} and {@code next_token}), {@code GetRoleCredentials} (temporary keys
 * of the permission set's {@code AWSReservedSSO_...} role, session named after the user) and
 * {@code Logout}. Shapes and errors from botocore {@code sso/2019-06-10/service-2.json}.
 */
public final class SsoPortalService implements RestJsonService {
    private static final String TOKEN_HEADER = "x-amz-sso_bearer_token";

    private final IdentityCenter center;

    public SsoPortalService(IdentityCenter center) {
        this.center = center;
    }

    @Override
    public String signingName() {
        return "awsssoportal";
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.unsigned("GET", "/federation/credentials", "GetRoleCredentials"),
                Route.unsigned("GET", "/assignment/accounts", "ListAccounts"),
                Route.unsigned("GET", "/assignment/roles", "ListAccountRoles"),
                Route.unsigned("POST", "/logout", "Logout"));
    }

    @Override
    public RestResponse handle(RestRequest request) {
        String token = request.header(TOKEN_HEADER);
        if (token == null || token.isEmpty()) {
            throw AwsError.badRequest("InvalidRequestException", "Missing required header " + TOKEN_HEADER);
        }
        if (request.operation().equals("Logout")) {
            center.logout(token);
            return RestResponse.empty(200);
        }
        center.requireAccessToken(token);
        return switch (request.operation()) {
            case "ListAccounts" -> page(request, center.assignedAccounts(), "accountList", id -> {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("accountId", id);
                a.put("accountName", center.identities().accountName(id));
                a.put("emailAddress", center.identities().accountEmail(id));
                return a;
            });
            case "ListAccountRoles" -> {
                String account = requireAccount(request);
                yield page(request, center.assignedRoles(account), "roleList",
                        role -> Map.of("roleName", role, "accountId", account));
            }
            case "GetRoleCredentials" -> getRoleCredentials(request);
            default -> throw new IllegalStateException("no handler for " + request.operation());
        };
    }

    private RestResponse getRoleCredentials(RestRequest request) {
        String account = requireAccount(request);
        String role = request.queryParam("role_name");
        if (role == null || role.isEmpty()) {
            throw AwsError.badRequest("InvalidRequestException", "Missing required parameter role_name");
        }
        AccessKey key = center.roleCredentials(account, role);
        Principal.RoleSession session = (Principal.RoleSession) key.principal();
        Map<String, Object> creds = new LinkedHashMap<>();
        creds.put("accessKeyId", key.accessKeyId());
        creds.put("secretAccessKey", key.secretAccessKey().reveal());
        creds.put("sessionToken", key.sessionToken().reveal());
        creds.put("expiration", session.expiration().toEpochMilli());
        return RestResponse.ok(Map.of("roleCredentials", creds));
    }

    private static String requireAccount(RestRequest request) {
        String account = request.queryParam("account_id");
        if (account == null || !account.matches("\\d{12}")) {
            throw AwsError.badRequest("InvalidRequestException", "account_id must be a 12-digit account id, got "
                    + account);
        }
        return account;
    }

    private static <T> RestResponse page(RestRequest request, List<T> all, String listName,
            Function<T, Map<String, Object>> render) {
        int max = 20;
        String m = request.queryParam("max_result");
        if (m != null) {
            try {
                max = Integer.parseInt(m);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > 100) {
                throw AwsError.badRequest("InvalidRequestException", "max_result must be from 1 to 100, got " + m);
            }
        }
        int from = 0;
        String next = request.queryParam("next_token");
        if (next != null) {
            try {
                from = Integer.parseInt(next.replaceFirst("^p", ""));
            } catch (NumberFormatException e) {
                throw AwsError.badRequest("InvalidRequestException", "Invalid next_token");
            }
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = from; i < Math.min(all.size(), from + max); i++) {
            items.add(render.apply(all.get(i)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(listName, items);
        if (from + max < all.size()) {
            out.put("nextToken", "p" + (from + max));
        }
        return RestResponse.ok(out);
    }
}
