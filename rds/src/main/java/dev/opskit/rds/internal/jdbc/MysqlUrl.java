package dev.opskit.rds.internal.jdbc;

/**
 * The JDBC URL of a MySQL-compatible server, made in one place for every connection opskit opens.
 * The password never goes into it: drivers and pools take it as a property.
 */
public final class MysqlUrl {
    private MysqlUrl() {
    }

    /**
     * Whether a host is this machine: {@code localhost}, {@code 127.x.x.x} or {@code ::1} (also in
     * a URI's bracketed form).
     *
     * @param host a host name or address
     * @return true for a loopback host
     */
    public static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("[::1]"));
    }

    /**
     * The URL of a server. Local servers (LocalAws's) have no TLS and use caching_sha2 over plain
     * TCP: public key retrieval is allowed there only; remote endpoints (RDS) negotiate TLS as the
     * driver prefers.
     *
     * @param host the server's host
     * @param port its port
     * @param options driver options such as {@code connectTimeout=5000}, joined with {@code &}
     * @return such as {@code jdbc:mysql://orders.cluster-x.rds.amazonaws.com:3306/?connectTimeout=5000&sslMode=PREFERRED}
     */
    public static String of(String host, int port, String options) {
        String tls = isLoopback(host) ? "useSSL=false&allowPublicKeyRetrieval=true" : "sslMode=PREFERRED";
        return "jdbc:mysql://" + host + ":" + port + "/?" + (options.isEmpty() ? "" : options + "&") + tls;
    }
}
