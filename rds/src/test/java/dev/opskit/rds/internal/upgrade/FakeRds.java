package dev.opskit.rds.internal.upgrade;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbLogFilesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbLogFilesResponse;
import software.amazon.awssdk.services.rds.model.DescribeDBLogFilesDetails;
import software.amazon.awssdk.services.rds.model.DescribeEventsRequest;
import software.amazon.awssdk.services.rds.model.DescribeEventsResponse;
import software.amazon.awssdk.services.rds.model.DownloadDbLogFilePortionRequest;
import software.amazon.awssdk.services.rds.model.DownloadDbLogFilePortionResponse;
import software.amazon.awssdk.services.rds.model.Event;

/**
 * An RDS client that answers the calls of the upgrade's follow step from memory: the cluster as
 * the n-th DescribeDBClusters sees it, the events added so far, and an upgrade-prechecks.log in
 * two portions.
 */
final class FakeRds implements RdsClient {
    final List<Event> events = new ArrayList<>();
    final AtomicInteger describes = new AtomicInteger();
    private final IntFunction<DBCluster> cluster;
    String log;

    FakeRds(IntFunction<DBCluster> clusterAtDescribe) {
        this.cluster = clusterAtDescribe;
    }

    @Override
    public DescribeDbClustersResponse describeDBClusters(DescribeDbClustersRequest request) {
        return DescribeDbClustersResponse.builder().dbClusters(cluster.apply(describes.incrementAndGet())).build();
    }

    @Override
    public synchronized DescribeEventsResponse describeEvents(DescribeEventsRequest request) {
        return DescribeEventsResponse.builder().events(List.copyOf(events)).build();
    }

    @Override
    public DescribeDbLogFilesResponse describeDBLogFiles(DescribeDbLogFilesRequest request) {
        return DescribeDbLogFilesResponse.builder().describeDBLogFiles(log == null ? List.of()
                : List.of(DescribeDBLogFilesDetails.builder().logFileName("upgrade-prechecks.log").build())).build();
    }

    @Override
    public DownloadDbLogFilePortionResponse downloadDBLogFilePortion(DownloadDbLogFilePortionRequest request) {
        int half = log.length() / 2;
        return request.marker().equals("0")
                ? DownloadDbLogFilePortionResponse.builder().logFileData(log.substring(0, half))
                        .additionalDataPending(true).marker("1").build()
                : DownloadDbLogFilePortionResponse.builder().logFileData(log.substring(half))
                        .additionalDataPending(false).marker("2").build();
    }

    synchronized void add(java.time.Instant at, String message) {
        events.add(Event.builder().date(at).message(message).sourceIdentifier("orders").build());
    }

    @Override
    public String serviceName() {
        return "rds";
    }

    @Override
    public void close() {
    }
}
