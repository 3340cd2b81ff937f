package dev.opskit.multiaccount.internal;

import dev.opskit.core.AwsContext;
import dev.opskit.core.event.EventBus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The credentials of an {@code AssumeRole} chain, one SDK {@code StsAssumeRoleCredentialsProvider}
 * per hop (it caches each hop's session and assumes the role again before it expires), cached per
 * starting credentials and chain so that the same role in the same account is assumed once however
 * many contexts use it.
 */
public final class RoleChain {
    /** One hop: which role, with which options. */
    public record Hop(String roleArn, String externalId, String sessionName, Duration duration,
            Map<String, String> tags, String sourceIdentity) {
        public Hop {
            tags = Map.copyOf(tags);
        }

        public String accountId() {
            return roleArn.split(":")[4];
        }
    }

    private static final Map<AwsCredentialsProvider, Map<List<Hop>, RoleCredentials>> CACHE = new WeakHashMap<>();

    private RoleChain() {
    }

    /** The cached (or new) credentials at the end of the chain, starting from the base context's credentials. */
    public static RoleCredentials credentials(AwsContext base, List<Hop> hops, EventBus bus, Clock clock) {
        synchronized (CACHE) {
            Map<List<Hop>, RoleCredentials> chains = CACHE.computeIfAbsent(base.credentials(), k -> new java.util.HashMap<>());
            RoleCredentials existing = chains.get(hops);
            if (existing != null) {
                return existing;
            }
            AwsCredentialsProvider previous = base.credentials();
            RoleCredentials last = null;
            for (int i = 0; i < hops.size(); i++) {
                List<Hop> prefix = List.copyOf(hops.subList(0, i + 1));
                RoleCredentials cached = chains.get(prefix);
                if (cached == null) {
                    cached = hop(base, previous, hops.get(i), bus, clock);
                    chains.put(prefix, cached);
                }
                previous = cached;
                last = cached;
            }
            return last;
        }
    }

    private static RoleCredentials hop(AwsContext base, AwsCredentialsProvider caller, Hop hop, EventBus bus, Clock clock) {
        // Assuming a role changes nothing, so a call that failed on a 5xx or a dropped connection may be sent again.
        AwsContext ctx = base.toBuilder().credentials(caller).retries(base.retries().withReads("AssumeRole")).build();
        StsClient sts = ctx.client(StsClient.class, StsClient::builder);
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder().roleArn(hop.roleArn())
                .roleSessionName(hop.sessionName()).durationSeconds((int) hop.duration().toSeconds());
        if (hop.externalId() != null) {
            request.externalId(hop.externalId());
        }
        if (hop.sourceIdentity() != null) {
            request.sourceIdentity(hop.sourceIdentity());
        }
        if (!hop.tags().isEmpty()) {
            request.tags(hop.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue())
                    .build()).toList());
        }
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(request.build()).build();
        return new RoleCredentials(hop.accountId(), hop.roleArn(), "assume-role", provider, bus, clock);
    }
}
