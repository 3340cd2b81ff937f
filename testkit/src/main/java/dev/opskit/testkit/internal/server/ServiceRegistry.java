package dev.opskit.testkit.internal.server;

import dev.opskit.testkit.internal.protocol.JsonService;
import dev.opskit.testkit.internal.protocol.QueryService;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services one LocalAws speaks, by SigV4 signing name. A signing name maps to exactly one
 * service and so to one protocol (awsQuery or awsJson1_1).
 */
public final class ServiceRegistry {
    private final Map<String, QueryService> query = new ConcurrentHashMap<>();
    private final Map<String, JsonService> json = new ConcurrentHashMap<>();

    public synchronized ServiceRegistry register(QueryService service) {
        claim(service.signingName());
        query.put(service.signingName(), service);
        return this;
    }

    public synchronized ServiceRegistry register(JsonService service) {
        claim(service.signingName());
        json.put(service.signingName(), service);
        return this;
    }

    private void claim(String name) {
        if (query.containsKey(name) || json.containsKey(name)) {
            throw new IllegalStateException("a service with signing name '" + name + "' is already registered");
        }
    }

    public Optional<QueryService> query(String signingName) {
        return Optional.ofNullable(query.get(signingName));
    }

    public Optional<JsonService> json(String signingName) {
        return Optional.ofNullable(json.get(signingName));
    }

    /** Signing names of every registered service, sorted. */
    public Set<String> names() {
        Set<String> all = new TreeSet<>(query.keySet());
        all.addAll(json.keySet());
        return all;
    }
}
