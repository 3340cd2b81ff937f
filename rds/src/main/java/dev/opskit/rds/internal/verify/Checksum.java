package dev.opskit.rds.internal.verify;

/** The row count and the XOR of per-row CRC32s of one chunk on one server. */
public record Checksum(long rows, long crc) {
}
