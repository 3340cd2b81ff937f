package dev.opskit.rds.internal.verify;

/**
 * A base table as the cheap listing finds it, before its columns and keys are read: enough to
 * start its table checksums, which need only its name and {@code SHOW CREATE TABLE}.
 *
 * @param estimatedRows the server's estimate of the row count, 0 if unknown
 */
public record TableName(String schema, String name, long estimatedRows) {
    /** @return {@code schema.name}, unquoted, for reports */
    public String fullName() {
        return schema + "." + name;
    }

    /** @return {@code `schema`.`name`} */
    public String quotedName() {
        return TableSpec.quote(schema) + "." + TableSpec.quote(name);
    }
}
