package dev.opskit.testkit;

import dev.opskit.core.InvalidInputException;
import dev.opskit.core.Secret;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An account of a {@link LocalAws}, with its long-term access key. Every resource created with
 * these credentials lives in this account; another account's credentials do not see it.
 * {@link #toString()} shows the id and access key id, never the secret.
 *
 * <pre>{@code
 * LocalAccount other = aws.createAccount();
 * StsClient sts = StsClient.builder()
 *         .endpointOverride(aws.endpoint())
 *         .region(Region.US_EAST_1)
 *         .credentialsProvider(other.credentials())
 *         .build();
 * }</pre>
 *
 * @param id the 12-digit account id
 * @param accessKeyId the access key id ({@code AKIA...})
 * @param secretAccessKey the secret access key
 */
public record LocalAccount(String id, String accessKeyId, Secret secretAccessKey) {

    /**
     * @throws InvalidInputException if the id is not 12 digits or a value is missing
     */
    public LocalAccount {
        if (id == null || !id.matches("\\d{12}")) {
            throw new InvalidInputException("id", id, "an AWS account id has 12 digits");
        }
        if (accessKeyId == null || accessKeyId.isBlank()) {
            throw new InvalidInputException("accessKeyId", accessKeyId, "give the account's access key id");
        }
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    /**
     * Static credentials for SDK clients and {@code AwsContext}.
     *
     * @return a provider that always returns this account's key
     */
    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey.reveal()));
    }

    /**
     * The ARN of a role in this account, for {@code AssumeRole}; LocalAws lets any role name be
     * assumed in an account it knows.
     *
     * @param roleName e.g. {@code ops-admin}
     * @return {@code arn:aws:iam::<id>:role/<roleName>}
     */
    public String roleArn(String roleName) {
        if (roleName == null || !roleName.matches("[\\w+=,.@-]{1,64}")) {
            throw new InvalidInputException("roleName", roleName,
                    "a role name has 1 to 64 letters, digits or +=,.@_- characters");
        }
        return "arn:aws:iam::" + id + ":role/" + roleName;
    }
}
