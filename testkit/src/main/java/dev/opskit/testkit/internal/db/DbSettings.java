package dev.opskit.testkit.internal.db;

import dev.opskit.core.InvalidInputException;

import java.util.Map;
import java.util.Set;

/**
 * How a local database server behaves: which Aurora engine and version it emulates (which decides
 * what {@code SELECT VERSION()} reports and which {@code mysql.rds_*} procedures exist), whether
 * binary logging is on and in which format, and its replication server id.
 *
 * <pre>{@code
 * DbSettings s = new DbSettings("aurora-mysql", "8.0.mysql_aurora.3.04.0", "ROW", 11);
 * s.reportedVersion();          // "8.0.28"
 * s.maxBinlogRetentionHours();  // 2160
 * }</pre>
 *
 * @param engine {@code "aurora"} (MySQL 5.6 compatible, Aurora MySQL 1) or {@code "aurora-mysql"}
 * @param engineVersion an Aurora MySQL engine version such as {@code "5.7.mysql_aurora.2.09.1"}
 * @param binlogFormat {@code null} for binary logging off, else {@code "ROW"}, {@code "MIXED"} or
 *     {@code "STATEMENT"}
 * @param serverId the replication {@code server_id}; servers that replicate from
 *     one another need different ids (1 to 2147483647)
 */
public record DbSettings(String engine, String engineVersion, String binlogFormat, int serverId) {
    private static final Set<String> ENGINES = Set.of("aurora", "aurora-mysql");
    private static final Set<String> BINLOG_FORMATS = Set.of("ROW", "MIXED", "STATEMENT");

    // Aurora MySQL 3 minor version -> the MySQL 8.0 release it is compatible with (AWS release notes).
    private static final Map<Integer, String> AURORA3_MYSQL = Map.ofEntries(
            Map.entry(1, "8.0.23"), Map.entry(2, "8.0.23"), Map.entry(3, "8.0.26"),
            Map.entry(4, "8.0.28"), Map.entry(5, "8.0.32"), Map.entry(6, "8.0.34"),
            Map.entry(7, "8.0.36"), Map.entry(8, "8.0.39"), Map.entry(9, "8.0.40"),
            Map.entry(10, "8.0.42"), Map.entry(12, "8.0.44"));

    /** Checks the arguments; the binlog format is stored upper case. */
    public DbSettings {
        if (engine == null || !ENGINES.contains(engine)) {
            throw new InvalidInputException("engine", engine, "pass 'aurora' (Aurora MySQL 1) or 'aurora-mysql'");
        }
        if (binlogFormat != null) {
            binlogFormat = binlogFormat.toUpperCase(java.util.Locale.ROOT);
            if (!BINLOG_FORMATS.contains(binlogFormat)) {
                throw new InvalidInputException("binlogFormat", binlogFormat,
                        "pass ROW, MIXED, STATEMENT, or null for binary logging off");
            }
        }
        if (serverId < 1) {
            throw new InvalidInputException("serverId", Integer.toString(serverId), "a server id is 1 to 2147483647");
        }
        int major = parseMajor(engineVersion);
        if (major == 1 != engine.equals("aurora")) {
            throw new InvalidInputException("engineVersion", engineVersion,
                    "engine 'aurora' runs Aurora MySQL 1 versions (5.6.mysql_aurora.1.x.y) and 'aurora-mysql' "
                            + "runs versions 2 and 3 (5.7.mysql_aurora.2.x.y, 8.0.mysql_aurora.3.x.y)");
        }
        if (major == 3 && !AURORA3_MYSQL.containsKey(minor(engineVersion))) {
            throw new InvalidInputException("engineVersion", engineVersion,
                    "unknown Aurora MySQL 3 minor version; known minors are " + new java.util.TreeSet<>(AURORA3_MYSQL.keySet()));
        }
    }

    /** @return whether binary logging is on ({@code binlogFormat} is set) */
    public boolean binlogEnabled() {
        return binlogFormat != null;
    }

    /**
     * @return what {@code SELECT VERSION()} returns on real Aurora: {@code 5.6.10} on Aurora MySQL 1,
     *     {@code 5.7.12} on 2, and the compatible MySQL 8.0 release on 3 (e.g. {@code 8.0.28} for 3.04)
     */
    public String reportedVersion() {
        return switch (majorAuroraVersion()) {
            case 1 -> "5.6.10";
            case 2 -> "5.7.12";
            default -> AURORA3_MYSQL.get(minor(engineVersion));
        };
    }

    /** @return the Aurora MySQL major version, 1, 2 or 3 ({@code mysql_aurora.2.11.2} is 2) */
    public int majorAuroraVersion() {
        return parseMajor(engineVersion);
    }

    /**
     * @return the largest {@code 'binlog retention hours'} {@code mysql.rds_set_configuration}
     *     accepts: 168 (7 days) on Aurora MySQL 1 and on 2 before 2.11, 2160 (90 days) on 2.11+ and 3
     */
    public int maxBinlogRetentionHours() {
        int major = majorAuroraVersion();
        return major == 1 || (major == 2 && minor(engineVersion) < 11) ? 168 : 2160;
    }

    /** @return a copy with another binary log format ({@code null} = off) */
    public DbSettings withBinlogFormat(String format) {
        return new DbSettings(engine, engineVersion, format, serverId);
    }

    /** @return a copy with another engine version (and the engine that goes with it) */
    public DbSettings withEngineVersion(String version) {
        return new DbSettings(parseMajor(version) == 1 ? "aurora" : "aurora-mysql", version, binlogFormat, serverId);
    }

    private static String[] auroraParts(String engineVersion) {
        if (engineVersion == null) {
            throw new InvalidInputException("engineVersion", null,
                    "pass an Aurora MySQL version such as '5.7.mysql_aurora.2.11.2' or '8.0.mysql_aurora.3.04.0'");
        }
        String[] parts = engineVersion.split("\\.");
        if (parts.length < 5 || !parts[2].equals("mysql_aurora")) {
            throw new InvalidInputException("engineVersion", engineVersion,
                    "expected <mysql major>.<mysql minor>.mysql_aurora.<major>.<minor>.<patch>, "
                            + "such as '5.7.mysql_aurora.2.11.2'");
        }
        return parts;
    }

    private static int parseMajor(String engineVersion) {
        String[] parts = auroraParts(engineVersion);
        int major = parseInt(parts[3], engineVersion);
        String mysql = parts[0] + "." + parts[1];
        String expected = switch (major) {
            case 1 -> "5.6";
            case 2 -> "5.7";
            case 3 -> "8.0";
            default -> null;
        };
        if (!mysql.equals(expected)) {
            throw new InvalidInputException("engineVersion", engineVersion,
                    "Aurora MySQL 1 is 5.6.mysql_aurora.1.x, 2 is 5.7.mysql_aurora.2.x and 3 is 8.0.mysql_aurora.3.x");
        }
        return major;
    }

    private static int minor(String engineVersion) {
        return parseInt(auroraParts(engineVersion)[4], engineVersion);
    }

    private static int parseInt(String s, String engineVersion) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("engineVersion", engineVersion,
                    "'" + s + "' is not a number; pass a version such as '5.7.mysql_aurora.2.11.2'");
        }
    }
}
