package dev.opskit.rds.internal.upgrade;

import dev.opskit.rds.UpgradeRdsEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DescribeDBLogFilesDetails;
import software.amazon.awssdk.services.rds.model.DownloadDbLogFilePortionResponse;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.SourceType;

/**
 * The cluster's RDS event stream during an upgrade: which events belong to the latest upgrade,
 * which of them are new since the last look, whether one says RDS stopped the upgrade, and the
 * writer's {@code upgrade-prechecks.log} that explains why.
 *
 * <p>Events that existed before this run sent ModifyDBCluster belong to earlier upgrades; they
 * are remembered rather than cut off by a time on this machine's clock, which RDS's may not agree
 * with. A run that did not start the upgrade (a resumed one) takes the events from the last
 * "upgrade started" on.
 */
final class UpgradeEventFollower {
    static final String UPGRADE_STARTED = "Database cluster engine version upgrade started.";
    static final String ONLINE_PRECHECKS = "Upgrade in progress: Performing online pre-upgrade checks.";
    private static final int MAX_LOG_PORTIONS = 1000;

    private final RdsClient rds;
    private final String clusterId;
    /** Events that existed before this run started the upgrade; null if it did not start it. */
    private Set<String> earlier;
    private final List<UpgradeRdsEvent> seen = new ArrayList<>();
    private final Set<String> seenKeys = new HashSet<>();
    private UpgradeRdsEvent stoppedBy;

    UpgradeEventFollower(RdsClient rds, String clusterId) {
        this.rds = rds;
        this.clusterId = clusterId;
    }

    /** Remembers the events there are now, just before this run starts an upgrade. */
    void rememberEarlier() {
        Set<String> keys = new HashSet<>();
        recentEvents().forEach(e -> keys.add(key(e)));
        earlier = keys;
    }

    /**
     * Reads the events of the latest upgrade.
     *
     * @return the ones not returned before, in RDS's order
     */
    List<UpgradeRdsEvent> poll() {
        List<Event> events = recentEvents();
        if (earlier != null) {
            events.removeIf(e -> earlier.contains(key(e)));
        }
        events.sort(Comparator.comparing(Event::date, Comparator.nullsFirst(Comparator.naturalOrder())));
        int from = 0;
        for (int i = 0; i < events.size(); i++) {
            String m = String.valueOf(events.get(i).message());
            if (m.equals(UPGRADE_STARTED) || (m.equals(ONLINE_PRECHECKS)
                    && (i == 0 || !UPGRADE_STARTED.equals(events.get(i - 1).message())))) {
                from = i;
            }
        }
        List<UpgradeRdsEvent> fresh = new ArrayList<>();
        UpgradeRdsEvent stop = null;
        for (Event e : events.subList(from, events.size())) {
            UpgradeRdsEvent ev = new UpgradeRdsEvent(e.date(), String.valueOf(e.message()));
            // Judged on every look, not only on new events: a look retried after a failure sees it again.
            if (ev.stopsTheUpgrade()) {
                stop = ev;
            }
            if (seenKeys.add(key(e))) {
                seen.add(ev);
                fresh.add(ev);
            }
        }
        stoppedBy = stop;
        return fresh;
    }

    /** @return the event by which RDS stopped the latest upgrade, as of the last {@link #poll()} */
    Optional<UpgradeRdsEvent> stoppedBy() {
        return Optional.ofNullable(stoppedBy);
    }

    /** @return every event of the upgrade seen so far, in order */
    List<UpgradeRdsEvent> seen() {
        return List.copyOf(seen);
    }

    /**
     * Downloads the newest {@code upgrade-prechecks.log} of an instance, portion by portion.
     *
     * @param instance the writer, or {@code null}
     * @return the log's text, or {@code null} if there is none
     */
    String prechecksLog(String instance) {
        if (instance == null) {
            return null;
        }
        List<DescribeDBLogFilesDetails> files = rds.describeDBLogFiles(r -> r.dbInstanceIdentifier(instance)
                .filenameContains("upgrade-prechecks")).describeDBLogFiles();
        if (files.isEmpty()) {
            return null;
        }
        String name = files.get(files.size() - 1).logFileName();
        StringBuilder text = new StringBuilder();
        String marker = "0";
        for (int i = 0; i < MAX_LOG_PORTIONS; i++) {
            String m = marker;
            DownloadDbLogFilePortionResponse part = rds.downloadDBLogFilePortion(r -> r.dbInstanceIdentifier(instance)
                    .logFileName(name).marker(m));
            if (part.logFileData() != null) {
                text.append(part.logFileData());
            }
            if (!Boolean.TRUE.equals(part.additionalDataPending()) || part.marker() == null) {
                break;
            }
            marker = part.marker();
        }
        return text.toString();
    }

    /** The cluster's events of the last day, counted by RDS on its own clock ({@code Duration}). */
    private List<Event> recentEvents() {
        List<Event> events = new ArrayList<>();
        rds.describeEventsPaginator(r -> r.sourceType(SourceType.DB_CLUSTER).sourceIdentifier(clusterId)
                .duration((int) Duration.ofDays(1).toMinutes())).forEach(p -> events.addAll(p.events()));
        return events;
    }

    private static String key(Event e) {
        return e.date() + "|" + e.message();
    }
}
