package dev.opskit.testkit.internal.server;

import dev.opskit.testkit.internal.protocol.JsonService;
import dev.opskit.testkit.internal.protocol.QueryService;
import dev.opskit.testkit.internal.protocol.RestJsonService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services one LocalAws speaks, by SigV4 signing name. A signing name maps to exactly one
 * service and so to one protocol (awsQuery, awsJson1_1 or restJson1).
 */
public final class ServiceRegistry {
    private final Map<String, QueryService> query = new ConcurrentHashMap<>();
    private final Map<String, JsonService> json = new ConcurrentHashMap<>();
    private final Map<String, RestJsonService> rest = new ConcurrentHashMap<>();

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

    public synchronized ServiceRegistry register(RestJsonService service) {
        claim(service.signingName());
        rest.put(service.signingName(), service);
        return this;
    }

    private void claim(String name) {
        if (query.containsKey(name) || json.containsKey(name) || rest.containsKey(name)) {
            throw new IllegalStateException("a service with signing name '" + name + "' is already registered");
        }
    }

    public Optional<QueryService> query(String signingName) {
        return Optional.ofNullable(query.get(signingName));
    }

    public Optional<JsonService> json(String signingName) {
        return Optional.ofNullable(json.get(signingName));
    }

    public Optional<RestJsonService> rest(String signingName) {
        return Optional.ofNullable(rest.get(signingName));
    }

    /** The restJson1 services with unsigned routes, which requests without SigV4 are matched against. */
    public List<RestJsonService> unsignedRest() {
        List<RestJsonService> found = new ArrayList<>();
        for (RestJsonService s : rest.values()) {
            if (s.routes().stream().anyMatch(RestJsonService.Route::unsigned)) {
                found.add(s);
            }
        }
        return found;
    }

    /** Signing names of every registered service, sorted. */
    public Set<String> names() {
        Set<String> all = new TreeSet<>(query.keySet());
        all.addAll(json.keySet());
        all.addAll(rest.keySet());
        return all;
    }
}
