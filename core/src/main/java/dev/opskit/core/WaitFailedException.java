package dev.opskit.core;

import java.util.Objects;

/**
 * A {@link Waiter} saw a terminal failure state (or a terminal error) and stopped at once, since
 * waiting longer could not help: a cluster in {@code failed}, a function whose last update
 * {@code Failed}, a replica whose SQL thread stopped on an error.
 *
 * <pre>{@code
 * try {
 *     waiter.await();
 * } catch (WaitFailedException e) {
 *     System.out.println(e.resourceId().orElse("?") + ": " + e.reason());
 * }
 * }</pre>
 */
public class WaitFailedException extends OpsException {
    private static final long serialVersionUID = 1L;

    private final String waitingFor;
    private final String reason;
    private final int attempts;

    /**
     * @param resource the resource waited on
     * @param waitingFor what was awaited, in prose
     * @param state the terminal state seen, or {@code null}
     * @param reason why this state means the wait cannot succeed
     * @param attempts the attempt that saw it, from 1
     * @param cause the terminal error, or {@code null}
     */
    public WaitFailedException(String resource, String waitingFor, String state, String reason, int attempts,
            Throwable cause) {
        super(resource + " will not reach " + waitingFor + ": "
                + (state == null ? "" : "state '" + state + "' at attempt " + attempts + ": ") + reason,
                resource, state, cause);
        this.waitingFor = Objects.requireNonNull(waitingFor, "waitingFor");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.attempts = attempts;
    }

    /** @return what was awaited, in prose */
    public String waitingFor() {
        return waitingFor;
    }

    /** @return why the wait cannot succeed */
    public String reason() {
        return reason;
    }

    /** @return the attempt that saw the terminal state */
    public int attempts() {
        return attempts;
    }
}
