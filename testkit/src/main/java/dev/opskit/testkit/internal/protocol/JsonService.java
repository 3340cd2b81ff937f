package dev.opskit.testkit.internal.protocol;

/**
 * A service spoken over awsJson1_1 (SSM, ECR): a POST whose {@code X-Amz-Target} header is
 * {@code <targetPrefix>.<Operation>} and whose body is a JSON object. The server picks the
 * service by the signing name in the SigV4 credential scope, checks the target prefix, parses
 * the body into a {@link JsonRequest} and serializes what {@link #handle} returns as the JSON
 * response body. An {@link AwsError} thrown by the handler becomes
 * {@code {"__type": code, "message": ...}} with its HTTP status.
 */
public interface JsonService {
    /** The SigV4 signing name, e.g. {@code ssm} or {@code ecr}. */
    String signingName();

    /** The {@code X-Amz-Target} prefix, e.g. {@code AmazonSSM}. */
    String targetPrefix();

    /**
     * Handles one operation.
     *
     * @return the response object: maps, lists, strings, numbers, booleans, as jackson-jr writes
     *     them ({@code java.time.Instant}s should already be epoch seconds as a number);
     *     {@code null} for an empty {@code {}} response
     * @throws AwsError with the real code for any failure; an unknown operation gets
     *     {@code UnknownOperationException}
     */
    Object handle(JsonRequest request);
}
