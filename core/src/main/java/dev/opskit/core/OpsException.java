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
 * <pre>{@code
 * try {
 *     runbook.run();
 * } catch (WrongStateException e) {
 *     System.out.println(e.resourceId() + " is " + e.lastState().orElse("unknown"));
 * }
 * }</pre>
 */
public class OpsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String resourceId;
    private final String lastState;

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
}
