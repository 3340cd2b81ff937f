package dev.opskit.testkit.internal.server;

import dev.opskit.testkit.internal.sts.AccessKey;

/** A request's verified signer: the access key (and so the account), region and service from the scope. */
public record Caller(AccessKey key, String region, String service) {
    public String accountId() {
        return key.principal().accountId();
    }

    public String accessKeyId() {
        return key.accessKeyId();
    }
}
