/**
 * Search over samples: the outbox-fed indexer, the versioned Elasticsearch index behind an alias, zero-downtime
 * reindex from PostgreSQL, and hybrid (BM25 + kNN) search with facets, filters and deep paging.
 */
@NullMarked
package dev.ditto.search;

import org.jspecify.annotations.NullMarked;
