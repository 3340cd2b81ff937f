package dev.opskit.testkit.internal.rds;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Aurora MySQL engine versions LocalAws offers: a realistic subset of what RDS lists, with the
 * parameter group family of each and the upgrade targets AWS allows (minor upgrades within a major
 * version; 1.x to 2.07-2.10; 2.10 to 3.03; 2.11 to 3.04+; 2.12 to 3.05+).
 */
final class EngineCatalog {

    /** One engine version as DescribeDBEngineVersions reports it. */
    record EngineVersion(String engine, String version, boolean isDefault) {
        int major() {
            return Integer.parseInt(parts()[3]);
        }

        int minor() {
            return Integer.parseInt(parts()[4]);
        }

        int patch() {
            return Integer.parseInt(parts()[5]);
        }

        String family() {
            return switch (major()) {
                case 1 -> "aurora5.6";
                case 2 -> "aurora-mysql5.7";
                default -> "aurora-mysql8.0";
            };
        }

        /** The Aurora release name, e.g. {@code 2.11.2}. */
        String auroraRelease() {
            return parts()[3] + "." + parts()[4] + "." + parts()[5];
        }

        String mysqlCompat() {
            return parts()[0] + "." + parts()[1];
        }

        String description() {
            return "Aurora (MySQL " + mysqlCompat() + ") " + auroraRelease();
        }

        private String[] parts() {
            return version.split("\\.");
        }

        static final Comparator<EngineVersion> ORDER = Comparator.comparingInt(EngineVersion::major)
                .thenComparingInt(EngineVersion::minor).thenComparingInt(EngineVersion::patch);
    }

    private static final List<EngineVersion> VERSIONS = List.of(
            new EngineVersion("aurora", "5.6.mysql_aurora.1.22.2", true),
            new EngineVersion("aurora", "5.6.mysql_aurora.1.22.3", false),
            new EngineVersion("aurora", "5.6.mysql_aurora.1.23.4", false),
            new EngineVersion("aurora-mysql", "5.7.mysql_aurora.2.07.2", false),
            new EngineVersion("aurora-mysql", "5.7.mysql_aurora.2.07.10", false),
            new EngineVersion("aurora-mysql", "5.7.mysql_aurora.2.09.1", false),
            new EngineVersion("aurora-mysql", "5.7.mysql_aurora.2.10.2", false),
            new EngineVersion("aurora-mysql", "5.7.mysql_aurora.2.11.2", false),
            new EngineVersion("aurora-mysql", "5.7.mysql_aurora.2.11.4", false),
            new EngineVersion("aurora-mysql", "5.7.mysql_aurora.2.12.1", false),
            new EngineVersion("aurora-mysql", "8.0.mysql_aurora.3.03.1", false),
            new EngineVersion("aurora-mysql", "8.0.mysql_aurora.3.04.0", false),
            new EngineVersion("aurora-mysql", "8.0.mysql_aurora.3.05.2", false),
            new EngineVersion("aurora-mysql", "8.0.mysql_aurora.3.06.0", false),
            new EngineVersion("aurora-mysql", "8.0.mysql_aurora.3.08.0", true));

    static final List<String> ENGINES = List.of("aurora", "aurora-mysql");

    private EngineCatalog() {
    }

    static List<EngineVersion> all() {
        return VERSIONS;
    }

    static Optional<EngineVersion> find(String engine, String version) {
        return VERSIONS.stream()
                .filter(v -> v.engine().equals(engine) && v.version().equals(version))
                .findFirst();
    }

    static Optional<EngineVersion> findAnyEngine(String version) {
        return VERSIONS.stream().filter(v -> v.version().equals(version)).findFirst();
    }

    static EngineVersion defaultFor(String engine) {
        return VERSIONS.stream().filter(v -> v.engine().equals(engine) && v.isDefault()).findFirst()
                .orElseThrow();
    }

    static boolean isFamily(String family) {
        return VERSIONS.stream().anyMatch(v -> v.family().equals(family));
    }

    /** The upgrade targets of a version, in version order. */
    static List<EngineVersion> upgradeTargets(EngineVersion from) {
        List<EngineVersion> out = new ArrayList<>();
        for (EngineVersion to : VERSIONS) {
            if (EngineVersion.ORDER.compare(to, from) <= 0) {
                continue;
            }
            if (to.major() == from.major() || majorAllowed(from, to)) {
                out.add(to);
            }
        }
        return out;
    }

    private static boolean majorAllowed(EngineVersion from, EngineVersion to) {
        if (from.major() == 1 && to.major() == 2) {
            return to.minor() >= 7 && to.minor() <= 10;
        }
        if (from.major() == 2 && to.major() == 3) {
            if (from.minor() < 10) {
                return false;
            }
            if (from.minor() == 10) {
                return to.minor() <= 3;
            }
            if (from.minor() == 11) {
                return to.minor() >= 4;
            }
            return to.minor() >= 5;
        }
        return false;
    }
}
