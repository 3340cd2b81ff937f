package dev.opskit.testkit.internal.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A service spoken over restJson1 (Lambda, SSO, SSO-OIDC): the operation is chosen by HTTP method
 * and path, members are bound to path segments, query parameters, headers and a JSON (or raw)
 * body, and errors carry their code in the {@code x-amzn-ErrorType} header. Signed requests are
 * routed by the signing name of their SigV4 credential scope, unsigned ones (SSO-OIDC and the SSO
 * portal, which take no SigV4 signature) by their path among the routes marked
 * {@linkplain Route#unsigned() unsigned}.
 *
 * <p>An {@link AwsError} thrown by {@link #handle} is answered with its HTTP status, the
 * {@code x-amzn-ErrorType} header and a body {@code {"message": ..., "__type": code}} plus the
 * error's {@linkplain AwsError#fields() fields}.
 */
public interface RestJsonService {
    /** The SigV4 signing name, e.g. {@code lambda} or {@code awsssoportal}. */
    String signingName();

    /** The routes of every operation; see {@link Route#template()}. */
    List<Route> routes();

    /**
     * Handles one operation.
     *
     * @throws AwsError with the real code for any failure
     */
    RestResponse handle(RestRequest request);

    /** The error an injected throttling fault answers with; Lambda and SSO use 429 {@code TooManyRequestsException}. */
    default AwsError throttlingError() {
        return new AwsError("TooManyRequestsException", 429, true, "Rate exceeded");
    }

    /**
     * One operation's binding: method and path template as in the service model's {@code http}
     * trait, e.g. {@code GET /2015-03-31/functions/{FunctionName}}. A {@code {Name}} segment
     * matches one path segment (decoded), a final {@code {Name+}} the rest of the path. When
     * several routes match, the one with the fewest variables wins.
     *
     * @param method HTTP method in upper case
     * @param template the path template, without a query
     * @param operation the operation's name
     * @param unsigned whether the operation is called without a SigV4 signature
     */
    record Route(String method, String template, String operation, boolean unsigned) {
        public Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(operation, "operation");
            if (!template.startsWith("/")) {
                throw new IllegalArgumentException("a route's template starts with /: " + template);
            }
        }

        /** A route of a signed operation. */
        public static Route signed(String method, String template, String operation) {
            return new Route(method, template, operation, false);
        }

        /** A route of an operation called without SigV4. */
        public static Route unsigned(String method, String template, String operation) {
            return new Route(method, template, operation, true);
        }
    }
}
