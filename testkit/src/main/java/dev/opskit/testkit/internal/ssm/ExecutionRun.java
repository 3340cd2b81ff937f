package dev.opskit.testkit.internal.ssm;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.testkit.internal.lambda.LambdaService;
import dev.opskit.testkit.internal.lambda.LambdaTasks;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.ssm.SsmModel.Command;
import dev.opskit.testkit.internal.ssm.SsmModel.Execution;
import dev.opskit.testkit.internal.ssm.SsmModel.Instance;
import dev.opskit.testkit.internal.ssm.SsmModel.Invocation;
import dev.opskit.testkit.internal.ssm.SsmModel.Progress;
import dev.opskit.testkit.internal.ssm.SsmModel.Target;
import dev.opskit.testkit.internal.ssm.SsmModel.Task;
import dev.opskit.testkit.internal.ssm.SsmModel.TaskExecution;
import dev.opskit.testkit.internal.ssm.SsmModel.Window;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * One execution of a maintenance window: its tasks in priority order, lower first, the tasks of
 * one priority at the same time as SSM runs them; each task on its resolved targets with the
 * task's max concurrency and max errors. RUN_COMMAND tasks with {@code AWS-RunShellScript} really
 * run on local instances, LAMBDA tasks invoke the function on this LocalAws; other task types are
 * recorded as failed invocations that say LocalAws does not run them.
 *
 * <p>Time comes from the LocalAws clock: no task starts after the window's cutoff
 * ({@code duration - cutoff} hours after the start); a command still running at the window's
 * end, or at the cutoff for a CANCEL_TASK task, is stopped and its invocation, task and the
 * execution end TIMED_OUT.
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
    private Instant cutoffAt;
    private Instant endAt;

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
        Map<Integer, List<Task>> byPriority = new TreeMap<>();
        synchronized (lock) {
            execution.status = "IN_PROGRESS";
            List<Task> tasks = new ArrayList<>(window.tasks.values());
            tasks.sort(Comparator.comparingLong(t -> t.order));
            tasks.forEach(t -> byPriority.computeIfAbsent(t.priority, k -> new ArrayList<>()).add(t));
            cutoffAt = execution.startTime.plus(Duration.ofHours(window.duration - window.cutoff));
            endAt = execution.startTime.plus(Duration.ofHours(window.duration));
        }
        if (byPriority.isEmpty()) {
            finish("SUCCESS", "No tasks to execute.");
            return;
        }
        Set<String> statuses = new HashSet<>();
        for (List<Task> group : byPriority.values()) {
            if (Thread.currentThread().isInterrupted()) {
                finish("CANCELLED", "The maintenance window execution was cancelled because LocalAws stopped.");
                return;
            }
            if (!clock.instant().isBefore(cutoffAt)) {
                finish("TIMED_OUT", "The maintenance window reached its cutoff before every task started.");
                return;
            }
            try {
                statuses.addAll(runTogether(group));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finish("CANCELLED", "The maintenance window execution was cancelled because LocalAws stopped.");
                return;
            }
        }
        if (statuses.contains("TIMED_OUT")) {
            finish("TIMED_OUT", "One or more tasks were stopped because the maintenance window ran out of time.");
        } else if (!statuses.equals(Set.of("SUCCESS"))) {
            finish("FAILED", "One or more tasks in the orchestration failed.");
        } else {
            finish("SUCCESS", null);
        }
    }

    /** Starts the tasks of one priority together and waits for all of them; returns their statuses. */
    private List<String> runTogether(List<Task> group) throws InterruptedException {
        List<Map.Entry<TaskExecution, List<Resource>>> started = new ArrayList<>();
        synchronized (lock) {
            for (Task task : group) {
                TaskExecution te = new TaskExecution(UUID.randomUUID().toString(), execution, task);
                te.status = "IN_PROGRESS";
                te.startTime = clock.instant();
                execution.tasks.add(te);
                started.add(Map.entry(te, resolve(task)));
            }
        }
        if (started.size() == 1) {
            return List.of(runTask(started.get(0).getKey(), started.get(0).getValue()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(started.size(),
                new ThreadFactoryBuilder().threadNamePrefix("local-ssm-task").daemonThreads(true).build());
        try {
            List<Future<String>> running = new ArrayList<>();
            for (Map.Entry<TaskExecution, List<Resource>> t : started) {
                running.add(pool.submit(() -> runTask(t.getKey(), t.getValue())));
            }
            List<String> out = new ArrayList<>();
            for (Future<String> f : running) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("LocalAws failed to run a maintenance window task", e.getCause());
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private void finish(String status, String details) {
        end(execution, status, details);
    }

    /** Records how something ended; returns its status. */
    private String end(Progress p, String status, String details) {
        synchronized (lock) {
            p.status = status;
            p.statusDetails = details;
            p.endTime = clock.instant();
        }
        return status;
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

    /** When the window stops a task's commands and starts no more invocations of it. */
    private Instant stopAt(TaskExecution te) {
        return "CANCEL_TASK".equals(te.cutoffBehavior) ? cutoffAt : endAt;
    }

    private String stopReason(TaskExecution te) {
        return "CANCEL_TASK".equals(te.cutoffBehavior)
                ? "The maintenance window reached its cutoff and the task's cutoff behavior is CANCEL_TASK."
                : "The maintenance window ended.";
    }

    private String runTask(TaskExecution te, List<Resource> resources) {
        if (resources.isEmpty() && te.taskType.equals("RUN_COMMAND")) {
            return end(te, "SUCCESS", "No invocations to execute.");
        }
        if (resources.isEmpty()) {
            resources = List.of(new Resource(null, null, null));
        }
        int n = resources.size();
        int concurrency = limit(te.maxConcurrency != null ? te.maxConcurrency : DEFAULT_CONCURRENCY, n, true);
        int maxErrors = limit(te.maxErrors != null ? te.maxErrors : DEFAULT_ERRORS, n, false);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, n),
                new ThreadFactoryBuilder().threadNamePrefix("local-ssm-invocation").daemonThreads(true).build());
        CompletionService<String> done = new ExecutorCompletionService<>(pool);
        Instant stopAt = stopAt(te);
        int launched = 0;
        int running = 0;
        int errors = 0;
        int timedOut = 0;
        boolean stopped = false;
        try {
            while (launched < n || running > 0) {
                stopped |= !clock.instant().isBefore(stopAt);
                while (!stopped && launched < n && running < concurrency && errors <= maxErrors) {
                    Resource r = resources.get(launched++);
                    Invocation inv;
                    synchronized (lock) {
                        inv = new Invocation(UUID.randomUUID().toString(), te, r.windowTargetId(), r.resourceId());
                        inv.ownerInformation = r.ownerInformation();
                        te.invocations.add(inv);
                    }
                    done.submit(() -> invoke(inv, stopAt));
                    running++;
                }
                if (running == 0) {
                    break;
                }
                String status = done.take().get();
                running--;
                if (status.equals("TIMED_OUT")) {
                    timedOut++;
                } else if (!status.equals("SUCCESS")) {
                    errors++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            return end(te, "CANCELLED", "LocalAws stopped while the task ran.");
        } catch (ExecutionException e) {
            return end(te, "FAILED", "LocalAws failed to run the task: " + e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (timedOut > 0 || (stopped && launched < n)) {
            return end(te, "TIMED_OUT", stopReason(te) + " " + timedOut + " of " + n
                    + " invocations were stopped; " + (n - launched) + " were not started.");
        }
        if (errors > maxErrors) {
            return end(te, "FAILED", "The task exceeded its max errors (" + te.maxErrors + "): " + errors
                    + " of " + launched + " invocations failed; " + (n - launched) + " were not started.");
        }
        if (errors > 0) {
            return end(te, "FAILED", errors + " of " + n + " invocations failed.");
        }
        return end(te, "SUCCESS", null);
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

    /** Runs one invocation; returns its status. */
    private String invoke(Invocation inv, Instant stopAt) {
        TaskExecution te = inv.task;
        synchronized (lock) {
            inv.status = "IN_PROGRESS";
            inv.startTime = clock.instant();
        }
        if (te.taskType.equals("LAMBDA")) {
            return invokeLambda(inv);
        }
        if (!te.taskType.equals("RUN_COMMAND")) {
            return end(inv, "FAILED", "LocalAws records " + te.taskType + " tasks but does not run them ("
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
            return end(inv, "FAILED", "Instance " + inv.resourceId + " is not a managed instance of LocalAws"
                    + " in " + window.scope.accountId + "/" + window.scope.region
                    + "; register it with LocalAws's instances() first.");
        }
        if (!SHELL_DOCUMENT.equals(te.taskArn)) {
            setCommand(command, "Failed", "Failed");
            return end(inv, "FAILED", "LocalAws runs only the AWS-RunShellScript document, not "
                    + te.taskArn + ".");
        }
        List<String> lines = parameters.getOrDefault("commands", List.of());
        Duration timeout = CommandRunner.DEFAULT_TIMEOUT;
        List<String> t = parameters.get("executionTimeout");
        if (t != null && !t.isEmpty() && t.get(0).matches("\\d{1,6}")) {
            timeout = Duration.ofSeconds(Long.parseLong(t.get(0)));
        }
        commands.run(lock, command, instance, lines, timeout, stopAt);
        String status;
        synchronized (lock) {
            status = command.status;
        }
        if (status.equals("Cancelled") && !clock.instant().isBefore(stopAt)) {
            return end(inv, "TIMED_OUT", stopReason(te) + " The command was cancelled before it finished.");
        }
        return switch (status) {
            case "Success" -> end(inv, "SUCCESS", "Success");
            case "TimedOut" -> end(inv, "TIMED_OUT", "ExecutionTimedOut");
            case "Cancelled" -> end(inv, "CANCELLED", "Cancelled");
            default -> end(inv, "FAILED", "Failed");
        };
    }

    /** A LAMBDA task: invokes the function on this LocalAws with the task's payload and qualifier. */
    @SuppressWarnings("unchecked")
    private String invokeLambda(Invocation inv) {
        TaskExecution te = inv.task;
        Map<String, Object> p = te.invocationParameters != null
                && te.invocationParameters.get("Lambda") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        byte[] payload = p.get("Payload") instanceof String s ? Base64.getDecoder().decode(s) : new byte[0];
        String qualifier = p.get("Qualifier") instanceof String q ? q : null;
        LambdaService lambda = LambdaTasks.of(lock).orElse(null);
        if (lambda == null) {
            return end(inv, "FAILED", "This LocalAws has no Lambda service to invoke " + te.taskArn + " with.");
        }
        try {
            LambdaService.TaskResult r = lambda.invokeForTask(window.scope.accountId, window.scope.region, te.taskArn,
                    qualifier, payload);
            synchronized (lock) {
                inv.executionId = r.requestId();
            }
            return r.functionError() == null ? end(inv, "SUCCESS", "Success")
                    : end(inv, "FAILED", "The function returned an error (" + r.functionError() + "): "
                            + (r.payload().length() > 500 ? r.payload().substring(0, 500) + "..." : r.payload()));
        } catch (AwsError e) {
            return end(inv, "FAILED", e.code() + ": " + e.getMessage());
        }
    }

    private void setCommand(Command c, String status, String details) {
        synchronized (lock) {
            c.status = status;
            c.statusDetails = details;
            c.ended = clock.instant();
        }
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
