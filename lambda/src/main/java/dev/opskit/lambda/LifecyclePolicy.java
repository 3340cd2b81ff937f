package dev.opskit.lambda;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ECR lifecycle policy: which images ECR expires. Rules are numbered in the order they are
 * combined; a rule matching every image ({@link #keepLast}) must come last, as ECR requires.
 *
 * <pre>{@code
 * LifecyclePolicy policy = LifecyclePolicy.expireUntaggedAfterDays(7).and(LifecyclePolicy.keepLast(20));
 * }</pre>
 */
public final class LifecyclePolicy {
    private final List<Map<String, Object>> rules;
    private final String json;

    private LifecyclePolicy(List<Map<String, Object>> rules, String json) {
        this.rules = rules;
        this.json = json;
    }

    /**
     * Keeps the newest {@code count} images of the repository, tagged or not, and expires the rest.
     *
     * @param count 1 or more
     * @return the policy
     * @throws InvalidInputException if count is below 1
     */
    public static LifecyclePolicy keepLast(int count) {
        if (count < 1) {
            throw new InvalidInputException("count", Integer.toString(count), "keep at least 1 image");
        }
        return rule("keep the newest " + count + " images", Map.of("tagStatus", "any", "countType",
                "imageCountMoreThan", "countNumber", count));
    }

    /**
     * Expires untagged images (left behind when a tag moves) some days after they were pushed.
     *
     * @param days 1 or more
     * @return the policy
     * @throws InvalidInputException if days is below 1
     */
    public static LifecyclePolicy expireUntaggedAfterDays(int days) {
        if (days < 1) {
            throw new InvalidInputException("days", Integer.toString(days), "give 1 day or more");
        }
        return rule("expire untagged images after " + days + " days", Map.of("tagStatus", "untagged", "countType",
                "sinceImagePushed", "countUnit", "days", "countNumber", days));
    }

    /**
     * A policy given as ECR's JSON text, put as it is (ECR checks it).
     *
     * @param json the {@code lifecyclePolicyText}
     * @return the policy
     * @throws InvalidInputException if it is not a JSON object with rules
     */
    public static LifecyclePolicy of(String json) {
        Objects.requireNonNull(json, "json");
        try {
            Object parsed = JSON.std.anyFrom(json);
            if (!(parsed instanceof Map<?, ?> m) || !(m.get("rules") instanceof List<?>)) {
                throw new InvalidInputException("lifecyclePolicy", null, "give a JSON object with a \"rules\" array");
            }
        } catch (IOException e) {
            throw new InvalidInputException("lifecyclePolicy", null, "the text is not JSON: " + e.getMessage());
        }
        return new LifecyclePolicy(null, json);
    }

    private static LifecyclePolicy rule(String description, Map<String, Object> selection) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("description", description);
        rule.put("selection", selection);
        rule.put("action", Map.of("type", "expire"));
        return new LifecyclePolicy(List.of(rule), null);
    }

    /**
     * This policy's rules followed by another's.
     *
     * @param next the rules to add after these
     * @return the combined policy
     * @throws InvalidInputException if either was given as JSON text
     */
    public LifecyclePolicy and(LifecyclePolicy next) {
        if (rules == null || next.rules == null) {
            throw new InvalidInputException("lifecyclePolicy", null, "a policy given as JSON text cannot be combined");
        }
        List<Map<String, Object>> all = new ArrayList<>(rules);
        all.addAll(next.rules);
        return new LifecyclePolicy(List.copyOf(all), null);
    }

    /** @return the policy as ECR's {@code lifecyclePolicyText} */
    public String json() {
        if (json != null) {
            return json;
        }
        List<Object> numbered = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("rulePriority", i + 1);
            r.putAll(rules.get(i));
            numbered.add(r);
        }
        try {
            return JSON.std.asString(Map.of("rules", numbered));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "LifecyclePolicy" + json();
    }
}
