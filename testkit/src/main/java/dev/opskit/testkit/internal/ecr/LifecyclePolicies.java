package dev.opskit.testkit.internal.ecr;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.testkit.internal.ecr.EcrModel.Image;
import dev.opskit.testkit.internal.ecr.EcrModel.Repository;
import dev.opskit.testkit.internal.protocol.AwsError;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ECR lifecycle policies: checks a policy's rules as PutLifecyclePolicy does, and applies them.
 * ECR evaluates policies some time within a day; LocalAws applies them at once, when the policy
 * is put and after every push. Rules are taken in {@code rulePriority} order; an image selected
 * by one rule is never considered by a later one; {@code imageCountMoreThan} keeps the newest
 * pushed images, {@code sinceImagePushed} expires those pushed more than N days ago (LocalAws's
 * clock).
 */
final class LifecyclePolicies {
    private LifecyclePolicies() {
    }

    private record Rule(int priority, String tagStatus, List<String> prefixes, String countType, long count) {
    }

    static void validate(String text) {
        rules(text);
    }

    static void apply(Repository repo, Instant now) {
        if (repo.lifecyclePolicy == null) {
            return;
        }
        Set<String> considered = new HashSet<>();
        for (Rule rule : rules(repo.lifecyclePolicy)) {
            List<Image> selected = new ArrayList<>();
            for (Image image : repo.images.values()) {
                if (!considered.contains(image.digest()) && selects(rule, repo.tagsOf(image.digest()))) {
                    selected.add(image);
                }
            }
            selected.sort(Comparator.comparing(Image::pushedAt).reversed());
            List<Image> expire = new ArrayList<>();
            if (rule.countType.equals("imageCountMoreThan")) {
                expire.addAll(selected.subList((int) Math.min(rule.count, selected.size()), selected.size()));
            } else {
                Instant limit = now.minus(Duration.ofDays(rule.count));
                selected.stream().filter(i -> i.pushedAt().isBefore(limit)).forEach(expire::add);
            }
            selected.forEach(i -> considered.add(i.digest()));
            for (Image i : expire) {
                repo.images.remove(i.digest());
                repo.tags.values().removeIf(i.digest()::equals);
            }
        }
    }

    private static boolean selects(Rule rule, List<String> tags) {
        return switch (rule.tagStatus) {
            case "untagged" -> tags.isEmpty();
            case "tagged" -> tags.stream().anyMatch(t -> rule.prefixes.stream().anyMatch(t::startsWith));
            default -> true;
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Rule> rules(String text) {
        Object parsed;
        try {
            parsed = JSON.std.anyFrom(text);
        } catch (IOException e) {
            throw invalid("the policy is not valid JSON");
        }
        if (!(parsed instanceof Map<?, ?> policy) || !(policy.get("rules") instanceof List<?> list) || list.isEmpty()) {
            throw invalid("object has missing required properties ([\"rules\"])");
        }
        List<Rule> rules = new ArrayList<>();
        Set<Integer> priorities = new HashSet<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> r) || !(r.get("rulePriority") instanceof Number p)
                    || !(r.get("selection") instanceof Map<?, ?> sel) || !(r.get("action") instanceof Map<?, ?> action)) {
                throw invalid("each rule needs rulePriority, selection and action");
            }
            if (!priorities.add(p.intValue()) || p.intValue() < 1) {
                throw invalid("rulePriority must be unique and at least 1, got " + p);
            }
            if (!"expire".equals(action.get("type"))) {
                throw invalid("action type must be expire");
            }
            String tagStatus = String.valueOf(sel.get("tagStatus"));
            if (!List.of("tagged", "untagged", "any").contains(tagStatus)) {
                throw invalid("tagStatus must be tagged, untagged or any, got " + tagStatus);
            }
            List<String> prefixes = sel.get("tagPrefixList") instanceof List<?> l
                    ? l.stream().map(String::valueOf).toList() : List.of();
            if (tagStatus.equals("tagged") && prefixes.isEmpty()) {
                throw invalid("tagPrefixList must be specified when tagStatus is tagged");
            }
            String countType = String.valueOf(sel.get("countType"));
            if (!countType.equals("imageCountMoreThan") && !countType.equals("sinceImagePushed")) {
                throw invalid("countType must be imageCountMoreThan or sinceImagePushed, got " + countType);
            }
            if (countType.equals("sinceImagePushed") && !"days".equals(sel.get("countUnit"))) {
                throw invalid("countUnit must be days for sinceImagePushed");
            }
            if (!(sel.get("countNumber") instanceof Number n) || n.longValue() < 1) {
                throw invalid("countNumber must be a number of at least 1");
            }
            rules.add(new Rule(p.intValue(), tagStatus, prefixes, countType, n.longValue()));
        }
        rules.sort(Comparator.comparingInt(Rule::priority));
        if (rules.stream().filter(r -> r.tagStatus.equals("any")).anyMatch(r -> r != rules.get(rules.size() - 1))) {
            throw invalid("a rule with tagStatus any must have the highest rulePriority");
        }
        return rules;
    }

    private static AwsError invalid(String why) {
        return AwsError.badRequest("InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText' failed to "
                + "satisfy constraint: 'Lifecycle policy validation failure: " + why + "'");
    }
}
