package dev.opskit.ssm;

import dev.opskit.core.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task of a maintenance window, made by {@link Tasks}: what runs, on which of the window's
 * targets, in which order and how widely. Immutable: each method returns a changed copy and
 * checks its argument at once. {@link MaintenanceWindows.Definition#apply()} matches it to a
 * registered task by {@link #name()}.
 *
 * <pre>{@code
 * Tasks.runCommand("AWS-RunShellScript").commands("ls", "df -h")
 *         .priority(10).maxConcurrency("2").maxErrors("1").named("list-files")
 * }</pre>
 */
public final class Task {
    private static final Pattern MAX_CONCURRENCY = Pattern.compile("[1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%");
    private static final Pattern MAX_ERRORS = Pattern.compile("[1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%");

    private final TaskType type;
    private final String arn;
    private final String name;
    private final int priority;
    private final String maxConcurrency;
    private final String maxErrors;
    private final List<String> targetNames;
    private final Map<String, List<String>> parameters;
    private final Integer timeoutSeconds;
    private final String payload;
    private final String serviceRoleArn;
    private final boolean cancelAtCutoff;

    /** A task that continues past the window's cutoff, SSM's default. */
    Task(TaskType type, String arn, String name, int priority, String maxConcurrency, String maxErrors,
            List<String> targetNames, Map<String, List<String>> parameters, Integer timeoutSeconds, String payload,
            String serviceRoleArn) {
        this(type, arn, name, priority, maxConcurrency, maxErrors, targetNames, parameters, timeoutSeconds, payload,
                serviceRoleArn, false);
    }

    private Task(TaskType type, String arn, String name, int priority, String maxConcurrency, String maxErrors,
            List<String> targetNames, Map<String, List<String>> parameters, Integer timeoutSeconds, String payload,
            String serviceRoleArn, boolean cancelAtCutoff) {
        this.type = Objects.requireNonNull(type, "type");
        if (arn == null || arn.isBlank() || arn.length() > 1600) {
            throw new InvalidInputException("task " + type + " ARN or document", arn, "give 1 to 1600 characters");
        }
        this.arn = arn;
        Target.checkName(name, "task name");
        this.name = name;
        if (priority < 0) {
            throw new InvalidInputException("task priority", Integer.toString(priority),
                    "use 0 or more; lower runs first");
        }
        this.priority = priority;
        if (!MAX_CONCURRENCY.matcher(maxConcurrency).matches()) {
            throw new InvalidInputException("max concurrency", maxConcurrency,
                    "give a count from 1 or a percentage from 1% to 100%, e.g. \"1\" or \"10%\"");
        }
        this.maxConcurrency = maxConcurrency;
        if (!MAX_ERRORS.matcher(maxErrors).matches()) {
            throw new InvalidInputException("max errors", maxErrors,
                    "give a count from 0 or a percentage from 0% to 100%, e.g. \"1\" or \"10%\"");
        }
        this.maxErrors = maxErrors;
        this.targetNames = List.copyOf(targetNames);
        Map<String, List<String>> p = new LinkedHashMap<>();
        parameters.forEach((k, v) -> p.put(k, List.copyOf(v)));
        this.parameters = java.util.Collections.unmodifiableMap(p);
        if (timeoutSeconds != null && (timeoutSeconds < 30 || timeoutSeconds > 2_592_000)) {
            throw new InvalidInputException("timeout seconds", timeoutSeconds.toString(), "use 30 to 2592000");
        }
        this.timeoutSeconds = timeoutSeconds;
        this.payload = payload;
        this.serviceRoleArn = serviceRoleArn;
        this.cancelAtCutoff = cancelAtCutoff;
    }

    /**
     * @param name the task's name in the window, 3-128 of {@code [a-zA-Z0-9_.-]}
     * @return a copy with that name
     */
    public Task named(String name) {
        return new Task(type, arn, name, priority, maxConcurrency, maxErrors, targetNames, parameters,
                timeoutSeconds, payload, serviceRoleArn, cancelAtCutoff);
    }

    /**
     * @param priority 0 or more; lower runs first (default 1)
     * @return a copy with that priority
     */
    public Task priority(int priority) {
        return new Task(type, arn, name, priority, maxConcurrency, maxErrors, targetNames, parameters,
                timeoutSeconds, payload, serviceRoleArn, cancelAtCutoff);
    }

    /**
     * @param maxConcurrency how many targets run at once: a count or a percentage (default "1")
     * @return a copy with that limit
     */
    public Task maxConcurrency(String maxConcurrency) {
        return new Task(type, arn, name, priority, Objects.requireNonNull(maxConcurrency, "maxConcurrency"),
                maxErrors, targetNames, parameters, timeoutSeconds, payload, serviceRoleArn, cancelAtCutoff);
    }

    /**
     * @param maxErrors how many failed targets stop the task: a count or a percentage (default "1")
     * @return a copy with that limit
     */
    public Task maxErrors(String maxErrors) {
        return new Task(type, arn, name, priority, maxConcurrency, Objects.requireNonNull(maxErrors, "maxErrors"),
                targetNames, parameters, timeoutSeconds, payload, serviceRoleArn, cancelAtCutoff);
    }

    /**
     * Runs the task on some of the window's targets only (default: all of them).
     *
     * @param names names of targets declared on the same window
     * @return a copy that runs on those targets
     */
    public Task on(String... names) {
        return new Task(type, arn, name, priority, maxConcurrency, maxErrors, List.of(names), parameters,
                timeoutSeconds, payload, serviceRoleArn, cancelAtCutoff);
    }

    /**
     * The {@code commands} parameter of a shell document such as {@code AWS-RunShellScript}.
     *
     * @param commands the lines of the script, run in order by {@code /bin/sh}
     * @return a copy with those commands
     * @throws InvalidInputException if this is not a RUN_COMMAND task
     */
    public Task commands(String... commands) {
        if (type != TaskType.RUN_COMMAND) {
            throw new InvalidInputException("commands", String.join("; ", commands),
                    "commands belong to RUN_COMMAND tasks; use parameter(...) for " + type);
        }
        return parameter("commands", commands);
    }

    /**
     * A document parameter (RUN_COMMAND, AUTOMATION).
     *
     * @param key the parameter name
     * @param values its values
     * @return a copy with that parameter set
     */
    public Task parameter(String key, String... values) {
        if (type == TaskType.LAMBDA || type == TaskType.STEP_FUNCTIONS) {
            throw new InvalidInputException("parameter " + key, null, type + " tasks take payload(...), not parameters");
        }
        Map<String, List<String>> p = new LinkedHashMap<>(parameters);
        p.put(Objects.requireNonNull(key, "key"), List.of(values));
        return new Task(type, arn, name, priority, maxConcurrency, maxErrors, targetNames, p, timeoutSeconds,
                payload, serviceRoleArn, cancelAtCutoff);
    }

    /**
     * @param seconds how long a RUN_COMMAND may wait to be delivered, 30 to 2592000
     * @return a copy with that timeout
     */
    public Task timeoutSeconds(int seconds) {
        return new Task(type, arn, name, priority, maxConcurrency, maxErrors, targetNames, parameters, seconds,
                payload, serviceRoleArn, cancelAtCutoff);
    }

    /**
     * The JSON handed to a LAMBDA task (its payload) or a STEP_FUNCTIONS task (its input).
     *
     * @param json the JSON text
     * @return a copy with that payload
     */
    public Task payload(String json) {
        if (type != TaskType.LAMBDA && type != TaskType.STEP_FUNCTIONS) {
            throw new InvalidInputException("payload", null, "only LAMBDA and STEP_FUNCTIONS tasks take a payload");
        }
        return new Task(type, arn, name, priority, maxConcurrency, maxErrors, targetNames, parameters,
                timeoutSeconds, json, serviceRoleArn, cancelAtCutoff);
    }

    /**
     * @param roleArn the IAM role SSM assumes to run the task
     * @return a copy with that role
     */
    public Task serviceRole(String roleArn) {
        return new Task(type, arn, name, priority, maxConcurrency, maxErrors, targetNames, parameters,
                timeoutSeconds, payload, roleArn, cancelAtCutoff);
    }

    /**
     * Sets the task's cutoff behavior to {@code CANCEL_TASK} (default {@code CONTINUE_TASK}: what
     * runs at the window's cutoff goes on until it ends). When the window reaches its cutoff, SSM
     * sends {@code CancelCommand} for the invocations of a RUN_COMMAND task still running (the
     * process is not guaranteed to stop) and starts no new invocation of an AUTOMATION, LAMBDA or
     * STEP_FUNCTIONS task, whose running invocations go on. SSM then reports the task's unfinished
     * invocations TIMED_OUT. SSM accepts this for every task type.
     *
     * <pre>{@code
     * Tasks.runCommand("AWS-RunShellScript").commands("yum -y update").cancelAtCutoff()
     * }</pre>
     *
     * @return a copy that is cancelled at the window's cutoff
     */
    public Task cancelAtCutoff() {
        return new Task(type, arn, name, priority, maxConcurrency, maxErrors, targetNames, parameters,
                timeoutSeconds, payload, serviceRoleArn, true);
    }

    /** @return the kind of task */
    public TaskType type() {
        return type;
    }

    /** @return the document name, runbook name, function ARN or state machine ARN */
    public String arn() {
        return arn;
    }

    /** @return the task's name in the window */
    public String name() {
        return name;
    }

    /** @return the priority, lower first */
    public int priority() {
        return priority;
    }

    /** @return the max concurrency */
    public String maxConcurrency() {
        return maxConcurrency;
    }

    /** @return the max errors */
    public String maxErrors() {
        return maxErrors;
    }

    /** @return the names of the targets it runs on; empty means all of the window's */
    public List<String> targetNames() {
        return targetNames;
    }

    /** @return document parameters */
    public Map<String, List<String>> parameters() {
        return parameters;
    }

    /** @return the RUN_COMMAND delivery timeout, or null for SSM's default */
    public Integer timeoutSeconds() {
        return timeoutSeconds;
    }

    /** @return the LAMBDA payload or STEP_FUNCTIONS input, or null */
    public String payload() {
        return payload;
    }

    /** @return the service role ARN, or null */
    public String serviceRoleArn() {
        return serviceRoleArn;
    }

    /**
     * @return true if the task's cutoff behavior is {@code CANCEL_TASK} ({@link #cancelAtCutoff()}),
     *     false for SSM's default {@code CONTINUE_TASK}
     */
    public boolean cancelsAtCutoff() {
        return cancelAtCutoff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Task t && t.type == type && t.arn.equals(arn) && t.name.equals(name)
                && t.priority == priority && t.maxConcurrency.equals(maxConcurrency) && t.maxErrors.equals(maxErrors)
                && t.targetNames.equals(targetNames) && t.parameters.equals(parameters)
                && Objects.equals(t.timeoutSeconds, timeoutSeconds) && Objects.equals(t.payload, payload)
                && Objects.equals(t.serviceRoleArn, serviceRoleArn) && t.cancelAtCutoff == cancelAtCutoff;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, arn, name, priority, targetNames, parameters, cancelAtCutoff);
    }

    @Override
    public String toString() {
        return "Task[" + name + " " + type + " " + arn + " priority=" + priority + " maxConcurrency=" + maxConcurrency
                + " maxErrors=" + maxErrors + (targetNames.isEmpty() ? "" : " on=" + targetNames)
                + (cancelAtCutoff ? " cutoffBehavior=CANCEL_TASK" : "") + "]";
    }
}
