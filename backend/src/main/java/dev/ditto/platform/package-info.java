/**
 * The platform's infrastructure: typed configuration, the PostgreSQL data source and Elasticsearch client
 * (embedded servers when no URL is configured), migrations, health, time.
 */
@NullMarked
package dev.ditto.platform;

import org.jspecify.annotations.NullMarked;
