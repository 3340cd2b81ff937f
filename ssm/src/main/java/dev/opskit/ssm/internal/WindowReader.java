package dev.opskit.ssm.internal;

import dev.opskit.ssm.Execution;
import dev.opskit.ssm.Invocation;
import dev.opskit.ssm.TaskRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowExecution;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowExecutionTaskIdentity;
import software.amazon.awssdk.services.ssm.model.MaintenanceWindowExecutionTaskInvocationIdentity;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** Reads executions with their tasks, invocations and command output. */
public final class WindowReader {
    private final SsmClient ssm;

    /** @param ssm the client */
    public WindowReader(SsmClient ssm) {
        this.ssm = ssm;
    }

    /**
     * @param windowId the window
     * @return its execution summaries, newest first
     */
    public List<MaintenanceWindowExecution> summaries(String windowId) {
        return SsmErrors.call("list the executions of " + windowId, windowId, () -> {
            List<MaintenanceWindowExecution> out = new ArrayList<>();
            ssm.describeMaintenanceWindowExecutionsPaginator(b -> b.windowId(windowId))
                    .forEach(p -> out.addAll(p.windowExecutions()));
            return out;
        });
    }

    /**
     * @param e an execution summary
     * @return the execution with its tasks, invocations and outputs
     */
    public Execution read(MaintenanceWindowExecution e) {
        List<TaskRun> tasks = new ArrayList<>();
        String id = e.windowExecutionId();
        List<MaintenanceWindowExecutionTaskIdentity> identities = SsmErrors.call("list the tasks of execution " + id, id,
                () -> ssm.describeMaintenanceWindowExecutionTasks(b -> b.windowExecutionId(id))
                        .windowExecutionTaskIdentities());
        for (MaintenanceWindowExecutionTaskIdentity t : identities) {
            List<Invocation> invocations = new ArrayList<>();
            List<MaintenanceWindowExecutionTaskInvocationIdentity> list = SsmErrors.call(
                    "list the invocations of task " + t.taskExecutionId(), t.taskExecutionId(), () -> {
                        List<MaintenanceWindowExecutionTaskInvocationIdentity> all = new ArrayList<>();
                        ssm.describeMaintenanceWindowExecutionTaskInvocationsPaginator(
                                b -> b.windowExecutionId(id).taskId(t.taskExecutionId()))
                                .forEach(p -> all.addAll(p.windowExecutionTaskInvocationIdentities()));
                        return all;
                    });
            for (MaintenanceWindowExecutionTaskInvocationIdentity i : list) {
                String instance = instanceId(i.parameters());
                Optional<Invocation.CommandOutput> output = Optional.empty();
                if ("RUN_COMMAND".equals(i.taskTypeAsString()) && i.executionId() != null && instance != null) {
                    output = output(i.executionId(), instance);
                }
                invocations.add(new Invocation(i.invocationId(), i.executionId(), i.windowTargetId(), instance,
                        i.statusAsString(), i.statusDetails(), i.startTime(), i.endTime(), output));
            }
            tasks.add(new TaskRun(t.taskExecutionId(), t.taskArn(), t.taskTypeAsString(), t.statusAsString(),
                    t.statusDetails(), t.startTime(), t.endTime(), invocations));
        }
        return new Execution(id, e.statusAsString(), e.statusDetails(), e.startTime(), e.endTime(), tasks);
    }

    private Optional<Invocation.CommandOutput> output(String commandId, String instanceId) {
        try {
            GetCommandInvocationResponse r = ssm.getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId));
            return Optional.of(new Invocation.CommandOutput(nonNull(r.standardOutputContent()),
                    nonNull(r.standardErrorContent()), r.responseCode() == null ? -1 : r.responseCode(),
                    r.statusAsString()));
        } catch (SsmException e) {
            // The invocation never reached the instance (e.g. undeliverable): no output to show.
            return Optional.empty();
        }
    }

    /** The instance of a Run Command invocation, from its {@code instanceIds} parameter. */
    static String instanceId(String parameters) {
        if (parameters == null || parameters.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JsonNode.parser().parse(parameters);
            JsonNode ids = node.isObject() ? node.asObject().get("instanceIds") : null;
            if (ids != null && ids.isArray() && !ids.asArray().isEmpty()) {
                return ids.asArray().get(0).text();
            }
        } catch (RuntimeException e) {
            // Not JSON we understand: no instance.
        }
        return null;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
