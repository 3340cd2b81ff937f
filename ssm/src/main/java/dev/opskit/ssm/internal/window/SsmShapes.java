package dev.opskit.ssm.internal.window;

import dev.opskit.ssm.Target;
import dev.opskit.ssm.Task;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowAutomationParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowLambdaParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowRunCommandParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowStepFunctionsParameters;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTaskCutoffBehavior;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowTaskInvocationParameters;

/** opskit's targets and tasks in the SDK's shapes, as they are sent and as SSM answers them. */
final class SsmShapes {
    private SsmShapes() {
    }

    static software.amazon.awssdk.services.ssm.model.Target target(Target t) {
        return software.amazon.awssdk.services.ssm.model.Target.builder().key(t.key()).values(t.values()).build();
    }

    /**
     * The targets a task is registered with: the window targets it runs on, by id.
     *
     * @param declared every declared target name, in order (a task with no names runs on all)
     * @param ids the ids known so far, by name
     * @return the targets, or empty if a target it runs on has no id yet (a plan, before the
     *     targets step registered it)
     */
    static Optional<List<software.amazon.awssdk.services.ssm.model.Target>> taskTargets(Task t, List<String> declared,
            Map<String, String> ids) {
        List<String> names = t.targetNames().isEmpty() ? declared : t.targetNames();
        if (names.isEmpty()) {
            return Optional.of(List.of());
        }
        if (!ids.keySet().containsAll(names)) {
            return Optional.empty();
        }
        return Optional.of(List.of(software.amazon.awssdk.services.ssm.model.Target.builder().key("WindowTargetIds")
                .values(names.stream().map(ids::get).toList()).build()));
    }

    /** Always sent, so that a task going back to CONTINUE_TASK is updated too; SSM may omit the default when read. */
    static MaintenanceWindowTaskCutoffBehavior cutoffBehavior(Task t) {
        return t.cancelsAtCutoff() ? MaintenanceWindowTaskCutoffBehavior.CANCEL_TASK
                : MaintenanceWindowTaskCutoffBehavior.CONTINUE_TASK;
    }

    static MaintenanceWindowTaskInvocationParameters invocationParameters(Task t) {
        MaintenanceWindowTaskInvocationParameters.Builder b = MaintenanceWindowTaskInvocationParameters.builder();
        switch (t.type()) {
            case RUN_COMMAND -> b.runCommand(MaintenanceWindowRunCommandParameters.builder()
                    .parameters(t.parameters().isEmpty() ? null : t.parameters())
                    .timeoutSeconds(t.timeoutSeconds()).build());
            case AUTOMATION -> b.automation(MaintenanceWindowAutomationParameters.builder()
                    .parameters(t.parameters().isEmpty() ? null : t.parameters()).build());
            case LAMBDA -> b.lambda(MaintenanceWindowLambdaParameters.builder()
                    .payload(t.payload() == null ? null : SdkBytes.fromUtf8String(t.payload())).build());
            case STEP_FUNCTIONS -> b.stepFunctions(MaintenanceWindowStepFunctionsParameters.builder()
                    .input(t.payload()).build());
            default -> throw new IllegalStateException(t.type().name());
        }
        return b.build();
    }
}
