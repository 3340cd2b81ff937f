package dev.opskit.multiaccount;

import dev.opskit.core.AwsContext;
import dev.opskit.core.InvalidInputException;
import dev.opskit.core.event.EventBus;
import dev.opskit.multiaccount.internal.Access;
import dev.opskit.multiaccount.internal.RoleChain;
import dev.opskit.multiaccount.internal.RoleCredentials;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Credentials from {@code AssumeRole}, one role or a chain of them: role ARN, external id,
 * session name, duration, session tags and source identity per hop. The session of each hop is
 * cached per starting credentials and chain, and assumed again before it expires (the SDK's
 * {@code StsAssumeRoleCredentialsProvider}). AWS caps a session assumed with a role's credentials
 * (role chaining) at one hour; a longer duration on such a hop is refused here, before any call.
 *
 * <pre>{@code
 * AwsContext prod = AssumeRole.from(AwsContext.defaults())
 *         .role("arn:aws:iam::222222222222:role/deploy")
 *         .externalId("ticket-4711").sessionName("alice").duration(Duration.ofHours(2))
 *         .tag("team", "ops").sourceIdentity("alice")
 *         .then("arn:aws:iam::333333333333:role/readonly")   // chained: at most 1 hour
 *         .context("eu-west-1");
 * }</pre>
 *
 * Not thread-safe while being configured; the credentials and contexts it yields are.
 */
public final class AssumeRole {
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[\\w-]*:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})");
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Duration CHAINED_MAX = Duration.ofHours(1);

    private final AwsContext base;
    private final List<HopBuilder> hops = new ArrayList<>();
    private EventBus bus;

    private AssumeRole(AwsContext base) {
        this.base = base;
    }

    /**
     * Starts a chain from a context's credentials (region, endpoint override, retries and HTTP
     * client are copied to the contexts it yields). If they are a role's session themselves (from
     * an {@link SsoSession} or another {@code AssumeRole}), the first hop is role chaining too.
     *
     * @param base who assumes the first role; not closed
     * @return the chain; name the first role with {@link #role(String)}
     */
    public static AssumeRole from(AwsContext base) {
        return new AssumeRole(Objects.requireNonNull(base, "base"));
    }

    /**
     * Starts the chain from an account access's credentials (always role chaining).
     *
     * @param access an SSO role or another chain
     * @param region the region of the STS calls and the default context
     * @return the chain
     */
    public static AssumeRole from(AccountAccess access, String region) {
        Objects.requireNonNull(access, "access");
        return from(access.context(region));
    }

    /**
     * The first role to assume.
     *
     * @param roleArn {@code arn:aws:iam::<account>:role/<name>}
     * @return this chain; set the hop's options next
     * @throws InvalidInputException if not a role ARN or a role was already named
     */
    public AssumeRole role(String roleArn) {
        if (!hops.isEmpty()) {
            throw new InvalidInputException("role", roleArn, "the chain already starts with " + hops.get(0).roleArn
                    + "; use then(\"" + roleArn + "\") for the next hop");
        }
        hops.add(new HopBuilder(checkArn(roleArn), null));
        return this;
    }

    /**
     * The next role, assumed with the previous hop's credentials (role chaining: at most 1 hour).
     * The session name and source identity carry over; external id, tags and duration (1 hour)
     * start afresh.
     *
     * @param roleArn the next role's ARN
     * @return this chain; set the new hop's options next
     */
    public AssumeRole then(String roleArn) {
        HopBuilder previous = current();
        hops.add(new HopBuilder(checkArn(roleArn), previous));
        return this;
    }

    /**
     * @param externalId the external id the role's trust policy asks for (2 to 1224 characters)
     * @return this chain
     */
    public AssumeRole externalId(String externalId) {
        if (externalId == null || !EXTERNAL_ID.matcher(externalId).matches()) {
            throw new InvalidInputException("externalId", externalId == null ? null
                    : "(" + externalId.length() + " characters)", "an external id has 2 to 1224 of the characters "
                            + "letters, digits and +=,.@:/-_");
        }
        current().externalId = externalId;
        return this;
    }

    /**
     * @param name the role session name that CloudTrail shows (2 to 64 of {@code \w+=,.@-}; default {@code opskit})
     * @return this chain
     */
    public AssumeRole sessionName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("sessionName", name, "a role session name has 2 to 64 letters, digits or "
                    + "+=,.@_- characters");
        }
        current().sessionName = name;
        return this;
    }

    /**
     * @param duration the session's length, 15 minutes to 12 hours (and at most the role's maximum);
     *     at most 1 hour on a chained hop. Default 1 hour.
     * @return this chain
     * @throws InvalidInputException if out of range, or over 1 hour on a chained hop
     */
    public AssumeRole duration(Duration duration) {
        if (duration == null || duration.compareTo(Duration.ofMinutes(15)) < 0
                || duration.compareTo(Duration.ofHours(12)) > 0 || duration.toNanosPart() != 0) {
            throw new InvalidInputException("duration", String.valueOf(duration),
                    "a role session lasts from 15 minutes to 12 hours, in whole seconds");
        }
        HopBuilder hop = current();
        hop.duration = duration;
        if (hop.previous != null) {
            checkChained(hop);
        }
        return this;
    }

    /**
     * @param key a session tag's key (1 to 128 characters)
     * @param value its value (0 to 256 characters)
     * @return this chain
     */
    public AssumeRole tag(String key, String value) {
        if (key == null || key.isEmpty() || key.length() > 128 || !TAG.matcher(key).matches()) {
            throw new InvalidInputException("tag key", key, "a session tag key has 1 to 128 letters, digits, spaces "
                    + "or _.:/=+-@");
        }
        if (value == null || value.length() > 256 || !TAG.matcher(value).matches()) {
            throw new InvalidInputException("tag value for " + key, value, "a session tag value has 0 to 256 letters, "
                    + "digits, spaces or _.:/=+-@");
        }
        HopBuilder hop = current();
        if (hop.tags.size() >= 50 && !hop.tags.containsKey(key)) {
            throw new InvalidInputException("tags", Integer.toString(hop.tags.size() + 1), "a session has at most 50 tags");
        }
        hop.tags.put(key, value);
        return this;
    }

    /**
     * @param identity the source identity (2 to 64 of {@code \w+=,.@-}); kept by chained hops
     * @return this chain
     */
    public AssumeRole sourceIdentity(String identity) {
        if (identity == null || !NAME.matcher(identity).matches()) {
            throw new InvalidInputException("sourceIdentity", identity, "a source identity has 2 to 64 letters, digits "
                    + "or +=,.@_- characters");
        }
        HopBuilder hop = current();
        if (hop.previous != null && hop.previous.sourceIdentity != null
                && !hop.previous.sourceIdentity.equals(identity)) {
            throw new InvalidInputException("sourceIdentity", identity, "the chain already carries source identity "
                    + hop.previous.sourceIdentity + ", which AWS keeps for chained sessions; leave it as it is");
        }
        hop.sourceIdentity = identity;
        return this;
    }

    /**
     * @param events where {@code CredentialsIssued} events go
     * @return this chain
     */
    public AssumeRole events(EventBus events) {
        this.bus = Objects.requireNonNull(events, "events");
        return this;
    }

    /**
     * The credentials at the end of the chain, cached; the first call assumes the roles.
     *
     * @return the credentials provider
     * @throws InvalidInputException if no role was named or a chained hop asks for over 1 hour
     */
    public AwsCredentialsProvider credentials() {
        return resolve();
    }

    /**
     * @param region the region the context's calls go to
     * @return a context that signs as the last role of the chain; close it when done
     */
    public AwsContext context(String region) {
        return access().context(region);
    }

    /** @return access to the last role's account, for {@link Fleet} */
    public AccountAccess access() {
        RoleCredentials creds = resolve();
        HopBuilder last = hops.get(hops.size() - 1);
        return new Access(last.accountId, null, last.roleArn, creds, base);
    }

    private RoleCredentials resolve() {
        if (hops.isEmpty()) {
            throw new InvalidInputException("role", null, "name the role to assume with role(\"arn:aws:iam::...:role/...\")");
        }
        boolean baseIsRole = base.credentials() instanceof RoleCredentials;
        List<RoleChain.Hop> chain = new ArrayList<>();
        for (int i = 0; i < hops.size(); i++) {
            HopBuilder h = hops.get(i);
            if (i > 0 || baseIsRole) {
                checkChained(h);
            }
            chain.add(new RoleChain.Hop(h.roleArn, h.externalId, h.sessionName, h.duration, h.tags, h.sourceIdentity));
        }
        return RoleChain.credentials(base, List.copyOf(chain), bus, Clock.systemUTC());
    }

    private static void checkChained(HopBuilder hop) {
        if (hop.duration.compareTo(CHAINED_MAX) > 0) {
            throw new InvalidInputException("duration", hop.duration.toString(), "assuming " + hop.roleArn
                    + " with the credentials of " + (hop.previous != null ? hop.previous.roleArn : "another role")
                    + " is role chaining, which AWS caps at 1 hour; give at most Duration.ofHours(1)");
        }
    }

    private HopBuilder current() {
        if (hops.isEmpty()) {
            throw new InvalidInputException("role", null, "name the role first with role(\"arn:aws:iam::...:role/...\")");
        }
        return hops.get(hops.size() - 1);
    }

    private static String checkArn(String arn) {
        if (arn == null || !ROLE_ARN.matcher(arn).matches()) {
            throw new InvalidInputException("roleArn", arn, "give a role ARN such as arn:aws:iam::123456789012:role/deploy");
        }
        return arn;
    }

    @Override
    public String toString() {
        return "AssumeRole" + hops.stream().map(h -> h.roleArn).toList();
    }

    private static final class HopBuilder {
        final String roleArn;
        final String accountId;
        final HopBuilder previous;
        String externalId;
        String sessionName;
        Duration duration = Duration.ofHours(1);
        final Map<String, String> tags = new LinkedHashMap<>();
        String sourceIdentity;

        HopBuilder(String roleArn, HopBuilder previous) {
            this.roleArn = roleArn;
            Matcher m = ROLE_ARN.matcher(roleArn);
            this.accountId = m.matches() ? m.group(1) : null;
            this.previous = previous;
            this.sessionName = previous != null ? previous.sessionName : "opskit";
            this.sourceIdentity = previous != null ? previous.sourceIdentity : null;
        }
    }
}
