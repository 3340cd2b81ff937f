package dev.opskit.rds.internal.verify;

/** A key range of one table, compared on both servers. Compared by identity: its keys may be byte arrays. */
record Chunk(TableSpec table, ChunkBounds bounds) {
}
