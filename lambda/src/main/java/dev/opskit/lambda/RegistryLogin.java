package dev.opskit.lambda;

import dev.opskit.core.Secret;
import java.time.Instant;
import java.util.Objects;

/**
 * A login for an account's ECR registry, from {@code GetAuthorizationToken}: what
 * {@code aws ecr get-login-password} prints, with the registry it is for and when it expires
 * (12 hours). {@link #toString()} never shows the password.
 *
 * @param username always {@code AWS}
 * @param password the registry password
 * @param registry the registry host, e.g. {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com}
 * @param expiresAt when the password stops working
 */
public record RegistryLogin(String username, Secret password, String registry, Instant expiresAt) {
    /** Checks every part. */
    public RegistryLogin {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "RegistryLogin[" + username + "@" + registry + ", expires " + expiresAt + ", password " + Secret.REDACTED + "]";
    }
}
