package dev.opskit.testkit.internal.server;

import dev.opskit.testkit.internal.protocol.AwsError;
import java.util.List;

/**
 * The parts of a SigV4 {@code Authorization} header:
 * {@code AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/sts/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=hex}.
 */
public record AuthorizationHeader(String accessKeyId, String date, String region, String service,
        List<String> signedHeaders, String signature) {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";

    /**
     * @throws AwsError {@code IncompleteSignature} (400) if a part is missing or malformed
     */
    public static AuthorizationHeader parse(String header) {
        String h = header.trim();
        if (!h.startsWith(ALGORITHM + " ")) {
            throw incomplete("Unsupported authorization scheme; LocalAws accepts only " + ALGORITHM
                    + " (SigV4) Authorization headers");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : h.substring(ALGORITHM.length()).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String value = p.substring(eq + 1).trim();
            switch (p.substring(0, eq).trim()) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> {
                    // Unknown components are ignored, as AWS does.
                }
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters");
        }
        String[] scope = credential.split("/");
        if (scope.length != 5 || !"aws4_request".equals(scope[4]) || !scope[1].matches("\\d{8}")) {
            throw incomplete("Credential should be scoped to a valid region and service: "
                    + "<access key>/<yyyyMMdd>/<region>/<service>/aws4_request, got '" + credential + "'");
        }
        if (!signature.matches("[0-9a-f]{64}")) {
            throw incomplete("Signature must be 64 lower-case hex digits");
        }
        return new AuthorizationHeader(scope[0], scope[1], scope[2], scope[3],
                List.of(signedHeaders.split(";")), signature);
    }

    private static AwsError incomplete(String message) {
        return AwsError.badRequest("IncompleteSignature", message);
    }
}
