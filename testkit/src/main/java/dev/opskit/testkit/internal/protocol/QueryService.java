package dev.opskit.testkit.internal.protocol;

/**
 * A service spoken over awsQuery (form-encoded POST, XML responses): RDS, STS. The server picks
 * the service by the signing name in the request's SigV4 credential scope, decodes the form into
 * a {@link QueryRequest}, calls {@link #handle}, and wraps the returned {@code <ActionResult>}
 * element into {@code <ActionResponse xmlns="...">...<ResponseMetadata>}. An {@link AwsError}
 * thrown by the handler becomes an awsQuery XML error response.
 */
public interface QueryService {
    /** The SigV4 signing name, e.g. {@code rds} or {@code sts}. */
    String signingName();

    /** The response namespace, e.g. {@code http://rds.amazonaws.com/doc/2014-10-31/}. */
    String xmlNamespace();

    /**
     * Handles one action.
     *
     * @return the {@code <ActionResult>} element (e.g. named {@code DescribeDBClustersResult});
     *     {@code null} for actions whose response has no result element
     * @throws AwsError with the real code for any failure; an unknown action gets
     *     {@code InvalidAction}
     */
    Xml handle(QueryRequest request);
}
