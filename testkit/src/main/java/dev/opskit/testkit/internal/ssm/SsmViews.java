package dev.opskit.testkit.internal.ssm;

import dev.opskit.testkit.internal.ssm.SsmModel.Execution;
import dev.opskit.testkit.internal.ssm.SsmModel.Instance;
import dev.opskit.testkit.internal.ssm.SsmModel.Invocation;
import dev.opskit.testkit.internal.ssm.SsmModel.Progress;
import dev.opskit.testkit.internal.ssm.SsmModel.Target;
import dev.opskit.testkit.internal.ssm.SsmModel.Task;
import dev.opskit.testkit.internal.ssm.SsmModel.TaskExecution;
import dev.opskit.testkit.internal.ssm.SsmModel.Window;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SSM resources as the awsJson1_1 shapes of the 2014-11-06 model, the counterpart of RDS's
 * {@code RdsXml}: each view is a map of members in the model's order, with absent optional
 * members left out. {@code full} picks the Get* shape over the Describe* summary where they differ.
 */
final class SsmViews {
    private static final DateTimeFormatter NEXT_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mmXXX");

    private SsmViews() {
    }

    static Map<String, Object> window(Window w, boolean full) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("WindowId", w.id);
        m.put("Name", w.name);
        putIf(m, "Description", w.description);
        if (full) {
            putIf(m, "StartDate", w.startDate);
            putIf(m, "EndDate", w.endDate);
        }
        m.put("Schedule", w.scheduleText);
        putIf(m, "ScheduleTimezone", w.timezone);
        putIf(m, "ScheduleOffset", w.offset);
        if (w.next != null && w.enabled) {
            m.put("NextExecutionTime", NEXT_FORMAT.format(w.next.atZone(w.zone)));
        }
        m.put("Duration", w.duration);
        m.put("Cutoff", w.cutoff);
        if (full) {
            m.put("AllowUnassociatedTargets", w.allowUnassociatedTargets);
        }
        m.put("Enabled", w.enabled);
        if (!full) {
            putIf(m, "StartDate", w.startDate);
            putIf(m, "EndDate", w.endDate);
        } else {
            m.put("CreatedDate", epoch(w.created));
            m.put("ModifiedDate", epoch(w.modified));
        }
        return m;
    }

    static Map<String, Object> target(Window w, Target t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("WindowId", w.id);
        m.put("WindowTargetId", t.id);
        m.put("ResourceType", t.resourceType);
        m.put("Targets", t.targets);
        putIf(m, "OwnerInformation", t.ownerInformation);
        putIf(m, "Name", t.name);
        putIf(m, "Description", t.description);
        return m;
    }

    static Map<String, Object> task(Window w, Task t, boolean full) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("WindowId", w.id);
        m.put("WindowTaskId", t.id);
        m.put("TaskArn", t.arn);
        m.put(full ? "TaskType" : "Type", t.type);
        m.put("Targets", t.targets);
        putIf(m, "TaskParameters", t.taskParameters);
        if (full) {
            putIf(m, "TaskInvocationParameters", t.invocationParameters);
        }
        m.put("Priority", t.priority);
        putIf(m, "ServiceRoleArn", t.serviceRoleArn);
        putIf(m, "MaxConcurrency", t.maxConcurrency);
        putIf(m, "MaxErrors", t.maxErrors);
        putIf(m, "Name", t.name);
        putIf(m, "Description", t.description);
        putIf(m, "CutoffBehavior", t.cutoffBehavior);
        return m;
    }

    static Map<String, Object> execution(Execution e, boolean full) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("WindowExecutionId", e.id);
        if (full) {
            m.put("TaskIds", e.tasks.stream().map(t -> t.id).toList());
        } else {
            m.put("WindowId", e.windowId);
        }
        putProgress(m, e);
        return m;
    }

    static Map<String, Object> taskExecution(TaskExecution t, boolean full) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("WindowExecutionId", t.execution.id);
        m.put("TaskExecutionId", t.id);
        m.put("TaskArn", t.taskArn);
        if (full) {
            putIf(m, "ServiceRole", t.serviceRoleArn);
            m.put("Type", t.taskType);
            putIf(m, "TaskParameters", t.taskParameters == null ? null : List.of(t.taskParameters));
            m.put("Priority", t.priority);
            putIf(m, "MaxConcurrency", t.maxConcurrency);
            putIf(m, "MaxErrors", t.maxErrors);
        } else {
            m.put("TaskType", t.taskType);
        }
        putProgress(m, t);
        return m;
    }

    static Map<String, Object> invocation(Invocation i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("WindowExecutionId", i.task.execution.id);
        m.put("TaskExecutionId", i.task.id);
        m.put("InvocationId", i.id);
        putIf(m, "ExecutionId", i.executionId);
        m.put("TaskType", i.task.taskType);
        putIf(m, "Parameters", i.parameters);
        putProgress(m, i);
        putIf(m, "OwnerInformation", i.ownerInformation);
        putIf(m, "WindowTargetId", i.windowTargetId);
        return m;
    }

    /** A local managed instance, online as of {@code now}. */
    static Map<String, Object> instance(Instance i, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("InstanceId", i.id);
        m.put("PingStatus", "Online");
        m.put("LastPingDateTime", epoch(now));
        m.put("AgentVersion", "3.3.0.0");
        m.put("IsLatestVersion", true);
        m.put("PlatformType", "Linux");
        m.put("PlatformName", "LocalAws sandbox");
        m.put("PlatformVersion", System.getProperty("os.version", ""));
        m.put("RegistrationDate", epoch(i.registered));
        m.put("ResourceType", "EC2Instance");
        m.put("ComputerName", i.id + ".localaws");
        m.put("IPAddress", "127.0.0.1");
        return m;
    }

    /** A timestamp as awsJson1_1 carries it: seconds since the epoch, with milliseconds. */
    static Double epoch(Instant i) {
        return i == null ? null : i.toEpochMilli() / 1000.0;
    }

    private static void putProgress(Map<String, Object> m, Progress p) {
        m.put("Status", p.status);
        putIf(m, "StatusDetails", p.statusDetails);
        putIf(m, "StartTime", epoch(p.startTime));
        putIf(m, "EndTime", epoch(p.endTime));
    }

    private static void putIf(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
