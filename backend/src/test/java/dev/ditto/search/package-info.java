/** Integration tests of search against the real PostgreSQL and Elasticsearch. */
@NullMarked
package dev.ditto.search;

import org.jspecify.annotations.NullMarked;
