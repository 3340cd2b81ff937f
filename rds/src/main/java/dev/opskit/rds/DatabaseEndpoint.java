package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;

/**
 * Where and as whom to connect to a MySQL-compatible server: a cluster's writer endpoint and a
 * user. The password is a {@link Secret}: it never appears in {@link #toString()}, logs, events or
 * exception messages.
 *
 * <pre>{@code
 * DatabaseEndpoint src = DatabaseEndpoint.of("orders.cluster-abc.eu-west-1.rds.amazonaws.com", 3306,
 *         "admin", Secret.of(System.getenv("DB_PASSWORD")));
 * }</pre>
 *
 * @param host host name or address
 * @param port TCP port, 1 to 65535
 * @param user user name
 * @param password the user's password
 */
public record DatabaseEndpoint(String host, int port, String user, Secret password) {
    /** @throws InvalidInputException if a value is missing or the port is out of range */
    public DatabaseEndpoint {
        if (host == null || host.isBlank()) {
            throw new InvalidInputException("host", host, "pass the server's host name or address");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidInputException("port", Integer.toString(port), "a TCP port is 1 to 65535");
        }
        if (user == null || user.isBlank()) {
            throw new InvalidInputException("user", user, "pass a MySQL user name");
        }
        if (password == null) {
            throw new InvalidInputException("password", null, "pass the user's password as a Secret");
        }
    }

    /**
     * Creates an endpoint.
     *
     * @param host host name or address
     * @param port TCP port
     * @param user user name
     * @param password the user's password
     * @return the endpoint
     */
    public static DatabaseEndpoint of(String host, int port, String user, Secret password) {
        return new DatabaseEndpoint(host, port, user, password);
    }

    /** @return {@code user@host:port}, never the password */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}
