package dev.opskit.lambda.internal.repository;

import dev.opskit.core.AwsContext;
import dev.opskit.core.Secret;
import dev.opskit.core.WrongStateException;
import dev.opskit.lambda.RegistryLogin;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;

/** Registry logins from ECR's {@code GetAuthorizationToken}, decoded as {@code docker login} does. */
public final class Logins {
    private Logins() {
    }

    /** The login of the context's account and region. */
    public static RegistryLogin login(AwsContext ctx) {
        EcrClient ecr = ctx.client(EcrClient.class, EcrClient::builder);
        AuthorizationData data = ecr.getAuthorizationToken(r -> { }).authorizationData().get(0);
        String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new WrongStateException(data.proxyEndpoint(), null, "ECR's authorization token for "
                    + data.proxyEndpoint() + " is not user:password; call GetAuthorizationToken again");
        }
        String host = data.proxyEndpoint().replaceFirst("^https?://", "").replaceAll("/+$", "");
        return new RegistryLogin(decoded.substring(0, colon), Secret.of(decoded.substring(colon + 1)), host,
                data.expiresAt());
    }
}
