// The JShell side of benchmarks/startup/run: one DescribeDBClusters, nothing else.
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
var ctx = AwsContext.builder().region("us-east-1").endpointOverride(java.net.URI.create(System.getenv("OPSKIT_BENCH_ENDPOINT"))).credentials(EnvironmentVariableCredentialsProvider.create()).build();
ctx.client(RdsClient.class, RdsClient::builder).describeDBClusters().dbClusters().forEach(c -> System.out.println(c.dbClusterIdentifier()));
/exit
