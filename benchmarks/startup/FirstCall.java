import dev.opskit.core.AwsContext;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * A plain program's first AWS call: an AwsContext, an RdsClient, one DescribeDBClusters against
 * the endpoint in OPSKIT_BENCH_ENDPOINT, credentials from the environment. Prints the clusters'
 * ids. With --sdk-default-http it passes the SDK's default URL-connection client (with TLS set
 * up front), which is what AwsContext built before it learned to skip TLS for http:// endpoints.
 */
public final class FirstCall {
    public static void main(String[] args) {
        AwsContext.Builder b = AwsContext.builder().region("us-east-1")
                .endpointOverride(URI.create(System.getenv("OPSKIT_BENCH_ENDPOINT")))
                .credentials(EnvironmentVariableCredentialsProvider.create());
        if (args.length > 0 && args[0].equals("--sdk-default-http")) {
            b.httpClient(UrlConnectionHttpClient.create());
        }
        try (AwsContext ctx = b.build()) {
            RdsClient rds = ctx.client(RdsClient.class, RdsClient::builder);
            rds.describeDBClusters().dbClusters().forEach(c -> System.out.println(c.dbClusterIdentifier()));
        }
    }
}
