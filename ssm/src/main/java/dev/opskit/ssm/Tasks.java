package dev.opskit.ssm;

import java.util.List;
import java.util.Map;

/**
 * Factories of maintenance-window {@link Task}s. Each is named after what it runs unless
 * {@link Task#named renamed}, has priority 1, max concurrency "1" and max errors "1".
 *
 * <pre>{@code
 * Tasks.runCommand("AWS-RunShellScript").commands("ls").priority(10)
 * Tasks.automation("AWS-RestartEC2Instance").parameter("InstanceId", "{{TARGET_ID}}")
 * Tasks.lambda("arn:aws:lambda:us-east-1:111111111111:function:rotate").payload("{}")
 * Tasks.stepFunctions("arn:aws:states:us-east-1:111111111111:stateMachine:drain").payload("{}")
 * }</pre>
 */
public final class Tasks {
    private Tasks() {
    }

    /**
     * @param document a Run Command document, e.g. {@code AWS-RunShellScript}
     * @return a RUN_COMMAND task
     */
    public static Task runCommand(String document) {
        return of(TaskType.RUN_COMMAND, document);
    }

    /**
     * @param runbook an Automation runbook, e.g. {@code AWS-RestartEC2Instance}
     * @return an AUTOMATION task
     */
    public static Task automation(String runbook) {
        return of(TaskType.AUTOMATION, runbook);
    }

    /**
     * @param functionArn the function's ARN
     * @return a LAMBDA task
     */
    public static Task lambda(String functionArn) {
        return of(TaskType.LAMBDA, functionArn);
    }

    /**
     * @param stateMachineArn the state machine's ARN
     * @return a STEP_FUNCTIONS task
     */
    public static Task stepFunctions(String stateMachineArn) {
        return of(TaskType.STEP_FUNCTIONS, stateMachineArn);
    }

    private static Task of(TaskType type, String arn) {
        String base = arn == null ? "" : arn.substring(arn.lastIndexOf(':') + 1).replaceAll("[^a-zA-Z0-9_.-]", "-");
        String name = base.length() < 3 ? type.name().toLowerCase().replace('_', '-') + "-task" : base;
        return new Task(type, arn, name.length() > 128 ? name.substring(0, 128) : name, 1, "1", "1", List.of(),
                Map.of(), null, null, null, false);
    }
}
