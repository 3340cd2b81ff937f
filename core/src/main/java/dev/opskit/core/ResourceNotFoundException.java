package dev.opskit.core;

/**
 * A resource that an operation needs does not exist (or is not visible to the credentials and
 * region in use).
 *
 * <pre>{@code
 * throw new ResourceNotFoundException("DB cluster", "orders-prod",
 *         "check the cluster id and the AwsContext's region and account", cause);
 * }</pre>
 */
public class ResourceNotFoundException extends OpsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param kind what kind of resource, e.g. "DB cluster"
     * @param resourceId its id
     * @param hint what to check or do
     * @param cause the underlying failure, or {@code null}
     */
    public ResourceNotFoundException(String kind, String resourceId, String hint, Throwable cause) {
        super(kind + " '" + resourceId + "' not found: " + hint, resourceId, null, cause);
    }
}
