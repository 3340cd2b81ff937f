package dev.opskit.ssm;

import dev.opskit.core.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
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
 *
 * <p>{@link #toString()} leaves out the parameters and the payload, which may hold secrets.
 *
 * @param type the kind of task
 * @param arn the document name, runbook name, function ARN or state machine ARN
 * @param name the task's name in the window
 * @param priority the priority, lower first
 * @param maxConcurrency the max concurrency: a count or a percentage
 * @param maxErrors the max errors: a count or a percentage
 * @param targetNames the names of the targets it runs on; empty means all of the window's
 * @param parameters document parameters (RUN_COMMAND, AUTOMATION)
 * @param timeoutSeconds the RUN_COMMAND delivery timeout, or null for SSM's default
 * @param payload the LAMBDA payload or STEP_FUNCTIONS input, or null
 * @param serviceRoleArn the service role ARN, or null
 * @param cancelsAtCutoff true if the task's cutoff behavior is {@code CANCEL_TASK}
 *     ({@link #cancelAtCutoff()}), false for SSM's default {@code CONTINUE_TASK}
 */
public record Task(TaskType type, String arn, String name, int priority, String maxConcurrency, String maxErrors,
        List<String> targetNames, Map<String, List<String>> parameters, Integer timeoutSeconds, String payload,
        String serviceRoleArn, boolean cancelsAtCutoff) {
    private static final Pattern MAX_CONCURRENCY = Pattern.compile("[1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%");
    private static final Pattern MAX_ERRORS = Pattern.compile("[1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%");

    /** Checks every part and copies the collections. */
    public Task {
        Objects.requireNonNull(type, "type");
        if (arn == null || arn.isBlank() || arn.length() > 1600) {
            throw new InvalidInputException("task " + type + " ARN or document", arn, "give 1 to 1600 characters");
        }
        Target.checkName(name, "task name");
        if (priority < 0) {
            throw new InvalidInputException("task priority", Integer.toString(priority),
                    "use 0 or more; lower runs first");
        }
        Objects.requireNonNull(maxConcurrency, "maxConcurrency");
        if (!MAX_CONCURRENCY.matcher(maxConcurrency).matches()) {
            throw new InvalidInputException("max concurrency", maxConcurrency,
                    "give a count from 1 or a percentage from 1% to 100%, e.g. \"1\" or \"10%\"");
        }
        Objects.requireNonNull(maxErrors, "maxErrors");
        if (!MAX_ERRORS.matcher(maxErrors).matches()) {
            throw new InvalidInputException("max errors", maxErrors,
                    "give a count from 0 or a percentage from 0% to 100%, e.g. \"1\" or \"10%\"");
        }
        targetNames = List.copyOf(targetNames);
        Map<String, List<String>> p = new LinkedHashMap<>();
        parameters.forEach((k, v) -> p.put(k, List.copyOf(v)));
        parameters = Collections.unmodifiableMap(p);
        if (timeoutSeconds != null && (timeoutSeconds < 30 || timeoutSeconds > 2_592_000)) {
            throw new InvalidInputException("timeout seconds", timeoutSeconds.toString(), "use 30 to 2592000");
        }
    }

    /**
     * @param name the task's name in the window, 3-128 of {@code [a-zA-Z0-9_.-]}
     * @return a copy with that name
     */
    public Task named(String name) {
        return with(c -> c.name = name);
    }

    /**
     * @param priority 0 or more; lower runs first (default 1)
     * @return a copy with that priority
     */
    public Task priority(int priority) {
        return with(c -> c.priority = priority);
    }

    /**
     * @param maxConcurrency how many targets run at once: a count or a percentage (default "1")
     * @return a copy with that limit
     */
    public Task maxConcurrency(String maxConcurrency) {
        return with(c -> c.maxConcurrency = Objects.requireNonNull(maxConcurrency, "maxConcurrency"));
    }

    /**
     * @param maxErrors how many failed targets stop the task: a count or a percentage (default "1")
     * @return a copy with that limit
     */
    public Task maxErrors(String maxErrors) {
        return with(c -> c.maxErrors = Objects.requireNonNull(maxErrors, "maxErrors"));
    }

    /**
     * Runs the task on some of the window's targets only (default: all of them).
     *
     * @param names names of targets declared on the same window
     * @return a copy that runs on those targets
     */
    public Task on(String... names) {
        return with(c -> c.targetNames = List.of(names));
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
            // Not the commands themselves: they may hold secrets.
            throw new InvalidInputException("commands", commands.length + " command(s)",
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
        return with(c -> c.parameters = p);
    }

    /**
     * @param seconds how long a RUN_COMMAND may wait to be delivered, 30 to 2592000
     * @return a copy with that timeout
     */
    public Task timeoutSeconds(int seconds) {
        return with(c -> c.timeoutSeconds = seconds);
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
        return with(c -> c.payload = json);
    }

    /**
     * @param roleArn the IAM role SSM assumes to run the task
     * @return a copy with that role
     */
    public Task serviceRole(String roleArn) {
        return with(c -> c.serviceRoleArn = roleArn);
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
        return with(c -> c.cancelsAtCutoff = true);
    }

    /** The one place a changed copy is made: every part but the changed one is carried over. */
    private Task with(Consumer<Parts> change) {
        Parts c = new Parts(this);
        change.accept(c);
        return new Task(type, arn, c.name, c.priority, c.maxConcurrency, c.maxErrors, c.targetNames, c.parameters,
                c.timeoutSeconds, c.payload, c.serviceRoleArn, c.cancelsAtCutoff);
    }

    /** The changeable parts of a task while a copy is made. */
    private static final class Parts {
        String name;
        int priority;
        String maxConcurrency;
        String maxErrors;
        List<String> targetNames;
        Map<String, List<String>> parameters;
        Integer timeoutSeconds;
        String payload;
        String serviceRoleArn;
        boolean cancelsAtCutoff;

        Parts(Task t) {
            name = t.name;
            priority = t.priority;
            maxConcurrency = t.maxConcurrency;
            maxErrors = t.maxErrors;
            targetNames = t.targetNames;
            parameters = t.parameters;
            timeoutSeconds = t.timeoutSeconds;
            payload = t.payload;
            serviceRoleArn = t.serviceRoleArn;
            cancelsAtCutoff = t.cancelsAtCutoff;
        }
    }

    /** @return the name, type, document and limits; never the parameters or payload */
    @Override
    public String toString() {
        return "Task[" + name + " " + type + " " + arn + " priority=" + priority + " maxConcurrency=" + maxConcurrency
                + " maxErrors=" + maxErrors + (targetNames.isEmpty() ? "" : " on=" + targetNames)
                + (cancelsAtCutoff ? " cutoffBehavior=CANCEL_TASK" : "") + "]";
    }
}
