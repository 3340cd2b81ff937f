package dev.opskit.ssm;

import dev.opskit.core.InvalidInputException;
import java.util.List;
import java.util.Locale;

/**
 * Factories of maintenance-window {@link Target}s.
 *
 * <pre>{@code
 * MaintenanceWindows.create("patching")
 *         .target(Targets.instances("i-0123456789abcdef0"))
 *         .target(Targets.tag("Role", "web", "api").named("web-and-api"))
 * }</pre>
 */
public final class Targets {
    private Targets() {
    }

    /**
     * Instances by id, named {@code instances} unless {@link Target#named renamed}.
     *
     * @param instanceIds 1 to 50 ids such as {@code i-0123456789abcdef0}
     * @return the target
     * @throws InvalidInputException for a malformed id
     */
    public static Target instances(String... instanceIds) {
        return new Target("instances", "InstanceIds", List.of(instanceIds), null);
    }

    /**
     * Instances whose tag {@code key} has one of the values, named {@code tag-<key>} unless
     * {@link Target#named renamed}.
     *
     * @param key the tag key
     * @param values 1 to 50 accepted values
     * @return the target
     */
    public static Target tag(String key, String... values) {
        if (key == null || key.isBlank()) {
            throw new InvalidInputException("tag key", key, "give the tag's key, e.g. Targets.tag(\"Role\", \"web\")");
        }
        String name = "tag-" + key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "-");
        return new Target(name.length() > 128 ? name.substring(0, 128) : name, "tag:" + key, List.of(values), null);
    }
}
