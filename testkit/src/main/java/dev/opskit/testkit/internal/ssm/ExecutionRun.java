package dev.opskit.testkit.internal.ssm;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.testkit.internal.ssm.SsmModel.Command;
import dev.opskit.testkit.internal.ssm.SsmModel.Execution;
import dev.opskit.testkit.internal.ssm.SsmModel.Instance;
import dev.opskit.testkit.internal.ssm.SsmModel.Invocation;
import dev.opskit.testkit.internal.ssm.SsmModel.Target;
import dev.opskit.testkit.internal.ssm.SsmModel.Task;
import dev.opskit.testkit.internal.ssm.SsmModel.TaskExecution;
import dev.opskit.testkit.internal.ssm.SsmModel.Window;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One execution of a maintenance window: its tasks in priority order (lower first, then in
 * registration order), each on its resolved targets with the task's max concurrency and max
 * errors. RUN_COMMAND tasks with {@code AWS-RunShellScript} really run on local instances; other
 * task types are recorded as failed invocations that say LocalAws does not run them.
 */
final class ExecutionRun {
    private static final String SHELL_DOCUMENT = "AWS-RunShellScript";
    /** Run Command's defaults when a task gives none. */
    private static final String DEFAULT_CONCURRENCY = "50";
    private static final String DEFAULT_ERRORS = "0";

    private final SsmService lock;
    private final Window window;
    private final Execution execution;
    private final CommandRunner commands;
    private final Clock clock;

    ExecutionRun(SsmService lock, Window window, Execution execution, CommandRunner commands, Clock clock) {
        this.lock = lock;
        this.window = window;
        this.execution = execution;
        this.commands = commands;
        this.clock = clock;
    }

    /** A resolved target of a task: the window target it came from (or null) and the resource. */
    private record Resource(String windowTargetId, String resourceId, String ownerInformation) {
    }

    void run() {
        List<Task> tasks;
        Instant cutoffAt;
        synchronized (lock) {
            execution.status = "IN_PROGRESS";
            tasks = new ArrayList<>(window.tasks.values());
            tasks.sort(Comparator.comparingInt((Task t) -> t.priority).thenComparingLong(t -> t.order));
            cutoffAt = execution.startTime.plus(Duration.ofHours(window.duration - window.cutoff));
        }
        if (tasks.isEmpty()) {
            finish("SUCCESS", "No tasks to execute.");
            return;
        }
        boolean failed = false;
        boolean cutOff = false;
        for (Task task : tasks) {
            if (Thread.currentThread().isInterrupted()) {
                finish("CANCELLED", "The maintenance window execution was cancelled because LocalAws stopped.");
                return;
            }
            if (!clock.instant().isBefore(cutoffAt)) {
                // SSM starts no new task after the cutoff.
                cutOff = true;
                break;
            }
            TaskExecution te;
            List<Resource> resources;
            synchronized (lock) {
                te = new TaskExecution(UUID.randomUUID().toString(), execution, task);
                te.status = "IN_PROGRESS";
                te.startTime = clock.instant();
                execution.tasks.add(te);
                resources = resolve(task);
            }
            String status = runTask(te, resources);
            failed |= !status.equals("SUCCESS");
        }
        if (cutOff) {
            finish("TIMED_OUT", "The maintenance window reached its cutoff before every task started.");
        } else if (failed) {
            finish("FAILED", "One or more tasks in the orchestration failed.");
        } else {
            finish("SUCCESS", null);
        }
    }

    private void finish(String status, String details) {
        synchronized (lock) {
            execution.status = status;
            execution.statusDetails = details;
            execution.endTime = clock.instant();
        }
    }

    @SuppressWarnings("unchecked")
    private List<Resource> resolve(Task task) {
        Map<String, Resource> out = new LinkedHashMap<>();
        for (Map<String, Object> t : task.targets) {
            List<Object> values = (List<Object>) t.get("Values");
            if ("WindowTargetIds".equals(t.get("Key"))) {
                for (Object id : values) {
                    Target target = window.targets.get(String.valueOf(id));
                    if (target != null) {
                        for (String r : resources(target.targets)) {
                            out.putIfAbsent(r, new Resource(target.id, r, target.ownerInformation));
                        }
                    }
                }
            } else {
                for (String r : resources(List.of(t))) {
                    out.putIfAbsent(r, new Resource(null, r, null));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    @SuppressWarnings("unchecked")
    private List<String> resources(List<Map<String, Object>> targets) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> t : targets) {
            String key = String.valueOf(t.get("Key"));
            List<String> values = ((List<Object>) t.get("Values")).stream().map(String::valueOf).toList();
            if (key.equals("InstanceIds")) {
                out.addAll(values);
            } else if (key.startsWith("tag:")) {
                String tag = key.substring(4);
                for (Instance i : window.scope.instances.values()) {
                    if (values.contains(i.tags.get(tag))) {
                        out.add(i.id);
                    }
                }
            } else if (key.equals("tag-key")) {
                for (Instance i : window.scope.instances.values()) {
                    if (values.stream().anyMatch(i.tags::containsKey)) {
                        out.add(i.id);
                    }
                }
            }
        }
        return out;
    }

    private String runTask(TaskExecution te, List<Resource> resources) {
        if (resources.isEmpty() && te.taskType.equals("RUN_COMMAND")) {
            return endTask(te, "SUCCESS", "No invocations to execute.");
        }
        if (resources.isEmpty()) {
            resources = List.of(new Resource(null, null, null));
        }
        int n = resources.size();
        int concurrency = limit(te.maxConcurrency != null ? te.maxConcurrency : DEFAULT_CONCURRENCY, n, true);
        int maxErrors = limit(te.maxErrors != null ? te.maxErrors : DEFAULT_ERRORS, n, false);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, n), r -> {
            Thread t = new Thread(r, "local-ssm-invocation");
            t.setDaemon(true);
            return t;
        });
        CompletionService<Boolean> done = new ExecutorCompletionService<>(pool);
        int launched = 0;
        int running = 0;
        int errors = 0;
        try {
            while (launched < n || running > 0) {
                while (launched < n && running < concurrency && errors <= maxErrors) {
                    Resource r = resources.get(launched++);
                    Invocation inv;
                    synchronized (lock) {
                        inv = new Invocation(UUID.randomUUID().toString(), te, r.windowTargetId(), r.resourceId());
                        inv.ownerInformation = r.ownerInformation();
                        te.invocations.add(inv);
                    }
                    done.submit(() -> invoke(inv));
                    running++;
                }
                if (running == 0) {
                    break;
                }
                boolean ok = done.take().get();
                running--;
                if (!ok) {
                    errors++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            return endTask(te, "CANCELLED", "LocalAws stopped while the task ran.");
        } catch (ExecutionException e) {
            return endTask(te, "FAILED", "LocalAws failed to run the task: " + e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (errors > maxErrors) {
            return endTask(te, "FAILED", "The task exceeded its max errors (" + te.maxErrors + "): " + errors
                    + " of " + launched + " invocations failed; " + (n - launched) + " were not started.");
        }
        if (errors > 0) {
            return endTask(te, "FAILED", errors + " of " + n + " invocations failed.");
        }
        return endTask(te, "SUCCESS", null);
    }

    private String endTask(TaskExecution te, String status, String details) {
        synchronized (lock) {
            te.status = status;
            te.statusDetails = details;
            te.endTime = clock.instant();
        }
        return status;
    }

    /** A max-concurrency or max-errors value, a count or a percentage of {@code n} targets. */
    static int limit(String value, int n, boolean concurrency) {
        if (value.endsWith("%")) {
            int pct = Integer.parseInt(value.substring(0, value.length() - 1));
            int v = concurrency ? (int) Math.ceil(n * pct / 100.0) : (int) Math.floor(n * pct / 100.0);
            return concurrency ? Math.max(1, v) : v;
        }
        return Integer.parseInt(value);
    }

    private boolean invoke(Invocation inv) {
        TaskExecution te = inv.task;
        synchronized (lock) {
            inv.status = "IN_PROGRESS";
            inv.startTime = clock.instant();
        }
        if (!te.taskType.equals("RUN_COMMAND")) {
            return endInvocation(inv, "FAILED", "LocalAws records " + te.taskType + " tasks but does not run them ("
                    + te.taskArn + "); use a RUN_COMMAND task with AWS-RunShellScript to run something locally.");
        }
        Map<String, Object> runCommand = runCommandParameters(te);
        Map<String, List<String>> parameters = documentParameters(te, runCommand);
        String commandId = UUID.randomUUID().toString();
        Instance instance;
        Command command;
        synchronized (lock) {
            inv.executionId = commandId;
            inv.parameters = parametersJson(te, runCommand, parameters, inv.resourceId);
            instance = window.scope.instances.get(inv.resourceId);
            command = new Command(commandId, inv.resourceId, te.taskArn,
                    runCommand.get("Comment") instanceof String s ? s : null);
            command.requested = clock.instant();
            window.scope.commands.put(commandId + "/" + inv.resourceId, command);
        }
        if (instance == null) {
            setCommand(command, "Undeliverable", "Undeliverable");
            return endInvocation(inv, "FAILED", "Instance " + inv.resourceId + " is not a managed instance of LocalAws"
                    + " in " + window.scope.accountId + "/" + window.scope.region
                    + "; register it with LocalAws's instances() first.");
        }
        if (!SHELL_DOCUMENT.equals(te.taskArn)) {
            setCommand(command, "Failed", "Failed");
            return endInvocation(inv, "FAILED", "LocalAws runs only the AWS-RunShellScript document, not "
                    + te.taskArn + ".");
        }
        List<String> lines = parameters.getOrDefault("commands", List.of());
        Duration timeout = CommandRunner.DEFAULT_TIMEOUT;
        List<String> t = parameters.get("executionTimeout");
        if (t != null && !t.isEmpty() && t.get(0).matches("\\d{1,6}")) {
            timeout = Duration.ofSeconds(Long.parseLong(t.get(0)));
        }
        commands.run(lock, command, instance, lines, timeout);
        String status;
        synchronized (lock) {
            status = command.status;
        }
        return switch (status) {
            case "Success" -> endInvocation(inv, "SUCCESS", "Success");
            case "TimedOut" -> endInvocation(inv, "TIMED_OUT", "ExecutionTimedOut");
            case "Cancelled" -> endInvocation(inv, "CANCELLED", "Cancelled");
            default -> endInvocation(inv, "FAILED", "Failed");
        };
    }

    private void setCommand(Command c, String status, String details) {
        synchronized (lock) {
            c.status = status;
            c.statusDetails = details;
            c.ended = clock.instant();
        }
    }

    private boolean endInvocation(Invocation inv, String status, String details) {
        synchronized (lock) {
            inv.status = status;
            inv.statusDetails = details;
            inv.endTime = clock.instant();
        }
        return status.equals("SUCCESS");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runCommandParameters(TaskExecution te) {
        if (te.invocationParameters != null && te.invocationParameters.get("RunCommand") instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        return Map.of();
    }

    /** Document parameters from the invocation parameters, or from the legacy TaskParameters. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> documentParameters(TaskExecution te, Map<String, Object> runCommand) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (runCommand.get("Parameters") instanceof Map<?, ?> p) {
            ((Map<String, Object>) p).forEach((k, v) -> out.put(k, strings(v)));
        } else if (te.taskParameters != null) {
            te.taskParameters.forEach((k, v) -> out.put(k,
                    v instanceof Map<?, ?> m ? strings(m.get("Values")) : strings(v)));
        }
        return out;
    }

    private static List<String> strings(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return v == null ? List.of() : List.of(String.valueOf(v));
    }

    private static String parametersJson(TaskExecution te, Map<String, Object> runCommand,
            Map<String, List<String>> parameters, String instanceId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("comment", runCommand.getOrDefault("Comment", ""));
        m.put("documentName", te.taskArn);
        m.put("instanceIds", List.of(instanceId));
        m.put("maxConcurrency", te.maxConcurrency);
        m.put("maxErrors", te.maxErrors);
        m.put("parameters", parameters);
        m.put("timeoutSeconds", runCommand.getOrDefault("TimeoutSeconds", 600));
        try {
            return JSON.std.asString(m);
        } catch (IOException e) {
            return "{}";
        }
    }
}
