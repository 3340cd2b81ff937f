package dev.opskit.rds;

import dev.opskit.core.OpsException;

/**
 * A statement failed on a MySQL-compatible server, or the server could not be reached. The
 * resource is the endpoint ({@code user@host:port}); the message names the statement's purpose
 * and the server's error, never a password.
 *
 * <pre>{@code
 * try {
 *     check.run();
 * } catch (DatabaseException e) {
 *     System.out.println(e.resourceId().orElse("?") + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class DatabaseException extends OpsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param endpoint the server, as {@code user@host:port}
     * @param message what happened and what to do
     * @param cause the driver's exception
     */
    public DatabaseException(String endpoint, String message, Throwable cause) {
        super(message, endpoint, null, cause);
    }
}
