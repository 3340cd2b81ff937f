package dev.opskit.core;

import java.util.Optional;

/**
 * Base type of every exception opskit throws. Unchecked, and always specific: catch a subclass to
 * react to one kind of failure, or this type to catch them all.
 *
 * <p>Each exception carries the resource it is about (a cluster id, a window id, ...) and the last
 * state observed for it, when known, so that a caller can report or act without parsing the
 * message. Messages say what happened, the values involved and what to do about it. They never
 * contain secrets.
 *
 * <p>A failure that ends a {@link Runbook} reaches the caller as itself: the step's own
 * exception, with {@link #step()} and {@link #outcome()} telling which step failed and what the
 * run had done. A step's failure that is not an {@code OpsException} (an SDK or JDBC exception,
 * say) arrives wrapped in a {@link StepFailedException}, so that everything a runbook throws is an
 * {@code OpsException} that carries its step.
 *
 * <pre>{@code
 * try {
 *     runbook.run();
 * } catch (WrongStateException e) {
 *     System.out.println(e.resourceId() + " is " + e.lastState().orElse("unknown")
 *             + " (step " + e.step().orElse("?") + ")");
 * }
 * }</pre>
 */
public class OpsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String resourceId;
    private final String lastState;
    private String step;
    private transient RunbookOutcome outcome;

    /**
     * @param message what happened and what to do
     * @param resourceId the resource concerned, or {@code null}
     * @param lastState the last state observed for it, or {@code null}
     * @param cause the underlying failure, or {@code null}
     */
    public OpsException(String message, String resourceId, String lastState, Throwable cause) {
        super(message, cause);
        this.resourceId = resourceId;
        this.lastState = lastState;
    }

    /** @param message what happened and what to do */
    public OpsException(String message) {
        this(message, null, null, null);
    }

    /**
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public OpsException(String message, Throwable cause) {
        this(message, null, null, cause);
    }

    /** @return the id of the resource this failure is about, if known */
    public Optional<String> resourceId() {
        return Optional.ofNullable(resourceId);
    }

    /** @return the last state observed for the resource, if known */
    public Optional<String> lastState() {
        return Optional.ofNullable(lastState);
    }

    /**
     * @return the runbook step that failed with this exception, if it came out of a
     *     {@link Runbook}
     */
    public synchronized Optional<String> step() {
        return Optional.ofNullable(step);
    }

    /**
     * @return what the runbook run did up to and including the failed step (and the steps not
     *     run), if this exception came out of a {@link Runbook}
     */
    public synchronized Optional<RunbookOutcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    /**
     * Records the step and run this exception ended. The first run to record wins, so an
     * exception that passes through nested runbooks keeps the innermost step.
     *
     * @return true if this call recorded them
     */
    synchronized boolean endedRun(String step, RunbookOutcome outcome) {
        if (this.outcome != null) {
            return false;
        }
        this.step = step;
        this.outcome = outcome;
        return true;
    }
}
