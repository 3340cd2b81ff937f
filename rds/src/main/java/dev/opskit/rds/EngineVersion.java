package dev.opskit.rds;

import dev.opskit.core.InvalidInputException;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MySQL-compatible engine version: an Aurora MySQL engine version as RDS names it
 * ({@code 8.0.mysql_aurora.3.04.0}), a MySQL version ({@code 8.0.36}) or a MariaDB version
 * ({@code 11.4.5-MariaDB-log}), with what depends on it: the Aurora major version, the allowed
 * binlog retention.
 *
 * <pre>{@code
 * EngineVersion v = EngineVersion.parse("5.7.mysql_aurora.2.11.2");
 * v.auroraMajor();                 // OptionalInt[2]
 * v.maxBinlogRetentionHours();     // 2160
 * }</pre>
 */
public final class EngineVersion implements Comparable<EngineVersion> {
    /** Which server product the version belongs to. */
    public enum Flavor {
        /** Amazon Aurora MySQL (1 = MySQL 5.6, 2 = 5.7, 3 = 8.0). */
        AURORA_MYSQL,
        /** MySQL (community or RDS for MySQL). */
        MYSQL,
        /** MariaDB. */
        MARIADB
    }

    private static final Pattern AURORA =
            Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?\\.mysql_aurora\\.(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:\\.\\w+)*");
    // Aurora MySQL 1's engine versions were plain MySQL ones with a letter: "5.6.10a".
    private static final Pattern AURORA1 = Pattern.compile("5\\.6\\.(\\d+)[a-z]");
    private static final Pattern PLAIN = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?([-+_.~a-zA-Z0-9]*)");

    private final Flavor flavor;
    private final int major;
    private final int minor;
    private final int patch;
    private final int auroraMajor;
    private final int auroraMinor;
    private final int auroraPatch;
    private final String text;

    private EngineVersion(Flavor flavor, int major, int minor, int patch,
                          int auroraMajor, int auroraMinor, int auroraPatch, String text) {
        this.flavor = flavor;
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.auroraMajor = auroraMajor;
        this.auroraMinor = auroraMinor;
        this.auroraPatch = auroraPatch;
        this.text = text;
    }

    /**
     * Reads a version and guesses its flavor from the text: {@code mysql_aurora} means Aurora,
     * {@code MariaDB} or a major version of 10 or more means MariaDB, anything else MySQL. Use
     * {@link #of(String, String)} when the RDS engine name is known.
     *
     * @param version such as {@code 8.0.mysql_aurora.3.04.0}, {@code 8.0.36},
     *     {@code 5.7.12-log} or {@code 11.4.5-MariaDB-log} (what {@code SELECT VERSION()} returns)
     * @return the version
     * @throws InvalidInputException if the text is not a version
     */
    public static EngineVersion parse(String version) {
        if (version == null) {
            throw invalid(null);
        }
        String v = version.trim();
        Matcher a = AURORA.matcher(v);
        if (a.matches()) {
            int am = Integer.parseInt(a.group(4));
            int mysqlMajor = Integer.parseInt(a.group(1));
            int mysqlMinor = Integer.parseInt(a.group(2));
            int expected = mysqlMajor == 5 && mysqlMinor == 6 ? 1 : mysqlMajor == 5 && mysqlMinor == 7 ? 2
                    : mysqlMajor == 8 ? 3 : -1;
            if (expected != -1 && expected != am && am < 4) {
                throw new InvalidInputException("engine version", version, "Aurora MySQL " + am
                        + " is not based on MySQL " + mysqlMajor + "." + mysqlMinor
                        + "; use a version listed by DescribeDBEngineVersions, such as 8.0.mysql_aurora.3.04.0");
            }
            return new EngineVersion(Flavor.AURORA_MYSQL, mysqlMajor, mysqlMinor, num(a.group(3)),
                    am, Integer.parseInt(a.group(5)), num(a.group(6)), v);
        }
        Matcher p = PLAIN.matcher(v);
        if (!p.matches()) {
            throw invalid(version);
        }
        int maj = Integer.parseInt(p.group(1));
        boolean maria = v.toLowerCase(Locale.ROOT).contains("mariadb") || maj >= 10;
        return new EngineVersion(maria ? Flavor.MARIADB : Flavor.MYSQL, maj, Integer.parseInt(p.group(2)),
                num(p.group(3)), -1, -1, -1, v);
    }

    /**
     * Reads a version of a known RDS engine.
     *
     * @param engine the RDS engine: {@code aurora-mysql}, {@code aurora} (Aurora MySQL 1),
     *     {@code mysql} or {@code mariadb}
     * @param version the engine version, such as {@code 5.7.mysql_aurora.2.11.2} or {@code 5.6.10a}
     * @return the version
     * @throws InvalidInputException if the engine is not MySQL-compatible or the version does not
     *     fit it
     */
    public static EngineVersion of(String engine, String version) {
        String e = engine == null ? "" : engine.trim().toLowerCase(Locale.ROOT);
        switch (e) {
            case "aurora", "aurora-mysql" -> {
                if (version != null && AURORA1.matcher(version.trim()).matches()) {
                    Matcher m = AURORA1.matcher(version.trim());
                    m.matches();
                    return new EngineVersion(Flavor.AURORA_MYSQL, 5, 6, Integer.parseInt(m.group(1)),
                            1, -1, -1, version.trim());
                }
                EngineVersion v = parse(version);
                if (v.flavor != Flavor.AURORA_MYSQL) {
                    throw new InvalidInputException("engine version", version,
                            "an Aurora MySQL version looks like 8.0.mysql_aurora.3.04.0");
                }
                return v;
            }
            case "mysql" -> {
                EngineVersion v = parse(version);
                return new EngineVersion(Flavor.MYSQL, v.major, v.minor, v.patch, -1, -1, -1, v.text);
            }
            case "mariadb" -> {
                EngineVersion v = parse(version);
                return new EngineVersion(Flavor.MARIADB, v.major, v.minor, v.patch, -1, -1, -1, v.text);
            }
            default -> throw new InvalidInputException("engine", engine,
                    "use aurora-mysql, aurora, mysql or mariadb");
        }
    }

    private static int num(String digits) {
        return digits == null ? 0 : Integer.parseInt(digits);
    }

    private static InvalidInputException invalid(String version) {
        return new InvalidInputException("engine version", version,
                "use an RDS engine version such as 8.0.mysql_aurora.3.04.0, 8.0.36 or 11.4.5");
    }

    /** @return the product */
    public Flavor flavor() {
        return flavor;
    }

    /** @return the MySQL major version (5 or 8), or MariaDB's own (such as 10 or 11) */
    public int major() {
        return major;
    }

    /** @return the minor version (6 or 7 in 5.6 and 5.7) */
    public int minor() {
        return minor;
    }

    /** @return the patch version, 0 when the text has none */
    public int patch() {
        return patch;
    }

    /** @return the Aurora MySQL major version (1, 2 or 3), empty for MySQL and MariaDB */
    public OptionalInt auroraMajor() {
        return auroraMajor < 0 ? OptionalInt.empty() : OptionalInt.of(auroraMajor);
    }

    /** @return the Aurora MySQL minor version (11 in 2.11.2), empty when unknown or not Aurora */
    public OptionalInt auroraMinor() {
        return auroraMinor < 0 ? OptionalInt.empty() : OptionalInt.of(auroraMinor);
    }

    /** @return the Aurora MySQL patch version (2 in 2.11.2), empty when unknown or not Aurora */
    public OptionalInt auroraPatch() {
        return auroraPatch < 0 ? OptionalInt.empty() : OptionalInt.of(auroraPatch);
    }

    /** @return whether this is Aurora MySQL */
    public boolean isAurora() {
        return flavor == Flavor.AURORA_MYSQL;
    }

    /**
     * The MySQL release series the version belongs to, which is what {@code SELECT VERSION()}
     * starts with on the server: {@code 5.7} for {@code 5.7.mysql_aurora.2.11.2}, {@code 8.0} for
     * {@code 8.0.36}, MariaDB's own such as {@code 11.4}.
     *
     * @return major and minor version, such as {@code 8.0}
     */
    public String series() {
        return major + "." + minor;
    }

    /**
     * Whether moving from this version to another is a major version upgrade, the kind RDS runs
     * only with {@code AllowMajorVersionUpgrade}: the release series changes (Aurora MySQL 1 to 2
     * is MySQL 5.6 to 5.7, 2 to 3 is 5.7 to 8.0). Minor upgrades stay within a series.
     *
     * <pre>{@code
     * EngineVersion.parse("5.7.mysql_aurora.2.11.2").isMajorUpgradeTo(EngineVersion.parse("8.0.mysql_aurora.3.04.0"));  // true
     * }</pre>
     *
     * @param target the version to move to
     * @return true if the series differ
     */
    public boolean isMajorUpgradeTo(EngineVersion target) {
        Objects.requireNonNull(target, "target");
        return target.major != major || target.minor != minor;
    }

    /**
     * Orders versions as RDS releases them: Aurora MySQL versions by their Aurora release
     * ({@code 1.22.2 < 2.09.1 < 2.11.2 < 3.04.0}), MySQL and MariaDB versions by major, minor and
     * patch; versions of different flavors by flavor, and equal numbers by their text.
     *
     * <pre>{@code
     * EngineVersion.parse("5.7.mysql_aurora.2.09.1").compareTo(EngineVersion.parse("5.7.mysql_aurora.2.11.2")) < 0;  // older
     * }</pre>
     *
     * @param other the version to compare with
     * @return negative if this one is older, zero if the same, positive if newer
     */
    @Override
    public int compareTo(EngineVersion other) {
        int c = flavor.compareTo(other.flavor);
        if (c == 0 && flavor == Flavor.AURORA_MYSQL) {
            c = Integer.compare(auroraMajor, other.auroraMajor);
            c = c != 0 ? c : Integer.compare(auroraMinor, other.auroraMinor);
            c = c != 0 ? c : Integer.compare(auroraPatch, other.auroraPatch);
        }
        c = c != 0 ? c : Integer.compare(major, other.major);
        c = c != 0 ? c : Integer.compare(minor, other.minor);
        c = c != 0 ? c : Integer.compare(patch, other.patch);
        return c != 0 ? c : text.compareTo(other.text);
    }

    /**
     * The largest value {@code mysql.rds_set_configuration('binlog retention hours', N)} accepts:
     * 2160 (90 days) on Aurora MySQL 2.11 and later and on Aurora MySQL 3, 168 (7 days) on
     * earlier Aurora MySQL and on RDS for MySQL and MariaDB.
     *
     * @return the maximum binlog retention in hours
     */
    public int maxBinlogRetentionHours() {
        if (flavor == Flavor.AURORA_MYSQL
                && (auroraMajor >= 3 || (auroraMajor == 2 && auroraMinor >= 11))) {
            return 2160;
        }
        return 168;
    }

    /**
     * Checks a binlog retention against {@link #maxBinlogRetentionHours()}.
     *
     * @param hours the wanted retention
     * @return the same hours
     * @throws InvalidInputException if the value is below 1 or above the maximum
     */
    public int checkBinlogRetentionHours(int hours) {
        int max = maxBinlogRetentionHours();
        if (hours < 1 || hours > max) {
            throw new InvalidInputException("binlogRetentionHours", Integer.toString(hours),
                    "at most " + max + " on " + describe() + "; pass a value from 1 to " + max);
        }
        return hours;
    }

    /** @return a name for messages, such as {@code Aurora MySQL 2.11.2} or {@code MariaDB 11.4.5} */
    public String describe() {
        return switch (flavor) {
            case AURORA_MYSQL -> "Aurora MySQL " + auroraMajor
                    + (auroraMinor < 0 ? " (" + text + ")" : "." + auroraMinor + "." + auroraPatch);
            case MYSQL -> "MySQL " + major + "." + minor + "." + patch;
            case MARIADB -> "MariaDB " + major + "." + minor + "." + patch;
        };
    }

    /** @return the version exactly as given, which {@link #parse} reads back */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineVersion v && v.flavor == flavor && v.text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(flavor, text);
    }
}
