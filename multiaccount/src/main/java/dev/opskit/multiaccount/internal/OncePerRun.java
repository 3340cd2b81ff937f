package dev.opskit.multiaccount.internal;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * An account's credentials during one fan-out: the first region to need them fetches them while
 * the account's other regions wait, and if that fetch fails (after its retries) they fail with the
 * same error instead of fetching again. Afterwards every call goes to the cached, self-refreshing
 * provider.
 */
public final class OncePerRun implements AwsCredentialsProvider {
    private final AwsCredentialsProvider delegate;
    private final Object lock = new Object();
    private volatile boolean resolved;
    private RuntimeException failure;

    public OncePerRun(AwsCredentialsProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        if (resolved) {
            return delegate.resolveCredentials();
        }
        synchronized (lock) {
            if (failure != null) {
                throw failure;
            }
            try {
                AwsCredentials c = delegate.resolveCredentials();
                resolved = true;
                return c;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return "OncePerRun[" + delegate + "]";
    }
}
