package dev.opskit.testkit;

import static dev.opskit.testkit.ServiceModel.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.JsonRequest;
import dev.opskit.testkit.internal.ssm.SsmErrors;
import dev.opskit.testkit.internal.server.Ticker;
import dev.opskit.testkit.internal.ssm.SsmService;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks LocalAws's SSM against the botocore SSM model installed on the machine (skipped without
 * it): the operations exist, each operation answers only error codes the model declares for it,
 * and every required member is enforced with SSM's {@code ValidationException}.
 */
class SsmModelConformanceTest {
    /** Errors every awsJson operation may answer with, which the model does not list per operation. */
    private static final Set<String> COMMON = Set.of("ValidationException", "SerializationException",
            "UnknownOperationException");
    private static final String UNKNOWN_WINDOW = "mw-0123456789abcdef0";
    private static final String UNKNOWN_INSTANCE = "i-0123456789abcdef0";

    private static ServiceModel model;

    @TempDir
    Path dataDir;
    private Ticker ticker;
    private SsmService ssm;

    @BeforeAll
    static void load() throws Exception {
        model = ServiceModel.load("ssm", "2014-11-06");
    }

    @BeforeEach
    void start() {
        ticker = new Ticker(Clock.systemUTC());
        ssm = new SsmService(ticker, dataDir);
    }

    @AfterEach
    void stop() {
        ssm.close();
        ticker.close();
    }

    private static Set<String> declaredErrors(String op) {
        Set<String> out = new TreeSet<>(COMMON);
        model.errorShapes(op).forEach(name -> out.add(model.errorCode(name)));
        return out;
    }

    /** A well-formed value for each required member, naming nothing that exists. */
    private static Object unknownValue(String member) {
        return switch (member) {
            case "Name" -> "conformance-window";
            case "Schedule" -> "rate(1 day)";
            case "Duration" -> 2;
            case "Cutoff" -> 1;
            case "AllowUnassociatedTargets" -> true;
            case "WindowId" -> UNKNOWN_WINDOW;
            case "ResourceType" -> "INSTANCE";
            case "Targets" -> List.of(Map.of("Key", "InstanceIds", "Values", List.of(UNKNOWN_INSTANCE)));
            case "TaskArn" -> "AWS-RunShellScript";
            case "TaskType" -> "RUN_COMMAND";
            case "InstanceId" -> UNKNOWN_INSTANCE;
            case "WindowTargetId", "WindowTaskId", "WindowExecutionId", "TaskId", "InvocationId", "CommandId" ->
                    UUID.randomUUID().toString();
            default -> throw new AssertionError("no test value for required member " + member);
        };
    }

    private Object call(String op, Map<String, Object> body) {
        return ssm.handle(new JsonRequest("ssm", op, body, "111111111111", "us-east-1", "AKIDCONFORMANCE",
                UUID.randomUUID().toString(), Instant.now()));
    }

    /** The error a call answers, or null if it succeeds. */
    private AwsError error(String op, Map<String, Object> body) {
        try {
            call(op, body);
            return null;
        } catch (AwsError e) {
            return e;
        }
    }

    private Map<String, Object> withAllRequired(String op) {
        Map<String, Object> body = new LinkedHashMap<>();
        model.requiredMembers(op).forEach(m -> body.put(m, unknownValue(m)));
        return body;
    }

    @Test
    void everyImplementedOperationExistsInTheModel() {
        assertThat(model.operationNames()).containsAll(SsmService.OPERATIONS);
        Map<String, Object> metadata = model.metadata();
        assertThat(metadata.get("targetPrefix")).isEqualTo(ssm.targetPrefix());
        assertThat(metadata.get("endpointPrefix")).isEqualTo(ssm.signingName());
        assertThat(metadata.get("protocol")).isEqualTo("json");
    }

    @Test
    void everyErrorCodeLocalAwsCanAnswerIsDeclaredByTheModel() throws Exception {
        Set<String> declared = new HashSet<>();
        SsmService.OPERATIONS.forEach(op -> declared.addAll(declaredErrors(op)));
        List<String> emitted = new ArrayList<>();
        for (Field f : SsmErrors.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                emitted.add((String) f.get(null));
            }
        }
        assertThat(emitted).hasSizeGreaterThan(5);
        assertThat(declared).containsAll(emitted);
    }

    @Test
    void eachOperationAnswersOnlyTheErrorsTheModelDeclaresForIt() {
        Map<String, Set<String>> seen = new TreeMap<>();
        // Every operation with well-formed but unknown ids: it succeeds or answers a declared error.
        for (String op : SsmService.OPERATIONS) {
            record(seen, op, error(op, withAllRequired(op)));
        }
        // The error paths that need some state first.
        String windowId = (String) map(call("CreateMaintenanceWindow", withAllRequired("CreateMaintenanceWindow")))
                .get("WindowId");
        Map<String, Object> target = new LinkedHashMap<>(withAllRequired("RegisterTargetWithMaintenanceWindow"));
        target.put("WindowId", windowId);
        target.put("ClientToken", "token-1");
        String targetId = (String) map(call("RegisterTargetWithMaintenanceWindow", target)).get("WindowTargetId");
        target.put("OwnerInformation", "someone else");
        record(seen, "RegisterTargetWithMaintenanceWindow", error("RegisterTargetWithMaintenanceWindow", target));
        Map<String, Object> task = new LinkedHashMap<>(withAllRequired("RegisterTaskWithMaintenanceWindow"));
        task.put("WindowId", windowId);
        task.put("Targets", List.of(Map.of("Key", "WindowTargetIds", "Values", List.of(targetId))));
        call("RegisterTaskWithMaintenanceWindow", task);
        record(seen, "DeregisterTargetFromMaintenanceWindow", error("DeregisterTargetFromMaintenanceWindow",
                Map.of("WindowId", windowId, "WindowTargetId", targetId, "Safe", true)));
        record(seen, "DescribeInstanceInformation", error("DescribeInstanceInformation",
                Map.of("NextToken", "not-a-token")));
        for (int i = 1; i <= 50; i++) {
            Map<String, Object> window = new LinkedHashMap<>(withAllRequired("CreateMaintenanceWindow"));
            window.put("Name", "quota-" + i);
            record(seen, "CreateMaintenanceWindow", error("CreateMaintenanceWindow", window));
        }
        ssm.close();
        ticker.close();
        for (String op : SsmService.OPERATIONS) {
            record(seen, op, error(op, withAllRequired(op)));
        }

        seen.forEach((op, codes) -> assertThat(declaredErrors(op)).as(op).containsAll(codes));
        Set<String> all = new TreeSet<>();
        seen.values().forEach(all::addAll);
        // Every specific error LocalAws has was provoked above, so the check covers them all.
        assertThat(all).contains(SsmErrors.DOES_NOT_EXIST, SsmErrors.RESOURCE_LIMIT_EXCEEDED,
                SsmErrors.IDEMPOTENT_PARAMETER_MISMATCH, SsmErrors.TARGET_IN_USE, SsmErrors.INVOCATION_DOES_NOT_EXIST,
                SsmErrors.INVALID_NEXT_TOKEN, SsmErrors.INTERNAL_SERVER_ERROR);
    }

    private static void record(Map<String, Set<String>> seen, String op, AwsError e) {
        if (e != null) {
            assertThat(e.getMessage()).as(op + " with every required member").doesNotContain("Value null at");
            seen.computeIfAbsent(op, k -> new TreeSet<>()).add(e.code());
        }
    }

    @Test
    void everyRequiredMemberIsEnforcedWithAValidationErrorNamingIt() {
        int checked = 0;
        for (String op : SsmService.OPERATIONS) {
            for (String omitted : model.requiredMembers(op)) {
                Map<String, Object> body = withAllRequired(op);
                body.remove(omitted);

                AwsError e = error(op, body);

                String member = Character.toLowerCase(omitted.charAt(0)) + omitted.substring(1);
                assertThat(e).as(op + " without " + omitted).isNotNull();
                assertThat(e.code()).as(op + " without " + omitted).isEqualTo("ValidationException");
                assertThat(e.httpStatus()).isEqualTo(400);
                assertThat(e.getMessage()).isEqualTo("1 validation error detected: Value null at '" + member
                        + "' failed to satisfy constraint: Member must not be null");
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(30);
    }

    @Test
    void severalMissingMembersAreNamedTogether() {
        AwsError e = error("CreateMaintenanceWindow", Map.of("Name", "w-1"));

        assertThat(e.code()).isEqualTo("ValidationException");
        assertThat(e.getMessage()).startsWith("4 validation errors detected: ")
                .contains("'schedule'", "'duration'", "'cutoff'", "'allowUnassociatedTargets'");
    }
}
