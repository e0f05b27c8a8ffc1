package dev.ditto.search;

import org.jspecify.annotations.Nullable;

/** The search index at a glance, for the dashboard: which index is live, its size, and the outbox lag. */
public record SearchStatus(String alias, @Nullable String index, long indexedDocuments, long samplesInDatabase,
                           IndexLag lag) {}
