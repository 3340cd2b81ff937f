package dev.opskit.core;

/**
 * A resource with the requested name or id already exists and is not the one this operation
 * would have created (for example a clone id taken by an unrelated cluster), so reusing it would
 * be wrong.
 *
 * <pre>{@code
 * throw new ConflictException("orders-clone",
 *         "DB cluster 'orders-clone' exists but is not a clone of 'orders'; choose another id");
 * }</pre>
 */
public class ConflictException extends OpsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param resourceId the resource that is in the way
     * @param message what happened and what to do
     */
    public ConflictException(String resourceId, String message) {
        super(message, resourceId, null, null);
    }
}
