package dev.opskit.testkit;

import dev.opskit.core.InvalidInputException;
import dev.opskit.testkit.internal.ssm.SsmService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The local SSM managed instances of a {@link LocalAws}: {@code i-} ids, each with its own
 * sandbox directory, listed by {@code DescribeInstanceInformation} (Online, Linux) and targeted by
 * maintenance windows. {@code AWS-RunShellScript} commands sent to one run with {@code /bin/sh} in
 * its sandbox; their stdout, stderr and exit status become the invocation's output and status.
 * A LocalAws starts with one instance, the local machine, which its default account manages in
 * every region: it is there whichever region the user works in.
 *
 * <pre>{@code
 * try (LocalAws aws = LocalAws.start()) {
 *     LocalInstances.Instance web = aws.instances().register(Map.of("Role", "web"));
 *     System.out.println(web.id() + " runs commands in " + web.sandbox());
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class LocalInstances {
    private final SsmService ssm;
    private final LocalAccount defaultAccount;
    private final String defaultRegion;

    LocalInstances(SsmService ssm, LocalAccount defaultAccount, String defaultRegion) {
        this.ssm = ssm;
        this.defaultAccount = defaultAccount;
        this.defaultRegion = defaultRegion;
    }

    /** Registers the local machine LocalAws starts with: an instance of the default account in every region. */
    void registerLocalMachine() {
        ssm.registerInstance(defaultAccount.id(), null, Map.of());
    }

    /**
     * A local managed instance.
     *
     * @param id its id, {@code i-} and 17 hex digits
     * @param accountId the account it is registered in
     * @param region the region it is registered in (for the local machine, the region it was listed in)
     * @param sandbox the directory its commands run in
     */
    public record Instance(String id, String accountId, String region, Path sandbox) {
        /** Checks that no member is null. */
        public Instance {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(sandbox, "sandbox");
        }
    }

    /**
     * Registers an instance in the default account and the LocalAws's region, without tags.
     *
     * @return the new instance
     */
    public Instance register() {
        return register(defaultAccount, defaultRegion, Map.of());
    }

    /**
     * Registers an instance in the default account and the LocalAws's region, with tags that
     * {@code tag:<key>} targets match.
     *
     * @param tags tag keys to values
     * @return the new instance
     */
    public Instance register(Map<String, String> tags) {
        return register(defaultAccount, defaultRegion, tags);
    }

    /**
     * Registers an instance in an account and region.
     *
     * @param account an account of this LocalAws
     * @param region a region id such as {@code eu-west-1}
     * @param tags tag keys to values
     * @return the new instance
     * @throws InvalidInputException if the region is blank
     */
    public Instance register(LocalAccount account, String region, Map<String, String> tags) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(tags, "tags");
        if (region == null || region.isBlank()) {
            throw new InvalidInputException("region", region, "give a region id such as us-east-1");
        }
        Map.Entry<String, Path> e = ssm.registerInstance(account.id(), region, tags);
        return new Instance(e.getKey(), account.id(), region, e.getValue());
    }

    /**
     * @return the instances of the default account in the LocalAws's region, oldest first
     */
    public List<Instance> list() {
        return list(defaultAccount, defaultRegion);
    }

    /**
     * @param account an account of this LocalAws
     * @param region a region id
     * @return the instances of that account in that region, oldest first
     */
    public List<Instance> list(LocalAccount account, String region) {
        List<Instance> out = new ArrayList<>();
        ssm.instances(account.id(), region).forEach((id, dir) -> out.add(new Instance(id, account.id(), region, dir)));
        return List.copyOf(out);
    }
}
