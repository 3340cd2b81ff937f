package dev.opskit.ssm;

import dev.opskit.core.InvalidInputException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named target of a maintenance window: instances by id, or by tag. Made by {@link Targets};
 * {@link MaintenanceWindows.Definition#apply()} matches it to a registered target by name.
 *
 * @param name the target's name in the window, 3-128 of {@code [a-zA-Z0-9_.-]}
 * @param key {@code InstanceIds} or {@code tag:<key>}
 * @param values instance ids or tag values, 1 to 50
 * @param ownerInformation passed to tasks as the owner of this target, or null
 */
public record Target(String name, String key, List<String> values, String ownerInformation) {
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_\\-.]{3,128}");
    private static final Pattern INSTANCE = Pattern.compile("i-[0-9a-f]{8}|i-[0-9a-f]{17}|mi-[0-9a-f]{17}");

    /** Checks the name, the key and every value. */
    public Target {
        Objects.requireNonNull(key, "key");
        values = List.copyOf(values);
        checkName(name, "target name");
        if (values.isEmpty() || values.size() > 50) {
            throw new InvalidInputException("target " + name, values.toString(), "give 1 to 50 values");
        }
        if (key.equals("InstanceIds")) {
            for (String v : values) {
                if (!INSTANCE.matcher(v).matches()) {
                    throw new InvalidInputException("instance id", v,
                            "an instance id is i- and 17 hex digits, e.g. i-0123456789abcdef0");
                }
            }
        } else if (!key.startsWith("tag:") || key.length() < 5 || key.length() > 132) {
            throw new InvalidInputException("target key", key, "use InstanceIds or tag:<key> with a key of 1-128 characters");
        }
    }

    /**
     * @param name another name for this target in the window
     * @return a copy with that name
     */
    public Target named(String name) {
        return new Target(name, key, values, ownerInformation);
    }

    /**
     * @param owner text handed to tasks as the owner of this target ({@code {{RESOURCE_OWNER}}})
     * @return a copy with that owner information
     */
    public Target ownerInformation(String owner) {
        return new Target(name, key, values, owner);
    }

    static void checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException(what, name, "use 3 to 128 letters, digits, '_', '-' or '.'");
        }
    }
}
