package dev.opskit.core;

/**
 * A resource is in a state that does not allow the operation: a cluster that is being modified,
 * a replica whose SQL thread stopped on an error, a window that is disabled.
 *
 * <pre>{@code
 * throw new WrongStateException("orders-prod", "modifying",
 *         "DB cluster 'orders-prod' is modifying; wait until it is available and run again");
 * }</pre>
 */
public class WrongStateException extends OpsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param resourceId the resource
     * @param state its current state
     * @param message what happened and what to do
     */
    public WrongStateException(String resourceId, String state, String message) {
        super(message, resourceId, state, null);
    }

    /**
     * @param resourceId the resource
     * @param state its current state
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public WrongStateException(String resourceId, String state, String message, Throwable cause) {
        super(message, resourceId, state, cause);
    }
}
