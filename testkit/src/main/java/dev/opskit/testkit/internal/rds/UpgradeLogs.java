package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.rds.EngineCatalog.EngineVersion;

/**
 * The {@code upgrade-prechecks.log} Aurora MySQL writes on the writer instance for a major version
 * upgrade: a JSON report (as in Aurora MySQL 3's upgrade checker) with each check performed, the
 * problems found and the counts. The member names follow AWS's documented examples; the checks
 * listed are a small, typical subset.
 */
final class UpgradeLogs {
    private UpgradeLogs() {
    }

    /** A report with no problems, for an upgrade that goes ahead. */
    static String passedPrechecks(EngineVersion from, EngineVersion to) {
        return "{\n"
                + "    \"serverAddress\": \"/tmp%2Fmysql.sock\",\n"
                + "    \"serverVersion\": \"" + from.mysqlCompat() + "\",\n"
                + "    \"targetVersion\": \"" + to.mysqlCompat() + "\",\n"
                + "    \"auroraServerVersion\": \"" + from.auroraRelease() + "\",\n"
                + "    \"auroraTargetVersion\": \"" + to.auroraRelease() + "\",\n"
                + "    \"outfilePath\": \"/rdsdbdata/tmp/PreChecker.log\",\n"
                + "    \"checksPerformed\": [\n"
                + check("oldTemporalCheck", "Usage of old temporal type", "", false) + ",\n"
                + check("reservedKeywordsCheck", "Usage of db objects with names conflicting with new reserved"
                        + " keywords", "", false) + ",\n"
                + check("auroraUpgradeCheckForMasterUser", "Check if master user exists", "", true) + "\n"
                + "    ],\n"
                + "    \"errorCount\": 0,\n"
                + "    \"warningCount\": 0,\n"
                + "    \"noticeCount\": 0,\n"
                + "    \"Summary\": \"No known compatibility errors or issues were found.\"\n"
                + "}\n";
    }

    /** A typical failed report: a table with an old temporal column blocks the upgrade. */
    static String failedPrechecks() {
        return "{\n"
                + "    \"serverAddress\": \"/tmp%2Fmysql.sock\",\n"
                + "    \"serverVersion\": \"5.7.12\",\n"
                + "    \"targetVersion\": \"8.0.28\",\n"
                + "    \"auroraServerVersion\": \"2.11.2\",\n"
                + "    \"auroraTargetVersion\": \"3.04.0\",\n"
                + "    \"outfilePath\": \"/rdsdbdata/tmp/PreChecker.log\",\n"
                + "    \"checksPerformed\": [\n"
                + "        {\n"
                + "            \"id\": \"oldTemporalCheck\",\n"
                + "            \"title\": \"Usage of old temporal type\",\n"
                + "            \"status\": \"OK\",\n"
                + "            \"detectedProblems\": [\n"
                + "                {\n"
                + "                    \"level\": \"Error\",\n"
                + "                    \"dbObject\": \"app.orders.created_at\",\n"
                + "                    \"description\": \"timestamp /* 5.5 binary format */\"\n"
                + "                }\n"
                + "            ],\n"
                + "            \"description\": \"Error: Following table columns use a deprecated and no longer"
                + " supported temporal disk storage format. They must be converted to the new format before"
                + " upgrading. It can by done by rebuilding the table using 'ALTER TABLE <table_name> FORCE'"
                + " command\"\n"
                + "        }\n"
                + "    ],\n"
                + "    \"errorCount\": 1,\n"
                + "    \"warningCount\": 0,\n"
                + "    \"noticeCount\": 0,\n"
                + "    \"Summary\": \"1 errors were found. Please correct these issues before upgrading to avoid"
                + " compatibility issues.\"\n"
                + "}\n";
    }

    private static String check(String id, String title, String description, boolean aurora) {
        return "        {\n"
                + "            \"id\": \"" + id + "\",\n"
                + "            \"title\": \"" + title + "\",\n"
                + "            \"status\": \"OK\",\n"
                + (aurora ? "            \"description\": \"" + description + "\",\n" : "")
                + "            \"detectedProblems\": []\n"
                + "        }";
    }
}
