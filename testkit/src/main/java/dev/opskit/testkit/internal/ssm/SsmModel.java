package dev.opskit.testkit.internal.ssm;

import dev.opskit.core.schedule.ScheduleExpression;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mutable state of LocalAws's SSM, guarded by the {@link SsmService} monitor: windows with
 * their targets, tasks and executions, and managed instances. Plain holders; the service keeps
 * the rules.
 */
final class SsmModel {
    private SsmModel() {
    }

    /** Everything of one account in one region. */
    static final class Scope {
        final String accountId;
        final String region;
        final Map<String, Window> windows = new LinkedHashMap<>();
        final Map<String, Instance> instances = new LinkedHashMap<>();
        final Map<String, Command> commands = new LinkedHashMap<>();
        /** Client token to the id it created and the request it came with. */
        final Map<String, Map.Entry<String, Map<String, Object>>> tokens = new LinkedHashMap<>();

        Scope(String accountId, String region) {
            this.accountId = accountId;
            this.region = region;
        }
    }

    static final class Window {
        final String id;
        final Scope scope;
        String name;
        String description;
        String scheduleText;
        ScheduleExpression schedule;
        String timezone;
        ZoneId zone;
        Integer offset;
        int duration;
        int cutoff;
        boolean allowUnassociatedTargets;
        boolean enabled = true;
        String startDate;
        String endDate;
        Instant start;
        Instant end;
        Instant created;
        Instant modified;
        /** When a rate counts from: the creation or last schedule change, or the start date. */
        Instant anchor;
        /** The next fire time, or null when the window will not fire again. */
        Instant next;
        final Map<String, Target> targets = new LinkedHashMap<>();
        final Map<String, Task> tasks = new LinkedHashMap<>();
        final List<Execution> executions = new ArrayList<>();

        Window(String id, Scope scope) {
            this.id = id;
            this.scope = scope;
        }
    }

    static final class Target {
        final String id;
        String resourceType;
        List<Map<String, Object>> targets;
        String ownerInformation;
        String name;
        String description;

        Target(String id) {
            this.id = id;
        }
    }

    static final class Task {
        final String id;
        String arn;
        String type;
        List<Map<String, Object>> targets;
        Map<String, Object> invocationParameters;
        Map<String, Object> taskParameters;
        String serviceRoleArn;
        int priority;
        String maxConcurrency;
        String maxErrors;
        String name;
        String description;
        String cutoffBehavior;
        long order;

        Task(String id) {
            this.id = id;
        }
    }

    /** The status and times an execution, a task execution and an invocation all report. */
    abstract static class Progress {
        String status = "PENDING";
        String statusDetails;
        Instant startTime;
        Instant endTime;
    }

    static final class Execution extends Progress {
        final String id;
        final String windowId;
        final List<TaskExecution> tasks = new ArrayList<>();

        Execution(String id, String windowId) {
            this.id = id;
            this.windowId = windowId;
        }
    }

    static final class TaskExecution extends Progress {
        final String id;
        final Execution execution;
        final String taskArn;
        final String taskType;
        final int priority;
        final String maxConcurrency;
        final String maxErrors;
        final Map<String, Object> invocationParameters;
        final Map<String, Object> taskParameters;
        final String serviceRoleArn;
        final String cutoffBehavior;
        final List<Invocation> invocations = new ArrayList<>();

        TaskExecution(String id, Execution execution, Task task) {
            this.id = id;
            this.execution = execution;
            this.taskArn = task.arn;
            this.taskType = task.type;
            this.priority = task.priority;
            this.maxConcurrency = task.maxConcurrency;
            this.maxErrors = task.maxErrors;
            this.invocationParameters = task.invocationParameters;
            this.taskParameters = task.taskParameters;
            this.serviceRoleArn = task.serviceRoleArn;
            this.cutoffBehavior = task.cutoffBehavior;
        }
    }

    static final class Invocation extends Progress {
        final String id;
        final TaskExecution task;
        final String windowTargetId;
        final String resourceId;
        String executionId;
        String parameters;
        String ownerInformation;

        Invocation(String id, TaskExecution task, String windowTargetId, String resourceId) {
            this.id = id;
            this.task = task;
            this.windowTargetId = windowTargetId;
            this.resourceId = resourceId;
        }
    }

    /** A local managed instance: an id and the directory its commands run in. */
    static final class Instance {
        final String id;
        final Path sandbox;
        final Map<String, String> tags;
        final Instant registered;

        Instance(String id, Path sandbox, Map<String, String> tags, Instant registered) {
            this.id = id;
            this.sandbox = sandbox;
            this.tags = Map.copyOf(tags);
            this.registered = registered;
        }
    }

    /** One Run Command command on one instance, as {@code GetCommandInvocation} reports it. */
    static final class Command {
        final String commandId;
        final String instanceId;
        final String documentName;
        final String comment;
        String status = "Pending";
        String statusDetails = "Pending";
        int responseCode = -1;
        String stdout = "";
        String stderr = "";
        Instant requested;
        Instant started;
        Instant ended;

        Command(String commandId, String instanceId, String documentName, String comment) {
            this.commandId = commandId;
            this.instanceId = instanceId;
            this.documentName = documentName;
            this.comment = comment;
        }
    }
}
