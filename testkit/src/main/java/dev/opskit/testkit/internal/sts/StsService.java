package dev.opskit.testkit.internal.sts;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.QueryRequest;
import dev.opskit.testkit.internal.protocol.QueryService;
import dev.opskit.testkit.internal.protocol.Xml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STS over awsQuery: {@code GetCallerIdentity} and {@code AssumeRole}. A role defined in
 * {@link Roles} is assumed only by the principals its trust names, with its external id, for at
 * most its maximum session; any other role name in an account that exists in this LocalAws can be
 * assumed by anyone. The session's temporary keys act in the role's account; a session assumed
 * with a role session's keys (role chaining) lasts at most one hour and keeps the caller's source
 * identity. Input limits come from the STS model (botocore {@code sts/2011-06-15/service-2.json}).
 */
public final class StsService implements QueryService {
    public static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):role/((?:[\\w+=,.@-]+/)*)([\\w+=,.@-]{1,64})");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
    private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Duration CHAINED_MAX = Duration.ofHours(1);

    private final Identities identities;

    public StsService(Identities identities) {
        this.identities = identities;
    }

    @Override
    public String signingName() {
        return "sts";
    }

    @Override
    public String xmlNamespace() {
        return NAMESPACE;
    }

    @Override
    public Xml handle(QueryRequest request) {
        return switch (request.action()) {
            case "GetCallerIdentity" -> getCallerIdentity(request);
            case "AssumeRole" -> assumeRole(request);
            default -> throw AwsError.badRequest("InvalidAction", "Could not find operation "
                    + request.action() + " for version 2011-06-15 (LocalAws emulates GetCallerIdentity and AssumeRole)");
        };
    }

    private Xml getCallerIdentity(QueryRequest request) {
        Principal p = caller(request);
        return Xml.element("GetCallerIdentityResult")
                .add("UserId", p.userId())
                .add("Account", p.accountId())
                .add("Arn", p.arn());
    }

    private Xml assumeRole(QueryRequest request) {
        Principal caller = caller(request);
        Validation v = new Validation();
        String roleArn = v.string(request, "RoleArn", "roleArn", true, 20, 2048, null);
        String sessionName = v.string(request, "RoleSessionName", "roleSessionName", true, 2, 64, SESSION_NAME);
        String externalId = v.string(request, "ExternalId", "externalId", false, 2, 1224, EXTERNAL_ID);
        String sourceIdentity = v.string(request, "SourceIdentity", "sourceIdentity", false, 2, 64, SOURCE_IDENTITY);
        v.string(request, "Policy", "policy", false, 1, 2048, null);
        Integer seconds = request.integer("DurationSeconds");
        if (seconds != null && (seconds < 900 || seconds > 43200)) {
            v.fail("'" + seconds + "' at 'durationSeconds'", seconds < 900
                    ? "Member must have value greater than or equal to 900"
                    : "Member must have value less than or equal to 43200");
        }
        List<Map<String, String>> tags = request.structs("Tags.member");
        if (tags.size() > 50) {
            v.fail("tags", "Member must have length less than or equal to 50");
        }
        for (int i = 0; i < tags.size(); i++) {
            String key = tags.get(i).get("Key");
            String value = tags.get(i).get("Value");
            String at = "tags." + (i + 1) + ".member.";
            v.check(key, at + "key", true, 1, 128, TAG_KEY);
            v.check(value, at + "value", true, 0, 256, TAG_VALUE);
        }
        v.throwIfAny();

        Matcher m = ROLE_ARN.matcher(roleArn);
        if (!m.matches()) {
            throw AwsError.badRequest("ValidationError", "RoleArn '" + roleArn
                    + "' is not a valid role ARN; expected arn:aws:iam::<12-digit account>:role/<name>");
        }
        String account = m.group(1);
        String roleName = m.group(3);
        if (!identities.accountExists(account)) {
            throw new AwsError("AccessDenied", 403, true, "User: " + caller.arn()
                    + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn
                    + " (account " + account + " does not exist in this LocalAws; create it with createAccount)");
        }
        Duration duration = Duration.ofSeconds(seconds == null ? 3600 : seconds);
        String inherited = null;
        if (caller instanceof Principal.RoleSession s) {
            if (duration.compareTo(CHAINED_MAX) > 0) {
                throw AwsError.badRequest("ValidationError", "The requested DurationSeconds exceeds the 1 hour "
                        + "session limit for roles assumed by role chaining.");
            }
            inherited = s.sourceIdentity();
        }
        Roles.Role role = identities.roles().find(account, roleName).orElse(null);
        if (role != null) {
            // AWS answers a principal the trust does not name and a wrong or missing external id alike.
            if (!role.trusts(caller) || (role.externalId() != null && !role.externalId().equals(externalId))) {
                throw new AwsError("AccessDenied", 403, true, "User: " + caller.arn()
                        + " is not authorized to perform: sts:AssumeRole on resource: " + role.arn());
            }
            if (duration.compareTo(role.maxSession()) > 0) {
                throw AwsError.badRequest("ValidationError", "The requested DurationSeconds exceeds the "
                        + "MaxSessionDuration set for this role.");
            }
        }
        if (inherited != null && sourceIdentity != null && !inherited.equals(sourceIdentity)) {
            throw new AwsError("AccessDenied", 403, true, "User: " + caller.arn() + " is not authorized to perform: "
                    + "sts:SetSourceIdentity on resource: " + roleArn + " (a chained session keeps its source identity "
                    + inherited + ")");
        }
        AccessKey key = identities.issueSession(account, roleName, sessionName, duration,
                inherited != null ? inherited : sourceIdentity);
        Principal.RoleSession session = (Principal.RoleSession) key.principal();
        return Xml.element("AssumeRoleResult")
                .add(Xml.element("Credentials")
                        .add("AccessKeyId", key.accessKeyId())
                        .add("SecretAccessKey", key.secretAccessKey().reveal())
                        .add("SessionToken", key.sessionToken().reveal())
                        .add("Expiration", session.expiration()))
                .add(Xml.element("AssumedRoleUser")
                        .add("AssumedRoleId", session.userId())
                        .add("Arn", session.arn()))
                .add("PackedPolicySize", tags.isEmpty() ? null : 1)
                .add("SourceIdentity", session.sourceIdentity());
    }

    private Principal caller(QueryRequest request) {
        return identities.find(request.accessKeyId()).map(AccessKey::principal)
                .orElseThrow(() -> new AwsError("InvalidClientTokenId", 403, true,
                        "The security token included in the request is invalid."));
    }

    /** Collects model constraint violations into one {@code ValidationError}, as STS reports them. */
    private static final class Validation {
        private final List<String> errors = new ArrayList<>();

        String string(QueryRequest r, String member, String field, boolean required, int min, int max, Pattern pattern) {
            String value = r.string(member);
            check(value, field, required, min, max, pattern);
            return value;
        }

        void check(String value, String field, boolean required, int min, int max, Pattern pattern) {
            if (value == null) {
                if (required) {
                    fail("null at '" + field + "'", "Member must not be null");
                }
                return;
            }
            String at = "'" + value + "' at '" + field + "'";
            if (value.length() < min) {
                fail(at, "Member must have length greater than or equal to " + min);
            } else if (value.length() > max) {
                fail(at, "Member must have length less than or equal to " + max);
            } else if (pattern != null && !pattern.matcher(value).matches()) {
                fail(at, "Member must satisfy regular expression pattern: " + pattern.pattern());
            }
        }

        void fail(String valueAt, String constraint) {
            errors.add("Value " + valueAt + " failed to satisfy constraint: " + constraint);
        }

        void throwIfAny() {
            if (!errors.isEmpty()) {
                throw AwsError.badRequest("ValidationError", errors.size() + " validation error"
                        + (errors.size() == 1 ? "" : "s") + " detected: " + String.join("; ", errors));
            }
        }
    }
}
