/**
 * Embedded PostgreSQL and Elasticsearch: real servers from Maven-published distributions, started as an
 * unprivileged user, for dev mode and tests when no URL is configured.
 */
@NullMarked
package dev.ditto.db.embedded;

import org.jspecify.annotations.NullMarked;
