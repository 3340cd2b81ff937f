package dev.opskit.core;

/**
 * A wait or retry was ended by {@link Thread#interrupt()} (for example Ctrl-C in JShell, or a
 * cancelled task). The thread's interrupt flag is set again before this is thrown, so callers
 * further up still see the interruption. Nothing was left half-done by the wait itself; run the
 * runbook again to continue.
 *
 * <pre>{@code
 * try {
 *     waiter.await();
 * } catch (WaitInterruptedException e) {
 *     assert Thread.currentThread().isInterrupted();
 * }
 * }</pre>
 */
public class WaitInterruptedException extends OpsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was interrupted, with the resource and last state
     * @param resource the resource waited on, or {@code null}
     * @param lastState the last state seen, or {@code null}
     * @param cause the {@link InterruptedException}
     */
    public WaitInterruptedException(String message, String resource, String lastState, Throwable cause) {
        super(message, resource, lastState, cause);
    }
}
