package dev.opskit.testkit.internal.rds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The engine-default parameters of each Aurora MySQL family, a realistic subset of what
 * DescribeDBClusterParameters / DescribeDBParameters return: names, defaults, static or dynamic,
 * allowed values. Cluster-level and instance-level parameters are kept apart, as in RDS.
 */
final class ParameterCatalog {

    /** One parameter definition. {@code defaultValue} null means "no value set" (as RDS omits it). */
    record Definition(String name, String defaultValue, String description, boolean dynamic, String dataType,
            String allowedValues, boolean modifiable, String source, List<String> families) {

        String applyType() {
            return dynamic ? "dynamic" : "static";
        }

        boolean appliesTo(String family) {
            return families.isEmpty() || families.contains(family);
        }

        /** The value in canonical spelling, or empty if not allowed. */
        Optional<String> accept(String value) {
            if (value == null) {
                return Optional.empty();
            }
            if (allowedValues == null) {
                return Optional.of(value);
            }
            if (allowedValues.matches("-?\\d+-\\d+")) {
                int dash = allowedValues.indexOf('-', 1);
                long min = Long.parseLong(allowedValues.substring(0, dash));
                long max = Long.parseLong(allowedValues.substring(dash + 1));
                try {
                    long v = Long.parseLong(value.trim());
                    return v >= min && v <= max ? Optional.of(Long.toString(v)) : Optional.empty();
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
            for (String allowed : allowedValues.split(",")) {
                if (allowed.equalsIgnoreCase(value.trim())) {
                    return Optional.of(allowed);
                }
            }
            return Optional.empty();
        }
    }

    private static final List<String> V57_80 = List.of("aurora-mysql5.7", "aurora-mysql8.0");
    /** MySQL 8.0 removed the query cache, so Aurora MySQL 3 has no query_cache_* parameters. */
    private static final List<String> V56_57 = List.of("aurora5.6", "aurora-mysql5.7");
    private static final String TIME_ZONES = "Africa/Cairo,Africa/Johannesburg,America/Chicago,America/Denver,"
            + "America/Los_Angeles,America/New_York,America/Sao_Paulo,Asia/Kolkata,Asia/Seoul,Asia/Shanghai,"
            + "Asia/Singapore,Asia/Tokyo,Australia/Sydney,Europe/Berlin,Europe/London,Europe/Paris,"
            + "US/Eastern,US/Pacific,UTC";
    private static final String CHARSETS = "big5,dec8,cp850,hp8,koi8r,latin1,latin2,swe7,ascii,ujis,sjis,"
            + "hebrew,tis620,euckr,koi8u,gb2312,greek,cp1250,gbk,latin5,armscii8,utf8,ucs2,cp866,keybcs2,"
            + "macce,macroman,cp852,latin7,utf8mb4,cp1251,utf16,cp1256,cp1257,utf32,binary,geostd8,cp932,eucjpms";

    private static final List<Definition> CLUSTER = List.of(
            def("aurora_enable_repl_bin_log_filtering", "1",
                    "Enables filtering of binary log events on the replica (Aurora MySQL 2 and 3).", true,
                    "boolean", "0-1", V57_80),
            def("binlog_checksum", "CRC32", "Type of checksum used for binary log events.", true, "string",
                    "NONE,CRC32", List.of()),
            def("binlog_format", "OFF",
                    "Binary logging format for replication. OFF turns binary logging off; any other value turns it"
                            + " on after the writer DB instance reboots.",
                    false, "string", "ROW,STATEMENT,MIXED,OFF", List.of()),
            def("binlog_row_image", null, "Whether to log full or minimal rows in row-based replication.", true,
                    "string", "full,minimal,noblob", List.of()),
            def("character_set_server", null, "The server's default character set.", true, "string", CHARSETS,
                    List.of()),
            def("enforce_gtid_consistency", null,
                    "Prevents execution of statements that cannot be logged in a transactionally safe manner.",
                    false, "string", "OFF,ON,WARN", V57_80),
            def("gtid-mode", null, "Controls whether GTID based logging is enabled and what type of transactions"
                    + " the logs can contain.", false, "string", "OFF,OFF_PERMISSIVE,ON_PERMISSIVE,ON", V57_80),
            def("innodb_print_all_deadlocks", "0",
                    "Whether to record information about all deadlocks in the error log.", true, "boolean", "0-1",
                    List.of()),
            def("lower_case_table_names", null,
                    "Whether table names are stored in lowercase and compared case-insensitively.", false,
                    "integer", "0-1", List.of()),
            def("query_cache_type", "1", "Type of query cache (0 OFF, 1 ON, 2 DEMAND); removed in MySQL 8.0.",
                    true, "integer", "0-2", V56_57),
            def("server_audit_logging", "0", "Enables audit logging.", true, "boolean", "0-1", List.of()),
            def("time_zone", null, "The server's time zone.", true, "string", TIME_ZONES, List.of()));

    private static final List<Definition> CLUSTER_SYSTEM = List.of(
            new Definition("skip_name_resolve", "1",
                    "Aurora does not resolve host names: accounts match client IP addresses only.", false,
                    "boolean", "0-1", false, "system", List.of()),
            new Definition("log_bin", "{LocalStoragePath}/mysql-bin-changelog",
                    "Where the binary log files are written; logging itself is controlled by binlog_format.", false,
                    "string", null, false, "system", List.of()));

    private static final List<Definition> INSTANCE = List.of(
            def("general_log", null, "Whether the general query log is enabled.", true, "boolean", "0-1",
                    List.of()),
            def("innodb_print_all_deadlocks", "0",
                    "Whether to record information about all deadlocks in the error log.", true, "boolean", "0-1",
                    List.of()),
            def("long_query_time", null, "Queries taking longer than this many seconds are logged as slow.",
                    true, "float", "0-31536000", List.of()),
            new Definition("max_connections", "{DBInstanceClassMemory/12582880}",
                    "The number of simultaneous client connections allowed.", true, "integer", "1-100000", true,
                    "system", List.of()),
            def("performance_schema", null, "Enables or disables the Performance Schema.", false, "boolean",
                    "0-1", List.of()),
            def("query_cache_type", "1", "Type of query cache (0 OFF, 1 ON, 2 DEMAND); removed in MySQL 8.0.",
                    true, "integer", "0-2", V56_57),
            def("slow_query_log", null, "Whether the slow query log is enabled.", true, "boolean", "0-1",
                    List.of()));

    private ParameterCatalog() {
    }

    private static Definition def(String name, String dflt, String description, boolean dynamic, String type,
            String allowed, List<String> families) {
        return new Definition(name, dflt, description, dynamic, type, allowed, true, "engine-default", families);
    }

    /** Cluster-level parameters of a family, by name. */
    static List<Definition> clusterParameters(String family) {
        return sorted(family, CLUSTER, CLUSTER_SYSTEM);
    }

    /** Instance-level parameters of a family, by name. */
    static List<Definition> instanceParameters(String family) {
        return sorted(family, INSTANCE, List.of());
    }

    private static List<Definition> sorted(String family, List<Definition> a, List<Definition> b) {
        List<Definition> out = new ArrayList<>();
        a.stream().filter(d -> d.appliesTo(family)).forEach(out::add);
        b.stream().filter(d -> d.appliesTo(family)).forEach(out::add);
        out.sort((x, y) -> x.name().toLowerCase(Locale.ROOT).compareTo(y.name().toLowerCase(Locale.ROOT)));
        return out;
    }

    static Optional<Definition> find(List<Definition> defs, String name) {
        return defs.stream().filter(d -> d.name().equals(name)).findFirst();
    }

}
