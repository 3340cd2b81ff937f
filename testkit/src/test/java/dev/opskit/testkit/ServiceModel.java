package dev.opskit.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A botocore service model installed on the machine ({@code service-2.json}), with the look-ups
 * the conformance tests make.
 *
 * <pre>{@code
 * ServiceModel rds = ServiceModel.load("rds", "2014-10-31"); // skips the test class without botocore
 * List<String> required = rds.requiredMembers("CreateDBCluster");
 * }</pre>
 */
public final class ServiceModel {
    private static final Path BOTOCORE = Path.of("/usr/lib/python3/dist-packages/botocore/data");

    private final Map<String, Object> model;

    private ServiceModel(Map<String, Object> model) {
        this.model = model;
    }

    /** Loads the model of {@code service} at API {@code version}; skips the calling test when it is not installed. */
    public static ServiceModel load(String service, String version) throws IOException {
        Path file = BOTOCORE.resolve(service).resolve(version).resolve("service-2.json");
        assumeTrue(Files.exists(file),
                "botocore " + service + " model not installed at " + file + " (apt-get install python3-botocore)");
        return new ServiceModel(JSON.std.mapFrom(Files.readString(file)));
    }

    /** Casts a JSON object of the model. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** The model's {@code metadata} object. */
    public Map<String, Object> metadata() {
        return map(model.get("metadata"));
    }

    /** The names of all the model's operations. */
    public Set<String> operationNames() {
        return map(model.get("operations")).keySet();
    }

    /** The names of all the model's shapes. */
    public Set<String> shapeNames() {
        return map(model.get("shapes")).keySet();
    }

    /** One operation, or null if the model has none by that name. */
    public Map<String, Object> operation(String name) {
        return map(map(model.get("operations")).get(name));
    }

    /** One shape, or null if the model has none by that name. */
    public Map<String, Object> shape(String name) {
        return map(map(model.get("shapes")).get(name));
    }

    /** The error code an error shape is answered with: its {@code error.code}, else its name. */
    public String errorCode(String shapeName) {
        Map<String, Object> error = map(shape(shapeName).get("error"));
        return error != null && error.get("code") != null ? (String) error.get("code") : shapeName;
    }

    /** The error shapes the model lists for operation {@code op}. */
    @SuppressWarnings("unchecked")
    public List<String> errorShapes(String op) {
        return ((List<Object>) operation(op).getOrDefault("errors", List.of())).stream()
                .map(e -> (String) map(e).get("shape")).toList();
    }

    /** The required members of operation {@code op}'s input shape. */
    @SuppressWarnings("unchecked")
    public List<String> requiredMembers(String op) {
        Map<String, Object> input = shape((String) map(operation(op).get("input")).get("shape"));
        return (List<String>) input.getOrDefault("required", List.of());
    }
}
