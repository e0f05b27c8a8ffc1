package dev.ditto.search;

import org.jspecify.annotations.Nullable;

/**
 * What a reindex did: the index the alias left and the one it points at now, documents bulk-loaded from PostgreSQL,
 * documents in the new index and samples in PostgreSQL once it was live, and how long it took.
 */
public record ReindexReport(@Nullable String previousIndex, String index, long loaded, long indexedDocuments,
                            long samplesInDatabase, int warmupSearches, long tookMs) {}
