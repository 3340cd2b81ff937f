package dev.opskit.multiaccount.internal;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.OpsException;
import dev.opskit.core.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.utils.UserHomeDirectoryUtils;

/**
 * The AWS CLI's SSO token cache: one JSON file per {@code sso-session}, named by the SHA-1 of the
 * session name, in {@code ~/.aws/sso/cache} (home as the CLI and the SDK find it: {@code HOME}
 * first). The files hold the same members, with the same time format, that the CLI writes and
 * the SDK's {@code SsoOidcTokenProvider} reads and rewrites on refresh. Files are written
 * atomically, readable by their owner only.
 */
public final class TokenCache {
    private final Path directory;

    public TokenCache(Path directory) {
        this.directory = directory;
    }

    /** The cache the CLI and the SDK use. */
    public static TokenCache standard() {
        return new TokenCache(Path.of(UserHomeDirectoryUtils.userHomeDirectory(), ".aws", "sso", "cache"));
    }

    public Path directory() {
        return directory;
    }

    /** The file of a session: {@code <sha1 hex of the name>.json}. */
    public Path file(String sessionName) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(sessionName.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(sha1) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /**
     * @return the cached token of a session, if the file exists
     * @throws OpsException if the file cannot be read or is not a token
     */
    public Optional<CachedToken> read(String sessionName) {
        Path f = file(sessionName);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Map<String, Object> m;
        try {
            m = JSON.std.mapFrom(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new OpsException("cannot read the SSO token cache " + f + " of session " + sessionName + ": "
                    + e.getClass().getSimpleName() + "; delete it and log in again", e);
        }
        Object access = m.get("accessToken");
        Object expires = m.get("expiresAt");
        if (!(access instanceof String a) || a.isEmpty() || !(expires instanceof String e)) {
            throw new OpsException("the SSO token cache " + f + " of session " + sessionName
                    + " has no accessToken or expiresAt; delete it and log in again");
        }
        return Optional.of(new CachedToken(text(m, "startUrl"), text(m, "region"), Secret.of(a), instant(e, f),
                text(m, "clientId"), secret(m, "clientSecret"), Optional.ofNullable(text(m, "registrationExpiresAt"))
                        .map(t -> instant(t, f)).orElse(null), secret(m, "refreshToken")));
    }

    /**
     * Writes a session's token, replacing the file at once (a reader sees the old or the new one).
     *
     * @throws OpsException if the directory or file cannot be written
     */
    public void write(String sessionName, CachedToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "startUrl", t.startUrl());
        put(m, "region", t.region());
        m.put("accessToken", t.accessToken().reveal());
        m.put("expiresAt", format(t.expiresAt()));
        put(m, "clientId", t.clientId());
        put(m, "clientSecret", t.clientSecret() == null ? null : t.clientSecret().reveal());
        put(m, "registrationExpiresAt", t.registrationExpiresAt() == null ? null : format(t.registrationExpiresAt()));
        put(m, "refreshToken", t.refreshToken() == null ? null : t.refreshToken().reveal());
        Path f = file(sessionName);
        try {
            Files.createDirectories(directory);
            restrict(directory, "rwx------");
            Path tmp = Files.createTempFile(directory, ".opskit-", ".tmp");
            try {
                restrict(tmp, "rw-------");
                Files.writeString(tmp, JSON.std.asString(m), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new OpsException("cannot write the SSO token cache " + f + ": " + e.getClass().getSimpleName() + " "
                    + e.getMessage() + "; check that " + directory + " is writable", e);
        }
    }

    /** Deletes a session's cached token; true if there was one. */
    public boolean delete(String sessionName) {
        try {
            return Files.deleteIfExists(file(sessionName));
        } catch (IOException e) {
            throw new OpsException("cannot delete the SSO token cache " + file(sessionName) + ": " + e, e);
        }
    }

    /** The CLI's format: UTC, seconds, a {@code Z}. */
    static String format(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Instant instant(String text, Path file) {
        String t = text.trim();
        // Older CLIs wrote "2019-11-14T04:05:45UTC".
        if (t.endsWith("UTC")) {
            t = t.substring(0, t.length() - 3) + "Z";
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e2) {
                throw new OpsException("the SSO token cache " + file + " has a time '" + text
                        + "' that is not ISO-8601; delete it and log in again", e2);
            }
        }
    }

    private static void restrict(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the user profile's ACLs apply
        }
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static String text(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v instanceof String s && !s.isEmpty() ? s : null;
    }

    private static Secret secret(Map<String, Object> m, String k) {
        String v = text(m, k);
        return v == null ? null : Secret.of(v);
    }
}
