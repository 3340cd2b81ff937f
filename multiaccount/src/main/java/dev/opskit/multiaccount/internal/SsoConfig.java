package dev.opskit.multiaccount.internal;

import dev.opskit.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;

/**
 * The {@code sso-session} and profile sections of the AWS config file, read with the SDK's own
 * parser ({@link ProfileFile}); only listing the {@code sso-session} names, which the SDK does
 * not offer, scans the file's section headers.
 */
public final class SsoConfig {
    private static final Pattern SESSION_HEADER = Pattern.compile("^\\s*\\[\\s*sso-session\\s+([^\\]\\s]+)\\s*]");

    /** A {@code [sso-session NAME]} section. */
    public record Session(String name, String startUrl, String region) {
    }

    /** A profile that signs in through an {@code sso-session}. */
    public record SsoProfile(String name, String sessionName, String accountId, String roleName, String region) {
    }

    private final Path file;
    private final ProfileFile profiles;

    private SsoConfig(Path file, ProfileFile profiles) {
        this.file = file;
        this.profiles = profiles;
    }

    /** The config file the CLI uses ({@code AWS_CONFIG_FILE}, else {@code ~/.aws/config}); may not exist. */
    public static SsoConfig standard() {
        return of(ProfileFileLocation.configurationFilePath());
    }

    public static SsoConfig of(Path file) {
        ProfileFile pf = Files.isRegularFile(file)
                ? ProfileFile.builder().content(file).type(ProfileFile.Type.CONFIGURATION).build()
                : ProfileFile.builder().content(new java.io.ByteArrayInputStream(new byte[0]))
                        .type(ProfileFile.Type.CONFIGURATION).build();
        return new SsoConfig(file, pf);
    }

    public Path file() {
        return file;
    }

    public Optional<Session> session(String name) {
        return profiles.getSection("sso-session", name).map(p -> new Session(name,
                p.property("sso_start_url").orElse(null), p.property("sso_region").orElse(null)));
    }

    /** The {@code sso-session} sections, in file order. */
    public List<Session> sessions() {
        List<Session> found = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return found;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher m = SESSION_HEADER.matcher(line);
                if (m.find()) {
                    session(m.group(1)).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("AWS config file", file.toString(), "it cannot be read: " + e.getMessage());
        }
        return found;
    }

    /** The first {@code sso-session} section whose start URL is this one. */
    public Optional<Session> sessionFor(String startUrl) {
        return sessions().stream().filter(s -> s.startUrl() != null && sameUrl(s.startUrl(), startUrl)).findFirst();
    }

    /**
     * @throws InvalidInputException if the profile does not exist or names no {@code sso_session},
     *     {@code sso_account_id} and {@code sso_role_name}
     */
    public SsoProfile profile(String name) {
        Profile p = profiles.profile(name).orElseThrow(() -> new InvalidInputException("profile", name,
                "no [profile " + name + "] in " + file + "; add it with sso_session, sso_account_id and sso_role_name"));
        String session = p.property("sso_session").orElse(null);
        String account = p.property("sso_account_id").orElse(null);
        String role = p.property("sso_role_name").orElse(null);
        if (session == null || account == null || role == null) {
            throw new InvalidInputException("profile", name, "it needs sso_session, sso_account_id and sso_role_name in "
                    + file + " to sign in through IAM Identity Center");
        }
        return new SsoProfile(name, session, account, role, p.property("region").orElse(null));
    }

    /** Whether two start URLs are the same portal (case and trailing {@code /} or {@code #} aside). */
    public static boolean sameUrl(String a, String b) {
        return strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String url) {
        String u = url.trim();
        while (u.endsWith("/") || u.endsWith("#")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
